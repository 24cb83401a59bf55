import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { PipelineHealthIndicators } from './health.indicators';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: PipelineHealthIndicators,
  ) {}

  /**
   * 200 when PostgreSQL and Redis both answer, 503 with the failing one's message otherwise.
   * Worker counts per stage queue are reported too (idle stages listed), for clients to warn on.
   */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.postgres(), () => this.indicators.redis(), () => this.indicators.workers()]);
  }
}
