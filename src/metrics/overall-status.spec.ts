import type { ComponentName, ComponentStatus } from './monitor.types.js';
import { overallStatus } from './overall-status.js';

function components(
  states: Partial<Record<ComponentName, ComponentStatus['status']>>,
): Map<ComponentName, ComponentStatus> {
  return new Map(
    Object.entries(states).map(([name, status]) => [
      name as ComponentName,
      { status, detail: '', since: 0 },
    ]),
  );
}

describe(overallStatus.name, () => {
  it.each([
    [{ database: 'online', tcp: 'online', mqtt: 'online', redis: 'online' }, false, 'healthy'],
    [{ database: 'online' }, false, 'healthy'],
    [{ database: 'online', redis: 'offline' }, false, 'degraded'],
    [{ database: 'online' }, true, 'degraded'],
    [{ database: 'online', mqtt: 'error', redis: 'offline' }, true, 'partial'],
    [{ database: 'online', tcp: 'offline' }, false, 'partial'],
    [{ database: 'error', tcp: 'offline' }, false, 'error'],
    [{}, false, 'error'],
  ] as const)('%j with an error alert %s is %s', (states, errorAlert, expected) => {
    expect(overallStatus(components(states), errorAlert)).toBe(expected);
  });
});
