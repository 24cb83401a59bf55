import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { CreateRunRequest, type QualityReport, type RunProfile, type RunReport } from '@ecom/contracts';
import { RunReportService } from './run-report.service';
import { RunIdPipe } from './run-id';
import { ListRunsQuery, type RunAccepted, type RunList } from './runs.dto';
import { RunsService } from './runs.service';

@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly reports: RunReportService,
  ) {}

  /** 202: the run is recorded and queued; the workers do the rest. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  launch(@Body() request: CreateRunRequest): Promise<RunAccepted> {
    return this.runs.launchRun(request);
  }

  @Get()
  list(@Query() query: ListRunsQuery): Promise<RunList> {
    return this.runs.listRuns(query.limit, query.offset);
  }

  @Get(':id')
  report(@Param('id', RunIdPipe) runId: string): Promise<RunReport> {
    return this.reports.report(runId);
  }

  @Get(':id/quality')
  quality(@Param('id', RunIdPipe) runId: string): Promise<QualityReport> {
    return this.reports.quality(runId);
  }

  @Get(':id/profile')
  profile(@Param('id', RunIdPipe) runId: string): Promise<RunProfile> {
    return this.reports.profile(runId);
  }
}
