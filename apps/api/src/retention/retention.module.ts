import { Module } from '@nestjs/common';
import { OpsModule } from '@ecom/ops';
import { RetentionController } from './retention.controller';

/** POST /retention/run; the daily retention job runs in the ops worker. */
@Module({
  imports: [OpsModule],
  controllers: [RetentionController],
})
export class RetentionModule {}
