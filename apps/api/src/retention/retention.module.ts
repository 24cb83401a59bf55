import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { OPS_QUEUES } from '@ecom/contracts';
import { RetentionController } from './retention.controller';
import { RetentionFiles } from './retention-files';
import { RetentionProcessor } from './retention.processor';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Retention: POST /retention/run, and the processor of the daily retention job. */
@Module({
  imports: [BullModule.registerQueue({ name: OPS_QUEUES.retention })],
  controllers: [RetentionController],
  providers: [RetentionService, RetentionRepository, RetentionFiles, RetentionProcessor],
  exports: [RetentionService],
})
export class RetentionModule {}
