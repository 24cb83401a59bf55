import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { RunMode, RunStatus } from '@ecom/contracts';

/** Query of GET /runs. */
export class ListRunsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 20;

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

export interface RunAccepted {
  runId: string;
  status: 'queued';
  links: { self: string; quality: string };
}
