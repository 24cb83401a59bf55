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
   * Readiness: 200 when PostgreSQL and the queue store (Redis, or PostgreSQL with
   * QUEUE_BACKEND=postgres) answer, every stage queue has a worker and no run has
   * stalled (no progress for monitoring.stalledRunMinutes); 503 with each failing indicator's
   * message otherwise. The body always carries the workers per stage and the idle stages.
   */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.postgres(),
      () => this.indicators.queues(),
      () => this.indicators.workers(),
      () => this.indicators.runs(),
    ]);
  }

  /** Liveness: the api process answers. Says nothing about PostgreSQL, the queue store or the workers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
