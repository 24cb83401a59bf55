import { Injectable } from '@nestjs/common';
import { type Queryable } from '@ecom/db';
import { countTypedRows } from '@ecom/pipeline';

/**
 * The validator's own SQL. The checks themselves, their score and their storage live in
 * @ecom/pipeline's quality gate, which transform and warehouse share for their reconciliations.
 */
@Injectable()
export class QualityRepository {
  async countStagedRows(db: Queryable, runId: string): Promise<number> {
    return countTypedRows(db, runId);
  }
}
