import { Body, ConflictException, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateRunRequest, RUN_TRIGGER_HEADER, type QualityReport, type RunProfile, type RunReport, type RunTrigger } from '@ecom/contracts';
import { RunAlreadyActiveError } from '@ecom/pipeline';
import { EXAMPLE_SOURCE, Fails, JsonBody, Returns, RunIdParam } from '../openapi/decorators';
import { RunReportService } from './run-report.service';
import { RunIdPipe } from './run-id';
import { ListRunsQuery, type RunAccepted, type RunList, type RunResumed } from './runs.dto';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly reports: RunReportService,
  ) {}

  /** 202: the run is recorded and queued; the workers do the rest. 409 while another run is active. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Launch a run',
    description:
      'Without `source` the run generates its data (sizes, seed, dates, defects); `mode: incremental` generates the `days` after the last generated date; ' +
      '`mode: rebuild` rebuilds the warehouse and analyses from production; `source` reads a folder inside SOURCE_ROOTS. One run at a time.',
  })
  @JsonBody(CreateRunRequest, {
    generate: { summary: 'Generate a small data set', value: { customers: 1000, products: 100, transactions: 5000, seed: 42, startDate: '2026-01-01', endDate: '2026-06-30' } },
    defects: { summary: 'Generate with defects, to see what the pipeline catches', value: { transactions: 5000, defects: 0.005 } },
    incremental: { summary: 'A daily delta after the last generated data set', value: { mode: 'incremental', days: 1 } },
    rebuild: { summary: 'Rebuild the warehouse and analyses', value: { mode: 'rebuild' } },
    source: { summary: 'Load a folder of CSV files', value: { source: EXAMPLE_SOURCE } },
  }, { optional: true, description: 'Every field is optional: no body at all starts a generated run of the configured default size.' })
  @ApiHeader({ name: RUN_TRIGGER_HEADER, required: false, description: '`cli` records the request as made by the pipeline CLI; anything else is `api`.', schema: { type: 'string', enum: ['cli'] } })
  @Returns(202, 'RunAccepted', 'The run is recorded and queued; the workers do the rest.')
  @Fails(409, 'Another run is queued or running; nothing was started (recorded as a skipped trigger).', 'RunConflict')
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
  @ApiOperation({ summary: 'Resume a failed or stuck run from its first unfinished stage' })
  @RunIdParam()
  @Returns(202, 'RunResumed', 'The unfinished stages are queued again; what succeeded is kept.')
  @Fails(404, 'No such run.')
  @Fails(409, 'The run succeeded (nothing to resume), or another run is active.', 'RunConflict')
  resume(@Param('id', RunIdPipe) runId: string): Promise<RunResumed> {
    return this.runs.resumeRun(runId);
  }

  @Get()
  @ApiOperation({ summary: 'List runs, newest first' })
  @Returns(200, 'RunList', 'One page of runs.')
  list(@Query() query: ListRunsQuery): Promise<RunList> {
    return this.runs.listRuns(query.limit, query.offset);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run: status, stages, files, quality summary, rejects by reason' })
  @RunIdParam()
  @Returns(200, 'RunReport', 'The run report.')
  @Fails(404, 'No such run.')
  report(@Param('id', RunIdPipe) runId: string): Promise<RunReport> {
    return this.reports.report(runId);
  }

  @Get(':id/quality')
  @ApiOperation({ summary: "A run's quality checks and reject rates" })
  @RunIdParam()
  @Returns(200, 'QualityReport', 'The quality report.')
  @Fails(404, 'No such run.')
  quality(@Param('id', RunIdPipe) runId: string): Promise<QualityReport> {
    return this.reports.quality(runId);
  }

  @Get(':id/profile')
  @ApiOperation({ summary: "The measured shape of a run's data" })
  @RunIdParam()
  @Returns(200, 'RunProfile', 'The data profile.')
  @Fails(404, 'No such run, or its profile is not stored yet (the transform stores it when it commits).')
  profile(@Param('id', RunIdPipe) runId: string): Promise<RunProfile> {
    return this.reports.profile(runId);
  }
}
