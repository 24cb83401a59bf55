import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RunRetentionRequest } from './retention.dto';
import type { RetentionReport } from './retention-report';
import { RetentionService } from './retention.service';

@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  /**
   * One retention pass now, by config.retention; `{dryRun: true}` lists what would go and deletes
   * nothing. 409 while another pass (the scheduled job) is running.
   */
  @Post('run')
  @HttpCode(200)
  run(@Body() request: RunRetentionRequest): Promise<RetentionReport> {
    return this.retention.run({ dryRun: request.dryRun === true });
  }
}
