import { PeakRss } from '../../tools/peak-rss';

describe('bench: peak RSS per phase', () => {
  it("starts each phase after a full garbage collection, so a phase's peak is not the garbage of the one before", () => {
    const rss = new PeakRss();
    expect(rss.perPhase).toBe(process.platform === 'linux');
    const mb = () => process.memoryUsage().rss / 2 ** 20;
    // ~240 MB of arrays nothing refers to once the function returns (each 12 MB: V8's large-object
    // space, whose pages go back to the system as soon as a collection frees them).
    const makeGarbage = (): number => {
      const arrays = Array.from({ length: 20 }, (_, i) => new Array(1_500_000).fill(i + 0.5));
      return arrays.length;
    };
    const before = mb();
    expect(makeGarbage()).toBe(20);
    expect(mb()).toBeGreaterThan(before + 200);
    rss.reset();
    expect(mb()).toBeLessThan(before + 40);
    if (rss.perPhase) expect(rss.peakMb()).toBeLessThan(before + 40);
  });
});
