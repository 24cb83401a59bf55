import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Returns } from '../openapi/decorators';
import { PipelineHealthIndicators } from './health.indicators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: PipelineHealthIndicators,
  ) {}

  /**
   * Readiness: 200 when PostgreSQL and the queue store (Redis, or PostgreSQL with
   * QUEUE_BACKEND=postgres) answer, every stage queue has a worker, the ops worker consumes every
   * operations queue and no run has stalled (no progress for monitoring.stalledRunMinutes); 503
   * with each failing indicator's message otherwise. The body always carries the workers per
   * stage and the idle stages, and the ops worker's per operations queue.
   */
  @Get()
  // The document's own Health schema instead of terminus's generated one.
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: PostgreSQL, the queue store, a worker per stage, the ops worker, no stalled run' })
  @Returns(200, 'Health', 'Ready: every indicator is up.')
  @Returns(503, 'Health', 'Not ready: the indicators under error say why.')
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.postgres(),
      () => this.indicators.queues(),
      () => this.indicators.workers(),
      () => this.indicators.opsWorker(),
      () => this.indicators.runs(),
    ]);
  }

  /** Liveness: the api process answers. Says nothing about PostgreSQL, the queue store or the workers. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the api process answers' })
  @Returns(200, 'Liveness', 'Always ok while the process answers.')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
