import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OpsQueuesModule } from '@ecom/ops';
import { HealthController } from './health.controller';
import { PipelineHealthIndicators } from './health.indicators';

@Module({
  // The failing indicator is already in the 503 body; terminus's own error log would repeat it.
  imports: [TerminusModule.forRoot({ logger: false }), OpsQueuesModule],
  controllers: [HealthController],
  providers: [PipelineHealthIndicators],
})
export class HealthModule {}
