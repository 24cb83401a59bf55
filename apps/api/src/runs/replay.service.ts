import { BadRequestException, ConflictException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import type { ReplayRunRequest } from '@ecom/contracts';
import { newRunId, resolveSourceFolder } from '@ecom/ops';
import { RunAlreadyActiveError, StageRuntime } from '@ecom/pipeline';
import type { RunAccepted } from './runs.dto';
import { RunsRepository } from './runs.repository';
import { runLinks } from './runs.service';

export interface ReplayAccepted extends RunAccepted {
  replayOf: string;
}

/**
 * A replay brings corrected rows for a finished run's rejects: a new source run over a folder
 * that may hold only the files with corrections. It goes through every stage like any source
 * run, and like any run waits its turn (409 while another is active). Production upserts by
 * business key, so corrected rows land once, and its transform marks the replayed run's rejects
 * it delivered as resolved.
 */
@Injectable()
export class ReplayService {
  constructor(
    private readonly config: AppConfig,
    private readonly runtime: StageRuntime,
    private readonly runs: RunsRepository,
  ) {}

  async replay(replayOf: string, request: ReplayRunRequest): Promise<ReplayAccepted> {
    const original = await this.runs.findRun(replayOf);
    if (!original) throw new NotFoundException(`run ${replayOf} not found`);
    if (original.status === 'queued' || original.status === 'running') {
      // Its transform may still be writing rejects; resolving against a moving set would miss some.
      throw new ConflictException(`run ${replayOf} is still ${original.status}; replay it once it has finished`);
    }
    if (original.mode === 'rebuild') {
      throw new BadRequestException(`run ${replayOf} is a rebuild: it read no input and has no rejects to replay`);
    }
    const inputDir = await resolveSourceFolder(request.source, this.config.sourceRoots);
    const runId = newRunId();
    try {
      // One run at a time, like every other trigger.
      await this.runtime.launchExclusiveRun(runId, { mode: 'source', inputDir, replayOf }, 'api');
    } catch (error) {
      if (!(error instanceof RunAlreadyActiveError)) throw error;
      throw new ConflictException({
        statusCode: HttpStatus.CONFLICT,
        error: 'Conflict',
        message: error.message,
        activeRunId: error.activeRunId,
        skippedId: error.skippedId,
      });
    }
    return { runId, status: 'queued', links: runLinks(runId), replayOf };
  }
}
