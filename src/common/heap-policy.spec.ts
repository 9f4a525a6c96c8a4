import { applyHeapPolicy } from './heap-policy.js';

describe(applyHeapPolicy.name, () => {
  it("leaves V8's heap growth to an operator who set it on the command line", () => {
    expect(applyHeapPolicy(['--heap-growing-percent=80'])).toBe(false);
    expect(applyHeapPolicy(['--enable-source-maps', '--heap_growing_percent=10'])).toBe(false);
  });

  it('applies its own otherwise', () => {
    expect(applyHeapPolicy([])).toBe(true);
    expect(applyHeapPolicy(['--max-old-space-size=512'])).toBe(true);
  });
});
