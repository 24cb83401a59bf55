import { PeakRss } from '../../tools/peak-rss';

describe('bench: peak RSS per phase', () => {
  it("starts each phase after a full garbage collection, so a phase's peak is not the garbage of the one before", async () => {
    const rss = new PeakRss();
    expect(rss.perPhase).toBe(process.platform === 'linux');
    // 12 MB: V8's large-object space, which only a full collection frees (a scavenge never does).
    let garbage: number[] | undefined = new Array(1_500_000).fill(0.5);
    const ref = new WeakRef(garbage);
    garbage = undefined;
    expect(ref.deref()).toBeDefined();
    // A WeakRef's target stays alive until the job that made or read it ends.
    await new Promise((resolve) => setImmediate(resolve));
    rss.reset();
    expect(ref.deref()).toBeUndefined();
  });
});
