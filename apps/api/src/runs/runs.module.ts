import { Module } from '@nestjs/common';
import { OpsModule } from '@ecom/ops';
import { RunReconciler } from '@ecom/pipeline';
import { RejectsController } from './rejects.controller';
import { RejectsRepository } from './rejects.repository';
import { RejectsService } from './rejects.service';
import { ReplayController } from './replay.controller';
import { ReplayService } from './replay.service';
import { RunReportService } from './run-report.service';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';
import { ServerPaths } from './server-paths';

@Module({
  imports: [OpsModule],
  controllers: [RunsController, RejectsController, ReplayController],
  providers: [RunReconciler, RunsService, RunReportService, RunsRepository, RejectsService, RejectsRepository, ReplayService, ServerPaths],
  exports: [RunsService],
})
export class RunsModule {}
