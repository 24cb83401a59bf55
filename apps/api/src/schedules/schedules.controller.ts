import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { UpdateScheduleRequest, type ScheduleList, type ScheduleView } from './schedules.dto';
import { SchedulesService } from './schedules.service';

@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  /** Every schedule (pattern, enabled, next and last firing) and the latest skipped triggers. */
  @Get()
  list(): Promise<ScheduleList> {
    return this.schedules.list();
  }

  /** Changes a schedule's cron pattern (UTC) and/or enabled flag; 400 names a bad field. */
  @Put(':name')
  update(@Param('name') name: string, @Body() request: UpdateScheduleRequest): Promise<ScheduleView> {
    return this.schedules.update(name, request);
  }
}
