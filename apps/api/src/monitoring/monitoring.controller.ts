import { Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MonitoringService } from '@ecom/ops';
import { Returns } from '../openapi/decorators';
import { ListAlertsQuery, type AlertList, type EvaluationReport, type MonitoringReport } from './monitoring.dto';

@ApiTags('monitoring')
@Controller('monitoring')
export class MonitoringController {
  constructor(private readonly monitoring: MonitoringService) {}

  /** Health score, status, every check and the open alerts. Reads only; GET /health stays the liveness probe. */
  @Get()
  @ApiOperation({ summary: 'Health score, status, every check and the open alerts' })
  @Returns(200, 'MonitoringReport', 'The latest evaluation, made now.')
  report(): Promise<MonitoringReport> {
    return this.monitoring.report();
  }

  /** Evaluates now as the monitoring schedule does: opens and resolves alerts and sends them. */
  @Post('evaluate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Evaluate now, open and resolve alerts and send them' })
  @Returns(200, 'EvaluationReport', 'The evaluation, with the alerts it opened and resolved.')
  evaluate(): Promise<EvaluationReport> {
    return this.monitoring.evaluateAndAlert();
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Alerts, newest first, with their deliveries' })
  @Returns(200, 'AlertList', 'The alerts.')
  alerts(@Query() query: ListAlertsQuery): Promise<AlertList> {
    return this.monitoring.alerts(query.status, query.limit);
  }
}
