import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ReplayRunRequest } from '@ecom/contracts';
import { RunIdPipe } from './run-id';
import { ReplayService, type ReplayAccepted } from './replay.service';

@Controller('runs')
export class ReplayController {
  constructor(private readonly replays: ReplayService) {}

  /** 202 like POST /runs: a new source run over the folder of corrections is recorded and queued. */
  @Post(':id/replay')
  @HttpCode(HttpStatus.ACCEPTED)
  replay(@Param('id', RunIdPipe) runId: string, @Body() request: ReplayRunRequest): Promise<ReplayAccepted> {
    return this.replays.replay(runId, request);
  }
}
