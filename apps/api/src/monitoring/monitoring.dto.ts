import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

// The reports are the monitoring service's (@ecom/ops), which the ops worker produces too.
export type { AlertCondition, AlertDeliveryView, AlertList, AlertView, CheckResult, CheckStatus, EvaluationReport, HealthStatus, MonitoringReport } from '@ecom/ops';

/** Query of GET /monitoring/alerts. */
export class ListAlertsQuery {
  @ApiPropertyOptional({ example: 'open' })
  @IsOptional()
  @IsIn(['open', 'resolved', 'all'])
  status: 'open' | 'resolved' | 'all' = 'all';

  @ApiPropertyOptional({ description: 'Alerts to return, newest first.', example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;
}
