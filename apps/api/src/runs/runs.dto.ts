import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { RunMode, RunStatus } from '@ecom/contracts';

/** Query of GET /runs. */
export class ListRunsQuery {
  @ApiPropertyOptional({ description: 'Runs per page.', example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'Runs to skip.', example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Beyond this a number is no longer exact, and PostgreSQL's bigint ends soon after.
  @Max(Number.MAX_SAFE_INTEGER, { message: 'offset must not be greater than 9007199254740991' })
  offset: number = 0;
}

export interface RunSummary {
  runId: string;
  mode: RunMode;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  failedStage: string | null;
  error: string | null;
}

export interface RunList {
  runs: RunSummary[];
  limit: number;
  offset: number;
}

/** 202 of POST /runs/:id/resume. */
export interface RunResumed {
  runId: string;
  /** What the run was before: failed, or queued/running when it was stuck. */
  previousStatus: RunStatus;
  /** The first stage not yet succeeded: where the run goes on. */
  resumedFrom: string;
  /** The jobs the resume (re)queued: none when the run's jobs were all still in their queues. */
  requeued: Array<{ stage: string; jobId: string; action: string }>;
  links: { self: string; quality: string };
}

export interface RunAccepted {
  runId: string;
  status: 'queued';
  links: { self: string; quality: string };
}
