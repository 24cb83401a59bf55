import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig, DeepPartial } from '@ecom/config';
import { ENTITY_SPECS, type Entity, type RunParams } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import { PRODUCTION_WRITER, StageRuntime, createWorkerContext, type StageCounts } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { TransformerAppModule } from '../app.module';
import { TransformService, type TransformDetail } from './transform.service';

/** A staged line as raw text by column; a column left out is NULL, as a blank field lands. */
export type StagedLine = Record<string, string | null>;

export type TransformCounts = StageCounts & { detail: TransformDetail };

export const SOURCE_RUN: RunParams = { mode: 'source', inputDir: '/nowhere' };

/**
 * A transformer suite's world: its own database, the worker's Nest context, and the steps every
 * transform spec takes (lines staged as the ingestor lands them, a run in the ledger, the stage's
 * work in its own transaction as StageRuntime.runStage runs it). Call inside a describe: it
 * registers the suite's beforeAll/afterAll.
 */
export function transformWorld(suite: string, overrides: DeepPartial<AppConfig> = {}) {
  let env: TestEnv | undefined;
  let app: INestApplicationContext | undefined;
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`transformWorld(${suite}) is used before its beforeAll ran`);
    return value;
  };

  beforeAll(async () => {
    env = await createTestEnv(suite, overrides);
    app = await createWorkerContext(TransformerAppModule.forRoot, env.config, false);
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  const world = {
    get env(): TestEnv {
      return need(env);
    },
    get runtime(): StageRuntime {
      return need(app).get(StageRuntime);
    },
    get service(): TransformService {
      return need(app).get(TransformService);
    },

    /** Lands lines in staging as the ingestor would: raw text, one file per entity, line 1 the header. */
    async stage(runId: string, entity: Entity, lines: StagedLine[], sourceFile = ENTITY_SPECS[entity].fileName): Promise<void> {
      const columns = ENTITY_SPECS[entity].columns.join(', ');
      await world.env.pool.query(
        `INSERT INTO staging.${entity} (${columns}, run_id, source_file, source_line)
         SELECT ${columns}, $2, $3, line + 1
           FROM jsonb_populate_recordset(NULL::staging.${entity}, $1::jsonb) WITH ORDINALITY AS r(${columns}, run_id, source_file, source_line, extra, loaded_at, line)`,
        [JSON.stringify(lines), runId, sourceFile],
      );
    },

    /** A source run in the ledger with these lines staged. */
    async createRunWith(runId: string, lines: Partial<Record<Entity, StagedLine[]>>, params: RunParams = SOURCE_RUN): Promise<void> {
      await world.runtime.ledger.createRun(runId, params);
      for (const [entity, rows] of Object.entries(lines) as Array<[Entity, StagedLine[]]>) await world.stage(runId, entity, rows);
    },

    /**
     * Runs the stage's work in its own transaction, then what it left for after its commit, as
     * StageRuntime.runStage does for the transform (under PRODUCTION_WRITER); `progress` collects its updates.
     */
    async transform(runId: string, progress: Array<Record<string, unknown>> = []): Promise<TransformCounts> {
      const run = await world.runtime.ledger.getRun(runId);
      if (!run) throw new Error(`no run ${runId}`);
      const afterCommit: Array<() => Promise<void>> = [];
      const counts = await withTransaction(
        world.env.pool,
        (client) =>
          world.service.transformRun({
            runId,
            run,
            client,
            progress: async (update) => void progress.push(update),
            afterCommit: (task) => void afterCommit.push(task),
          }),
        PRODUCTION_WRITER,
      );
      for (const task of afterCommit) await task();
      return counts as TransformCounts;
    },
  };
  return world;
}
