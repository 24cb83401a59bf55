import { writeFileSync } from 'node:fs';

/**
 * Peak resident set size of this process, phase by phase. Everything the bench measures runs in
 * this process (api, workers, generator threads), so its peak is the pipeline's. On Linux, writing
 * 5 to /proc/self/clear_refs brings the peak (VmHWM, which getrusage's maxrss reads) down to the
 * current RSS, so each phase gets a peak of its own; where that is not possible the peak is the
 * process's since it started, and `perPhase` says so.
 */
export class PeakRss {
  readonly perPhase: boolean;

  constructor() {
    this.perPhase = this.tryReset();
  }

  /** Starts a phase: the next peakMb() is the highest RSS from now on. */
  reset(): void {
    if (this.perPhase) this.tryReset();
  }

  peakMb(): number {
    return Math.round(process.resourceUsage().maxRSS / 1024);
  }

  private tryReset(): boolean {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      return true;
    } catch {
      return false;
    }
  }
}
