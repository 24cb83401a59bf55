import { Body, ConflictException, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { CreateRunRequest, RUN_TRIGGER_HEADER, type QualityReport, type RunProfile, type RunReport, type RunTrigger } from '@ecom/contracts';
import { RunAlreadyActiveError } from '@ecom/pipeline';
import { RunReportService } from './run-report.service';
import { RunIdPipe } from './run-id';
import { ListRunsQuery, type RunAccepted, type RunList, type RunResumed } from './runs.dto';
import { RunsService } from './runs.service';

@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly reports: RunReportService,
  ) {}

  /** 202: the run is recorded and queued; the workers do the rest. 409 while another run is active. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async launch(@Body() request: CreateRunRequest, @Headers(RUN_TRIGGER_HEADER) triggerHeader?: string): Promise<RunAccepted> {
    const trigger: RunTrigger = triggerHeader === 'cli' ? 'cli' : 'api';
    try {
      return await this.runs.launchRun(request, trigger);
    } catch (error) {
      if (!(error instanceof RunAlreadyActiveError)) throw error;
      throw new ConflictException({
        statusCode: HttpStatus.CONFLICT,
        error: 'Conflict',
        message: `run ${error.activeRunId} is still ${error.activeStatus}; one run at a time, so nothing was started (recorded as skipped trigger ${error.skippedId}). Try again when it has finished: GET /runs/${error.activeRunId}`,
        activeRunId: error.activeRunId,
        skippedId: error.skippedId,
      });
    }
  }

  /**
   * 202: a failed or stuck run goes on from its first unfinished stage (what succeeded is kept).
   * 404 for no such run; 409 for a run that succeeded, or while another run is active.
   */
  @Post(':id/resume')
  @HttpCode(HttpStatus.ACCEPTED)
  resume(@Param('id', RunIdPipe) runId: string): Promise<RunResumed> {
    return this.runs.resumeRun(runId);
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
