import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { ConnectionOptions, Queue } from 'bullmq';
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import { QUEUES, STAGES } from '@ecom/contracts';
import { createPool } from '@ecom/db';
import { LedgerRepository } from './ledger.repository';
import { QueueStoreWorker, closeQueueConnection, queueConnection } from './queue-store';
import { STAGE_QUEUES, StageRuntime } from './stage-runtime';

/**
 * Settings of every pipeline connection. default_statistics_target 30: every ANALYZE the stages run
 * (staging, the typed tables, production, the warehouse's scratch tables, the dashboard summaries)
 * samples 9,000 rows instead of 30,000 and keeps 30 most-common values and histogram buckets. ANALYZE
 * sorts its sample once per column, and with a run's tables analysed after each bulk write that was
 * a fixed cost at every size: at 10k orders ~15% of the database's CPU in run 1 (0.8 of 5.3 s,
 * loaded machine), at 100k 2.2 s of 29 s; with 30, 0.45 and 0.9 s, and no statement of a 100k run
 * changed plan or cost. The ingest and the fact table already analysed with 30 (analyze_sample.sql,
 * fact_sales_bulk_end.sql), measured enough for the plans that follow (docs/performance.md).
 */
const SESSION_OPTIONS = '-c default_statistics_target=30';

// Every @Processor of every app runs on a QueueStoreWorker (a Worker that can stop without its store).
BullModule.workerClass = QueueStoreWorker;

/** The app's BullMQ connection options (queueConnection), for closing what they opened. */
export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

class PoolCloser implements OnApplicationShutdown {
  constructor(
    @Inject(Pool) private readonly pool: Pool,
    @Inject(QUEUE_CONNECTION) private readonly queueConnection: ConnectionOptions,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pool.end(), closeQueueConnection(this.queueConnection)]);
  }
}

/**
 * What every app shares: the validated config, one pg pool, BullMQ on the configured queue store
 * (Redis, or PostgreSQL: queueConnection), every stage queue (to hand runs on), the ledger and the
 * stage runtime.
 */
@Global()
@Module({})
export class PipelineModule {
  static forRoot(config: AppConfig): DynamicModule {
    const connection = queueConnection(config);
    return {
      module: PipelineModule,
      imports: [
        BullModule.forRoot({ connection, prefix: config.queuePrefix }),
        BullModule.registerQueue(...STAGES.map((stage) => ({ name: QUEUES[stage] }))),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: QUEUE_CONNECTION, useValue: connection },
        { provide: Pool, useFactory: () => createPool(config.databaseUrl, { max: config.dbPoolMax, options: SESSION_OPTIONS }) },
        PoolCloser,
        {
          provide: STAGE_QUEUES,
          useFactory: (...queues: Queue[]) => Object.fromEntries(STAGES.map((stage, i) => [stage, queues[i]])),
          inject: STAGES.map((stage) => getQueueToken(QUEUES[stage])),
        },
        LedgerRepository,
        StageRuntime,
      ],
      exports: [AppConfig, Pool, LedgerRepository, StageRuntime, BullModule],
    };
  }
}
