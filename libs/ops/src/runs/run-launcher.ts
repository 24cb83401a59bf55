import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BadRequestException, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import type { CreateRunRequest, GenerateParams, RunParams, RunTrigger } from '@ecom/contracts';
import { runSqlFile } from '@ecom/db';
import { StageRuntime } from '@ecom/pipeline';
import { addDays } from './dates';
import { resolveMappedSource, resolveSourceFolder } from './source-folder';

/**
 * `20261127-101500-a1b2c3`: UTC time first so ids sort by creation, a random suffix so two runs
 * started in the same second do not collide.
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

interface GeneratedRunRow {
  run_id: string;
  mode: 'generate' | 'incremental';
  params: RunParams;
}

/**
 * Launching a run from a request: POST /runs in the api and the pipeline schedule's tick in the ops
 * worker go through this one path, so a scheduled delta resolves its days exactly as a requested one.
 */
@Injectable()
export class RunLauncher {
  constructor(
    private readonly config: AppConfig,
    private readonly pool: Pool,
    private readonly runtime: StageRuntime,
  ) {}

  /**
   * Records the run with its resolved parameters and queues its first stage; returns its id. Throws
   * RunAlreadyActiveError (recorded as a skipped trigger) while another run is queued or running,
   * and BadRequestException for a request that cannot make a run.
   */
  async launch(request: CreateRunRequest, trigger: RunTrigger): Promise<string> {
    const runId = newRunId();
    if (request.mode === 'incremental') {
      // Resolve and record under one lock: the next delta must see this one as the last.
      await this.withIncrementalLock(async () => this.runtime.launchExclusiveRun(runId, await this.resolveIncremental(runId, request), trigger));
    } else {
      await this.runtime.launchExclusiveRun(runId, await this.resolveParams(runId, request), trigger);
    }
    return runId;
  }

  /**
   * Runs `work` holding the database-wide lock on recording deltas (a session advisory lock on
   * one connection), so concurrent requests for deltas take their days one after the other.
   */
  private async withIncrementalLock<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await runSqlFile(client, 'api/incremental_lock');
      try {
        return await work();
      } finally {
        await runSqlFile(client, 'api/incremental_unlock');
      }
    } finally {
      client.release();
    }
  }

  /**
   * A daily delta continues the newest generated data set: the days after the last day of the
   * newest generate or incremental run that has not failed, with that data set's parameters.
   */
  private async resolveIncremental(runId: string, request: CreateRunRequest): Promise<RunParams> {
    const fixed = (['customers', 'products', 'transactions', 'seed', 'startDate', 'endDate', 'source', 'mapping', 'defects'] as const).filter(
      (key) => request[key] !== undefined,
    );
    if (fixed.length > 0) {
      throw new BadRequestException(
        `mode incremental continues the last generated data set with its own sizes, seed and dates; remove ${fixed.join(', ')}`,
      );
    }
    // The newest generate or incremental run that has not failed.
    const previous = (await runSqlFile<GeneratedRunRow>(this.pool, 'api/latest_generated_run')).rows[0];
    const base = previous?.params.generate;
    if (!previous || !base) {
      throw new BadRequestException('mode incremental needs an earlier generated run to continue; start one first (POST /runs without a mode)');
    }
    const lastDate = previous.mode === 'incremental' && previous.params.incremental ? previous.params.incremental.toDate : base.endDate;
    const baseRunId = previous.params.incremental?.baseRunId ?? previous.run_id;
    const days = request.days ?? 1;
    const fromDate = addDays(lastDate, 1);
    return {
      mode: 'incremental',
      generate: base,
      incremental: { baseRunId, previousRunId: previous.run_id, fromDate, toDate: addDays(fromDate, days - 1), days },
      inputDir: join(this.config.dataRoot, 'raw', runId),
    };
  }

  private async resolveParams(runId: string, request: CreateRunRequest): Promise<RunParams> {
    if (request.mode === 'rebuild') {
      const extra = Object.entries(request).filter(([key, value]) => key !== 'mode' && value !== undefined).map(([key]) => key);
      if (extra.length > 0) throw new BadRequestException(`mode rebuild takes no input; remove ${extra.join(', ')}`);
      return { mode: 'rebuild', inputDir: '' };
    }
    if (request.days !== undefined) throw new BadRequestException('days is only for mode incremental');
    if (request.mapping !== undefined && request.source === undefined) {
      throw new BadRequestException('mapping converts a source folder: give source (the folder of the export) with it');
    }
    if (request.source !== undefined) {
      if (request.defects !== undefined) throw new BadRequestException('defects is only for generated runs; remove source or defects');
      if (request.mapping !== undefined) {
        const mapping = await resolveMappedSource(request.source, request.mapping, this.config.sourceRoots);
        return { mode: 'source', inputDir: join(this.config.dataRoot, 'mapped', runId), mapping };
      }
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
      ...(request.defects ? { defects: request.defects } : {}),
    };
    // ISO dates compare correctly as strings.
    if (generate.startDate > generate.endDate) {
      throw new BadRequestException(`startDate ${generate.startDate} is after endDate ${generate.endDate}`);
    }
    return { mode: 'generate', generate, inputDir: join(this.config.dataRoot, 'raw', runId) };
  }
}
