import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import { QUEUES, STAGES } from '@ecom/contracts';
import { createPool } from '@ecom/db';
import { LedgerRepository } from './ledger.repository';
import { redisConnectionOptions } from './redis';
import { StageRuntime } from './stage-runtime';

class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(Pool) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * What every app shares: the validated config, one pg pool, BullMQ on Redis with the configured
 * prefix, every stage queue (to hand runs on), the ledger and the stage runtime.
 */
@Global()
@Module({})
export class PipelineModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PipelineModule,
      imports: [
        BullModule.forRoot({ connection: redisConnectionOptions(config.redisUrl), prefix: config.queuePrefix }),
        BullModule.registerQueue(...STAGES.map((stage) => ({ name: QUEUES[stage] }))),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Pool, useFactory: () => createPool(config.databaseUrl) },
        PoolCloser,
        LedgerRepository,
        StageRuntime,
      ],
      exports: [AppConfig, Pool, LedgerRepository, StageRuntime, BullModule],
    };
  }
}
