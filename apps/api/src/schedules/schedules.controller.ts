import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SCHEDULE_NAMES } from '@ecom/contracts';
import { SchedulesService } from '@ecom/ops';
import { Fails, JsonBody, OneOfParam, Returns } from '../openapi/decorators';
import { UpdateScheduleRequest, type ScheduleList, type ScheduleView } from './schedules.dto';

@ApiTags('operations')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  /** Every schedule (pattern, enabled, next and last firing) and the latest skipped triggers. */
  @Get()
  @ApiOperation({ summary: 'Every schedule and the latest skipped triggers' })
  @Returns(200, 'ScheduleList', 'The schedules.')
  list(): Promise<ScheduleList> {
    return this.schedules.list();
  }

  /** Changes a schedule's cron pattern (UTC) and/or enabled flag; 400 names a bad field. */
  @Put(':name')
  @ApiOperation({ summary: "Change a schedule's cron pattern (UTC) and/or enabled flag" })
  @OneOfParam('name', SCHEDULE_NAMES, 'The schedule.', 'monitoring')
  @JsonBody(UpdateScheduleRequest, {
    pattern: { summary: 'Every day at 03:00 UTC', value: { pattern: '0 3 * * *', enabled: true } },
    disable: { summary: 'Switch it off', value: { enabled: false } },
  }, { description: 'Give pattern, enabled or both (an empty body is a 400); a field left out keeps its value.' })
  @Returns(200, 'Schedule', 'The schedule as it is now.')
  @Fails(404, 'No such schedule.')
  update(@Param('name') name: string, @Body() request: UpdateScheduleRequest): Promise<ScheduleView> {
    return this.schedules.update(name, request);
  }
}
