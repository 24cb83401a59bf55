import { Injectable } from '@nestjs/common';
import type { Entity } from '@ecom/contracts';
import { StageFailure, type StageContext, type StageCounts } from '@ecom/pipeline';
import { ProductionRepository, type EntityOutcome } from './production.repository';

/** Parents before children: referential checks read production after the parents were upserted. */
export const LOAD_ORDER: readonly Entity[] = ['customers', 'products', 'transactions', 'transaction_items'];

export type TransformDetail = Record<Entity, EntityOutcome>;

@Injectable()
export class TransformService {
  constructor(private readonly production: ProductionRepository) {}

  /**
   * Staging → production for one run, inside the stage's transaction. Safe to repeat: the run's
   * earlier transform rejects are cleared first and the upserts leave identical rows untouched.
   */
  async transformRun(ctx: StageContext): Promise<StageCounts> {
    await this.production.clearRunQuarantine(ctx.client, ctx.runId);
    const detail = {} as TransformDetail;
    for (const [index, entity] of LOAD_ORDER.entries()) {
      await ctx.progress({ entity, step: index + 1, of: LOAD_ORDER.length });
      const outcome = await this.production.loadEntity(ctx.client, entity, ctx.runId);
      // A gap here is a bug in the entity's SQL; failing loudly beats a report that does not add up.
      if (outcome.in !== outcome.out + outcome.rejected) {
        throw new StageFailure(
          `run ${ctx.runId} ${entity}: ${outcome.in} staged rows but ${outcome.out} loaded + ${outcome.rejected} quarantined`,
        );
      }
      detail[entity] = outcome;
    }
    const outcomes = Object.values(detail);
    return {
      rowsIn: outcomes.reduce((sum, o) => sum + o.in, 0),
      rowsOut: outcomes.reduce((sum, o) => sum + o.out, 0),
      rowsRejected: outcomes.reduce((sum, o) => sum + o.rejected, 0),
      detail,
    };
  }
}
