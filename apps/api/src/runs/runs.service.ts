import { join } from 'node:path';
import { BadRequestException, Injectable } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import type { CreateRunRequest, GenerateParams, RunParams } from '@ecom/contracts';
import { StageRuntime } from '@ecom/pipeline';
import { newRunId } from './run-id';
import type { RunAccepted, RunList } from './runs.dto';
import { RunsRepository } from './runs.repository';
import { resolveSourceFolder } from './source-folder';

export function runLinks(runId: string): RunAccepted['links'] {
  return { self: `/runs/${runId}`, quality: `/runs/${runId}/quality` };
}

@Injectable()
export class RunsService {
  constructor(
    private readonly config: AppConfig,
    private readonly runtime: StageRuntime,
    private readonly runs: RunsRepository,
  ) {}

  /** Records the run with its resolved parameters and queues its first stage. */
  async launchRun(request: CreateRunRequest): Promise<RunAccepted> {
    const runId = newRunId();
    const params = await this.resolveParams(runId, request);
    await this.runtime.launchRun(runId, params);
    return { runId, status: 'queued', links: runLinks(runId) };
  }

  async listRuns(limit: number, offset: number): Promise<RunList> {
    const rows = await this.runs.listNewestFirst(limit, offset);
    return {
      runs: rows.map((row) => ({
        runId: row.run_id,
        mode: row.mode,
        status: row.status,
        createdAt: row.created_at.toISOString(),
        finishedAt: row.finished_at?.toISOString() ?? null,
        failedStage: row.failed_stage,
        error: row.error,
      })),
      limit,
      offset,
    };
  }

  private async resolveParams(runId: string, request: CreateRunRequest): Promise<RunParams> {
    if (request.source !== undefined) {
      const inputDir = await resolveSourceFolder(request.source, this.config.sourceRoots);
      return { mode: 'source', inputDir };
    }
    const defaults = this.config.generator;
    const generate: GenerateParams = {
      customers: request.customers ?? defaults.customers,
      products: request.products ?? defaults.products,
      transactions: request.transactions ?? defaults.transactions,
      seed: request.seed ?? defaults.seed,
      startDate: request.startDate ?? defaults.startDate,
      endDate: request.endDate ?? defaults.endDate,
    };
    // ISO dates compare correctly as strings.
    if (generate.startDate > generate.endDate) {
      throw new BadRequestException(`startDate ${generate.startDate} is after endDate ${generate.endDate}`);
    }
    return { mode: 'generate', generate, inputDir: join(this.config.dataRoot, 'raw', runId) };
  }
}
