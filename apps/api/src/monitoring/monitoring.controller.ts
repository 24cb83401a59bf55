import { Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ListAlertsQuery, type AlertList, type EvaluationReport, type MonitoringReport } from './monitoring.dto';
import { MonitoringService } from './monitoring.service';

@Controller('monitoring')
export class MonitoringController {
  constructor(private readonly monitoring: MonitoringService) {}

  /** Health score, status, every check and the open alerts. Reads only; GET /health stays the liveness probe. */
  @Get()
  report(): Promise<MonitoringReport> {
    return this.monitoring.report();
  }

  /** Evaluates now as the monitoring schedule does: opens and resolves alerts and sends them. */
  @Post('evaluate')
  @HttpCode(HttpStatus.OK)
  evaluate(): Promise<EvaluationReport> {
    return this.monitoring.evaluateAndAlert();
  }

  @Get('alerts')
  alerts(@Query() query: ListAlertsQuery): Promise<AlertList> {
    return this.monitoring.alerts(query.status, query.limit);
  }
}
