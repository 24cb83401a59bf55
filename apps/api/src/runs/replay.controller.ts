import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReplayRunRequest } from '@ecom/contracts';
import { EXAMPLE_SOURCE, Fails, JsonBody, Returns, RunIdParam } from '../openapi/decorators';
import { RunIdPipe } from './run-id';
import { ReplayService, type ReplayAccepted } from './replay.service';

@ApiTags('rejects')
@Controller('runs')
export class ReplayController {
  constructor(private readonly replays: ReplayService) {}

  /** 202 like POST /runs: a new source run over the folder of corrections is recorded and queued. */
  @Post(':id/replay')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Replay a finished run's rejects with a folder of corrected rows (a new source run)" })
  @RunIdParam()
  @JsonBody(ReplayRunRequest, { corrections: { summary: 'A folder with corrected rows for some of the four files', value: { source: EXAMPLE_SOURCE } } })
  @Returns(202, 'ReplayAccepted', 'The replay run is recorded and queued.')
  @Fails(404, 'No such run.')
  @Fails(409, 'The run has not finished, or another run is active.', 'RunConflict')
  replay(@Param('id', RunIdPipe) runId: string, @Body() request: ReplayRunRequest): Promise<ReplayAccepted> {
    return this.replays.replay(runId, request);
  }
}
