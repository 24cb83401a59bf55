import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ReturnsText } from '../openapi/decorators';
import { pipelineMetrics } from '@ecom/pipeline';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  /**
   * Prometheus text format: this process's job and row counters, quality score, Node process
   * metrics, and the depth of every queue read from the queue store now.
   */
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ReturnsText(200, 'Prometheus text exposition format.', 'text/plain')
  async metrics(@Res() response: Response): Promise<void> {
    const metrics = pipelineMetrics();
    const body = await metrics.text();
    response.set('cache-control', 'no-store').type(metrics.contentType).send(body);
  }
}
