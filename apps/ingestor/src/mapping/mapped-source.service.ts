import { createReadStream } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig, MappingError, MappingSourceError, loadMapping } from '@ecom/config';
import type { RunParams } from '@ecom/contracts';
import { copyChunks, runSqlFile, withTransaction } from '@ecom/db';
import { StageFailure } from '@ecom/pipeline';
import { convertSource, type ConvertResult } from './convert';

/** Set-aside statuses are no conversion failure: they count against no reject rate (docs/mappings.md). */
const STATUS_REASONS = ['cancelled', 'adjusted'];

/**
 * The first step of a mapped run's ingest: converts the export into the run's input folder
 * (data/mapped/<run>), puts the lines the mapping set aside into ops.quarantine (stage 'mapping',
 * with their source file, line and reason) and records the source's control totals. A retried
 * plan converts again and replaces both.
 */
@Injectable()
export class MappedSourceService {
  constructor(
    private readonly pool: Pool,
    private readonly config: AppConfig,
  ) {}

  async convert(runId: string, params: RunParams): Promise<ConvertResult> {
    const mapped = params.mapping!;
    let result: ConvertResult;
    try {
      const mapping = loadMapping(mapped.file);
      result = await convertSource({ mapping, from: mapped.sourceDir, outDir: params.inputDir, allowedRoots: this.config.sourceRoots });
    } catch (error) {
      if (error instanceof MappingError || error instanceof MappingSourceError) throw new StageFailure(`mapping ${mapped.name}: ${error.message}`);
      throw error;
    }
    await withTransaction(this.pool, async (client) => {
      await runSqlFile(client, 'mapping/clear_mapping_rejects', [runId]);
      await client.query(
        `CREATE TEMP TABLE mapping_rejects (source_file text, source_line bigint, record_key text, reason_code text,
           message text, status text, amount text, raw_record text) ON COMMIT DROP`,
      );
      await copyChunks(client, 'COPY mapping_rejects FROM STDIN (FORMAT csv, HEADER true)', createReadStream(result.rejectsFile));
      await client.query(
        `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
         SELECT $1, 'mapping', CASE WHEN reason_code = ANY($2::text[]) THEN NULL ELSE 'transaction_items' END,
                source_file, source_line, record_key, raw_record, reason_code, message
           FROM mapping_rejects`,
        [runId, STATUS_REASONS],
      );
      await runSqlFile(client, 'mapping/record_mapping_run', [runId, mapped.name, mapped.file, mapped.sourceDir, JSON.stringify(result.controlTotals)]);
    });
    return result;
  }
}
