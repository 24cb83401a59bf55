import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { AppConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { StageRuntime, StageWorker } from '@ecom/pipeline';
import { WarehouseService } from './warehouse.service';

/** Consumes the warehouse queue: one 'run' job per run loads the star schema in one transaction. */
@Processor(QUEUES.warehouse)
export class WarehouseProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly warehouse: WarehouseService,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `warehouse job ${job.id}`);
    await this.runtime.runStage(job, 'warehouse', runId, (ctx) => this.warehouse.loadRun(ctx));
  }
}
