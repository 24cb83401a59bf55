import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RejectPage } from '@ecom/contracts';
import { PersonalData } from '../auth/personal-data';
import { Fails, ReturnsJsonOrCsv, ReturnsText, RunIdParam } from '../openapi/decorators';
import { RunIdPipe } from './run-id';
import { RejectsQuery } from './rejects.dto';
import { RejectsService } from './rejects.service';

/** Rejects hold the raw records (names, e-mails, phones): with API_KEY set, both routes need the key. */
@ApiTags('rejects')
@Controller('runs')
export class RejectsController {
  constructor(private readonly rejects: RejectsService) {}

  /** One page of the run's rejects; `?format=csv` exports every match instead (as rejects.csv). */
  @Get(':id/rejects')
  @PersonalData()
  @ApiOperation({ summary: "One page of a run's rejects (quarantined records), or all of them as CSV" })
  @RunIdParam()
  @ReturnsJsonOrCsv('RejectPage', 'A page of rejects (JSON), or every match (CSV) with ?format=csv.')
  @Fails(404, 'No such run.')
  list(@Param('id', RunIdPipe) runId: string, @Query() query: RejectsQuery): Promise<RejectPage | StreamableFile> {
    return query.format === 'csv' ? this.csvFile(runId, query) : this.rejects.page(runId, query);
  }

  /** Every reject matching the filters (paging parameters do not apply), streamed. */
  @Get(':id/rejects.csv')
  @PersonalData()
  @ApiOperation({ summary: 'Every reject matching the filters as CSV (paging parameters do not apply)' })
  @RunIdParam()
  @ReturnsText(200, 'RFC 4180 CSV, header line first; formula-like cells neutralised.', 'text/csv')
  @Fails(404, 'No such run.')
  csv(@Param('id', RunIdPipe) runId: string, @Query() query: RejectsQuery): Promise<StreamableFile> {
    return this.csvFile(runId, query);
  }

  private async csvFile(runId: string, query: RejectsQuery): Promise<StreamableFile> {
    return new StreamableFile(await this.rejects.csv(runId, query), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${runId}-rejects.csv"`,
    });
  }
}
