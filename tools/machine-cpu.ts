import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Busy CPU time of the whole machine, sampled while the bench runs: every process counts, the
 * pipeline's Node.js and its PostgreSQL backends and parallel workers alike, so on an otherwise
 * idle machine a stage's CPU seconds are the pipeline's. Beside a stage's wall time they say how
 * many cores it kept busy, and the run's total is the CPU budget a target must fit in (60 s on two
 * cores is at most 120 CPU seconds). Read from /proc/stat: Linux only; elsewhere there is none.
 */

/** One reading: when (ms since the epoch) and the machine's busy CPU seconds since boot. */
export interface CpuSample {
  atMs: number;
  busySeconds: number;
}

/**
 * Busy seconds from the text of /proc/stat: the first ("cpu") line's user, nice, system, irq,
 * softirq and steal ticks (guest time is already inside user), over the ticks per second. Idle
 * and iowait are not busy. Null when the line is not there or not numbers.
 */
export function busySecondsOfProcStat(text: string, ticksPerSecond: number): number | null {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (line === undefined) return null;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  if (ticks.length < 4 || ticks.some((t) => !Number.isFinite(t))) return null;
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

/**
 * Busy CPU seconds between two instants, from samples sorted by time, each end interpolated
 * linearly between the samples around it. Null when the samples do not cover [fromMs, toMs].
 */
export function cpuSecondsBetween(samples: readonly CpuSample[], fromMs: number, toMs: number): number | null {
  const at = (ms: number): number | null => {
    if (samples.length === 0 || ms < samples[0].atMs || ms > samples[samples.length - 1].atMs) return null;
    const after = samples.findIndex((s) => s.atMs >= ms);
    const b = samples[after];
    if (b.atMs === ms || after === 0) return b.busySeconds;
    const a = samples[after - 1];
    return a.busySeconds + ((b.busySeconds - a.busySeconds) * (ms - a.atMs)) / (b.atMs - a.atMs);
  };
  const from = at(fromMs);
  const to = at(toMs);
  return from === null || to === null || toMs < fromMs ? null : Math.max(0, to - from);
}

/** Ticks per second of /proc/stat (USER_HZ): `getconf CLK_TCK`, else Linux's usual 100. */
function ticksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/** Samples the machine's busy CPU time every `intervalMs` until stopped. */
export class MachineCpu {
  private readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly ticks: number) {}

  /** A sampler, or undefined where /proc/stat cannot be read (not Linux). */
  static open(): MachineCpu | undefined {
    const cpu = new MachineCpu(ticksPerSecond());
    return cpu.read() === null ? undefined : cpu;
  }

  /** Starts sampling afresh: samples of an earlier period are dropped. */
  start(intervalMs = 100): void {
    this.stop();
    this.samples.length = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    // Sampling never keeps the process alive on its own.
    this.timer.unref();
  }

  /** Stops sampling (one last sample first) and returns the samples taken since start. */
  stop(): CpuSample[] {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.sample();
    }
    return [...this.samples];
  }

  private sample(): void {
    const busySeconds = this.read();
    if (busySeconds !== null) this.samples.push({ atMs: Date.now(), busySeconds });
  }

  private read(): number | null {
    try {
      return busySecondsOfProcStat(readFileSync('/proc/stat', 'utf8'), this.ticks);
    } catch {
      return null;
    }
  }
}
