import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived its last full collection before
 * it collects again. Left to itself V8 allows up to four times that on a machine with memory to
 * spare: sitewatch, whose live heap stays under 100 MB, then held 500–600 MB under load, almost
 * all of it garbage waiting for a collection. At 20 % the peak of a whole `npm run bench` fell
 * to 262–306 MB, but batch ingest paid a full collection every third of a second (its SQL
 * scripts are large strings, allocated straight into the old generation). At 40 % batch and
 * MQTT ingest were a tenth faster in alternating runs; a full run at 30 % was as fast, with a
 * peak of 293 MB against 294 MB at 40 %.
 */
export const HEAP_GROWING_PERCENT = 30;

const EXPLICIT = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Applies HEAP_GROWING_PERCENT unless node was started with its own --heap-growing-percent,
 * which then wins. Answers whether it applied ours.
 */
export function applyHeapPolicy(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => EXPLICIT.test(arg))) {
    return false;
  }
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
