import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { IsCronPattern } from '@ecom/config';
import type { ScheduleChange } from '@ecom/ops';

export type { ScheduleList, ScheduleView, SkippedTriggerView } from '@ecom/ops';

/** Body of PUT /schedules/:name; a field left out keeps its current value. */
export class UpdateScheduleRequest implements ScheduleChange {
  @ApiPropertyOptional({ description: 'The new pattern; left out: unchanged.' })
  @IsOptional()
  @IsString()
  @IsCronPattern()
  pattern?: string;

  @ApiPropertyOptional({ description: 'Left out: unchanged.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
