import { createReadStream } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig, MappingError, MappingSourceError, loadMapping } from '@ecom/config';
import type { RunParams } from '@ecom/contracts';
import { copyChunks, runSqlFile, withTransaction } from '@ecom/db';
import { StageFailure } from '@ecom/pipeline';
import { convertSource, type ConvertResult } from './convert';

/**
 * The first step of a mapped run's ingest: converts the export into the run's input folder
 * (data/mapped/<run>), puts the lines the mapping set aside into ops.quarantine (stage 'mapping',
 * with their source file, line and reason), its cancelled and adjusted lines into staging.returns,
 * and records the source's control totals. A retried plan converts again and replaces all three.
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
      // A void line is no conversion failure: entity NULL keeps it out of every reject rate.
      await client.query(
        `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
         SELECT $1, 'mapping', CASE WHEN reason_code = 'void' THEN NULL ELSE 'transaction_items' END,
                source_file, source_line, record_key, raw_record, reason_code, message
           FROM mapping_rejects`,
        [runId],
      );
      // Cancelled and adjusted lines: rows of staging.returns, which the warehouse stage loads.
      await client.query('DELETE FROM staging.returns WHERE run_id = $1', [runId]);
      await client.query(
        `CREATE TEMP TABLE mapping_returns (return_line_id text, return_id text, kind text, customer_id text, product_id text,
           return_date date, return_time time, quantity integer, unit_price numeric, line_total numeric, source_file text,
           source_line bigint) ON COMMIT DROP`,
      );
      await copyChunks(client, 'COPY mapping_returns FROM STDIN (FORMAT csv, HEADER true)', createReadStream(result.returnsFile));
      await client.query(
        `INSERT INTO staging.returns (run_id, return_line_id, return_id, kind, customer_id, product_id, return_date, return_time,
                                     quantity, unit_price, line_total, source_file, source_line)
         SELECT $1, return_line_id, return_id, kind, customer_id, product_id, return_date, return_time, quantity, unit_price,
                line_total, source_file, source_line
           FROM mapping_returns`,
        [runId],
      );
      await runSqlFile(client, 'mapping/record_mapping_run', [runId, mapped.name, mapped.file, mapped.sourceDir, JSON.stringify(result.controlTotals)]);
    });
    return result;
  }
}
