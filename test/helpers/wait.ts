/** Polls `check` until it holds; for events that arrive over real sockets. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 3000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The arguments of `emitter`'s next `event`: for Socket.IO and MQTT clients, whose typed
 * `once` does not fit `events.once`.
 */
export function nextEvent<T extends unknown[] = unknown[]>(
  emitter: { once(event: string, listener: (...args: T) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (...args: T) => resolve(args)));
}
