import { Injectable } from '@nestjs/common';
import { runSqlFile, type Queryable } from '@ecom/db';

/**
 * The validator's own SQL. The checks themselves, their score and their storage live in
 * @ecom/pipeline's quality gate, which transform and warehouse share for their reconciliations.
 */
@Injectable()
export class QualityRepository {
  async countStagedRows(db: Queryable, runId: string): Promise<number> {
    const { rows } = await runSqlFile<{ staged_rows: string }>(db, 'quality/staged_rows_of_run', [runId]);
    return Number(rows[0].staged_rows);
  }
}
