import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { WORKER_APPS, queuesOfApp, type WorkerApp } from '@ecom/contracts';
import { StageRuntime, assertProcessors, createWorkerContext, openWorkerContext, type AppModuleFactory } from '@ecom/pipeline';
import { createApiApp } from '../apps/api/src/create-app';
import { GeneratorAppModule } from '../apps/generator/src/app.module';
import { IngestorAppModule } from '../apps/ingestor/src/app.module';
import { ValidatorAppModule } from '../apps/validator/src/app.module';
import { TransformerAppModule } from '../apps/transformer/src/app.module';
import { WarehouseLoaderAppModule } from '../apps/warehouse-loader/src/app.module';
import { AnalyticsAppModule } from '../apps/analytics/src/app.module';
import { OpsWorkerAppModule } from '../apps/ops-worker/src/app.module';

/** The module of every worker app in the registry (WORKER_APPS); a new app that is missing here does not compile. */
export const WORKER_MODULES: Record<WorkerApp, AppModuleFactory> = {
  generator: (config) => GeneratorAppModule.forRoot(config),
  ingestor: (config) => IngestorAppModule.forRoot(config),
  validator: (config) => ValidatorAppModule.forRoot(config),
  transformer: (config) => TransformerAppModule.forRoot(config),
  'warehouse-loader': (config) => WarehouseLoaderAppModule.forRoot(config),
  analytics: (config) => AnalyticsAppModule.forRoot(config),
  'ops-worker': (config) => OpsWorkerAppModule.forRoot(config),
};

export interface RunningPipeline {
  baseUrl: string;
  api: INestApplication;
  workers: INestApplicationContext[];
  close(): Promise<void>;
}

/**
 * The api and every worker app of the registry in this one process, against a migrated database: what the
 * end-to-end suite and the benchmark drive through REST. `npm start` runs them as separate
 * processes instead; the code is the same.
 */
export async function startPipeline(config: AppConfig, options: { logs?: boolean } = {}): Promise<RunningPipeline> {
  // Every queue of every worker app with exactly one processor, checked before anything connects.
  const modules = WORKER_APPS.map((app) => WORKER_MODULES[app](config));
  assertProcessors('the in-process pipeline', modules, WORKER_APPS.flatMap((app) => queuesOfApp(app)));
  const workers: INestApplicationContext[] = [];
  for (const module of modules) workers.push(await openWorkerContext(module, config, options.logs ?? false));
  const api = await createApiApp(config);
  // A stage with no consumer would leave runs waiting forever: refuse to start instead.
  // Workers register with the queue store as they connect, so give them a moment.
  const runtime = api.get(StageRuntime);
  let idle: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const counts = await runtime.workersPerStage();
    idle = Object.entries(counts).filter(([, count]) => count === 0).map(([stage]) => stage);
    if (idle.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (idle.length > 0) {
    await Promise.all([api.close(), ...workers.map((w) => w.close())]);
    throw new Error(`no worker consumes the queue of stage(s) ${idle.join(', ')}`);
  }
  if (!options.logs) api.useLogger(false);
  await api.listen(config.port, '127.0.0.1');
  const address = api.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    api,
    workers,
    async close() {
      await api.close();
      for (const worker of workers) await worker.close();
    },
  };
}

/**
 * The ops worker alone, in this process: for the api's specs that need a scheduled, monitoring,
 * alert or retention job processed (or the schedulers synced) without running the stages.
 */
export function startOpsWorker(config: AppConfig, options: { logs?: boolean } = {}): Promise<INestApplicationContext> {
  return createWorkerContext(WORKER_MODULES['ops-worker'], config, options.logs ?? false, 'ops-worker');
}
