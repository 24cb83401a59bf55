import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

  /**
   * Starts a phase: the next peakMb() is the highest RSS from now on. A full garbage collection
   * first, so that the phase does not start on what the phase before it left for V8 to collect
   * (a --scale run's 1M started ~60 MB higher after its 100k, and peaked at 301 MB against 250-283
   * MB for a 1M bench alone).
   */
  reset(): void {
    collectGarbage();
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

let gc: (() => void) | undefined;

/** A full, synchronous garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
