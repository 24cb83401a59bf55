import { Module } from '@nestjs/common';
import { RunReportService } from './run-report.service';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

@Module({
  controllers: [RunsController],
  providers: [RunsService, RunReportService, RunsRepository],
})
export class RunsModule {}
