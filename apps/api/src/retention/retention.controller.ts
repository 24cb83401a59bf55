import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RetentionService, type RetentionReport } from '@ecom/ops';
import { Fails, JsonBody, Returns } from '../openapi/decorators';
import { RunRetentionRequest } from './retention.dto';

@ApiTags('operations')
@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  /**
   * One retention pass now, by config.retention; `{dryRun: true}` lists what would go and deletes
   * nothing. 409 while another pass (the scheduled job) is running.
   */
  @Post('run')
  @HttpCode(200)
  @ApiOperation({ summary: 'One retention pass now (or a dry run listing what would go)' })
  @JsonBody(RunRetentionRequest, { dryRun: { summary: 'List what would go; delete nothing', value: { dryRun: true } } }, { optional: true, description: 'No body: a real pass.' })
  @Returns(200, 'RetentionReport', 'What went (or would go), per kind of data.')
  @Fails(409, 'Another retention pass is running.')
  run(@Body() request: RunRetentionRequest): Promise<RetentionReport> {
    return this.retention.run({ dryRun: request.dryRun === true });
  }
}
