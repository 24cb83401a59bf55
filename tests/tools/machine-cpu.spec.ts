import { MachineCpu, busySecondsOfProcStat, cpuSecondsBetween } from '../../tools/machine-cpu';

describe("bench: the machine's busy CPU time", () => {
  it('counts user, nice, system, irq, softirq and steal ticks of /proc/stat as busy, not idle or iowait', () => {
    const procStat = ['cpu  100 5 50 1000 20 3 2 1 40 0', 'cpu0 50 2 25 500 10 1 1 0 20 0', 'intr 12345'].join('\n');
    expect(busySecondsOfProcStat(procStat, 100)).toBeCloseTo(1.61, 10);
    expect(busySecondsOfProcStat(procStat, 1000)).toBeCloseTo(0.161, 10);
  });

  it('has no reading without a cpu line of numbers', () => {
    expect(busySecondsOfProcStat('intr 1 2 3', 100)).toBeNull();
    expect(busySecondsOfProcStat('cpu  a b c d', 100)).toBeNull();
  });

  it('interpolates between the samples around each end, and has no value outside them', () => {
    const samples = [
      { atMs: 0, busySeconds: 10 },
      { atMs: 1000, busySeconds: 11.5 },
      { atMs: 2000, busySeconds: 13.5 },
    ];
    // 10.75 at 500 ms, 12.5 at 1500 ms.
    expect(cpuSecondsBetween(samples, 500, 1500)).toBeCloseTo(1.75, 10);
    expect(cpuSecondsBetween(samples, 0, 2000)).toBeCloseTo(3.5, 10);
    expect(cpuSecondsBetween(samples, 1000, 1000)).toBe(0);
    expect(cpuSecondsBetween(samples, -1, 1000)).toBeNull();
    expect(cpuSecondsBetween(samples, 1000, 2001)).toBeNull();
    expect(cpuSecondsBetween(samples, 1500, 500)).toBeNull();
    expect(cpuSecondsBetween([], 0, 1)).toBeNull();
  });

  it('sees this process keep a core busy (Linux)', () => {
    expect(process.platform).toBe('linux');
    const cpu = MachineCpu.open();
    expect(cpu).toBeDefined();
    cpu!.start(20);
    const spinUntil = Date.now() + 400;
    let spins = 0;
    while (Date.now() < spinUntil) spins += 1;
    const samples = cpu!.stop();
    expect(spins).toBeGreaterThan(0);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    // One core fully busy for 0.4 s, whatever else the machine does (it can only add).
    const busy = cpuSecondsBetween(samples, samples[0].atMs, samples[samples.length - 1].atMs);
    expect(busy).toBeGreaterThanOrEqual(0.3);
  });
});
