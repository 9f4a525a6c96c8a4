/** A valid reading document; fields may be overridden. */
export function readingDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pct: 90,
    id: 'handheld 1',
    ts: 1673049150,
    sensors: [
      { type: 'CH4', val: 200 },
      { type: 'CO', val: 12 },
    ],
    ...overrides,
  };
}
