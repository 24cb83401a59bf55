import { Injectable, Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig, CategoricalValuesConfig } from '@ecom/config';
import type { Entity } from '@ecom/contracts';
import {
  PROFILE_MEASURES,
  QualityChecksConfig,
  StageFailure,
  TYPED_MEASURES,
  assembleProfile,
  dropTypedTables,
  gateRejectRates,
  measureProfileBeside,
  measureProfileIn,
  measuresReading,
  runQualityChecks,
  storeProfile,
  summarizeStagingRanges,
  type ProfileMeasure,
  type ProfileRows,
  type StageContext,
  type StageCounts,
} from '@ecom/pipeline';
import { ProductionRepository, type EntityOutcome } from './production.repository';

/**
 * Parents before children: referential checks read production after the parents were upserted.
 * Products before customers: the order lines' checks (which read the products) run before the
 * customers, while the customers' phones are parsed on another connection (transformRun).
 */
export const LOAD_ORDER: readonly Entity[] = ['products', 'customers', 'transactions', 'transaction_items'];

export type TransformDetail = Record<Entity, EntityOutcome>;

/** The profile's measures of the typed tables alone, by whether they read the order lines. */
const LINE_MEASURES = measuresReading(TYPED_MEASURES, 'transaction_items');
const HEADER_MEASURES = TYPED_MEASURES.filter((measure) => !LINE_MEASURES.includes(measure));

@Injectable()
export class TransformService {
  private readonly logger = new Logger(TransformService.name);
  constructor(
    private readonly production: ProductionRepository,
    private readonly pool: Pool,
    private readonly checks: QualityChecksConfig,
    private readonly categorical: CategoricalValuesConfig,
    private readonly config: AppConfig,
  ) {}

  /**
   * Staging → production for one run, inside the stage's transaction. Safe to repeat: the run's
   * earlier transform rejects are cleared first and the upserts leave identical rows untouched.
   * Ends with the transform-stage checks of config/quality-checks.yaml (staging → production
   * reconciliation); an error check over its threshold fails the stage and nothing of it commits.
   * `checks` lets a test run another set than the configured one.
   */
  async transformRun(ctx: StageContext, checks: QualityChecksConfig = this.checks): Promise<StageCounts> {
    await this.production.tuneSession(ctx.client);
    await this.production.clearRunQuarantine(ctx.client, ctx.runId);
    // The phones are parsed in Node.js (libphonenumber-js), ~0.8 s of one core at 100k customers
    // with PostgreSQL idle; on a connection of their own they are parsed while this transaction
    // checks the order lines. Started before the typed tables are ensured: it reads them only if
    // committed (the validator's), else fillPhoneE164 parses every phone here.
    const phones = this.production.parsePhonesBeside(this.pool, ctx.runId);
    // Awaited before the customers load, or in `finally` when the stage fails first: no parsing
    // outlives the stage, and its failure is reported where it is awaited.
    phones.catch(() => undefined);
    // What runs on other connections beside this transaction, all awaited before it ends.
    const beside: Array<Promise<unknown>> = [phones];
    try {
      const committed = await this.production.ensureTypedTables(ctx.client, ctx.runId, this.categorical);
      return await this.loadAndCheck(ctx, checks, phones, (work) => beside.push(work), committed);
    } finally {
      await Promise.all(beside.map((work) => work.catch(() => undefined)));
    }
  }

  /**
   * The staging ranges landed so far summarised for the next runs' typed builds
   * (summarizeStagingRanges), on a connection of its own. A failure only leaves them to the next
   * run's transform.
   */
  private async summarizeStaging(runId: string): Promise<void> {
    await summarizeStagingRanges(this.pool).catch((error: unknown) =>
      this.logger.warn(`run ${runId}: staging ranges not summarised: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * Profile measures on the pool (measureProfileBeside), started once `after` and the measures
   * `before` them are done; resolves with the rows of both.
   */
  private measureBeside(
    runId: string,
    measures: readonly ProfileMeasure[],
    before: Promise<ProfileRows> | undefined,
    after: Promise<unknown>,
    startBeside: (work: Promise<unknown>) => void,
  ): Promise<ProfileRows> {
    // The production measures among them run only where production held none of the run's rows.
    const measured = Promise.all([before, after]).then(async ([rows]) => ({
      ...rows,
      ...(await measureProfileBeside(this.pool, runId, measures, false)),
    }));
    measured.catch(() => undefined);
    startBeside(measured);
    return measured;
  }

  /**
   * Stores the run's data profile with this transaction, so it lands exactly when the run's rows
   * do. The measures not taken beside run here, after the loads: those that read production where
   * it held rows before (production's locks are this transaction's, and what they look up there, a
   * delta's products and customers of earlier runs, the loads left as it was), and all of them
   * when the typed tables were built in this transaction.
   */
  private async storeProfile(ctx: StageContext, profiling: Promise<ProfileRows> | undefined): Promise<void> {
    const beside = (await profiling) ?? {};
    const here = PROFILE_MEASURES.filter((measure) => !Object.hasOwn(beside, measure));
    const rows = { ...beside, ...(await measureProfileIn(ctx.client, ctx.runId, here)) };
    await storeProfile(ctx.client, ctx.runId, assembleProfile(rows));
  }

  private async loadAndCheck(
    ctx: StageContext,
    checks: QualityChecksConfig,
    phones: Promise<boolean>,
    startBeside: (work: Promise<unknown>) => void,
    typedCommitted: boolean,
  ): Promise<StageCounts> {
    const detail = {} as TransformDetail;
    let profiling: Promise<ProfileRows> | undefined;
    // The entities whose production table was empty (a first load, in bulk).
    const firstLoads = new Set<Entity>();
    for (const [index, entity] of LOAD_ORDER.entries()) {
      await ctx.progress({ entity, step: index + 1, of: LOAD_ORDER.length });
      if (entity === 'customers') {
        // Orders are accepted or rejected whole: their lines are checked before the headers, here
        // before the customers (the lines read the products, not the customers) so that the
        // phones' parsing beside has this statement to overlap.
        await this.production.checkOrderLines(ctx.client, ctx.runId);
        await this.production.fillPhoneE164(ctx.client, ctx.runId, await phones);
      }
      // The orders' and the order lines' loads are each one INSERT, which PostgreSQL runs in this
      // process alone: the other core takes work beside them, one statement after another. Beside
      // the orders, the data profile's measures of the typed tables that read no order lines;
      // beside the order lines, the summary of the staging ranges (~1.8 s of CPU at 1M orders),
      // then the other measures (~6 CPU-s in all, which kept the validate stage's checks off a
      // core). Typed tables built in this transaction are not visible there: they are measured
      // in it, at the end (storeProfile).
      // A measure that reads production joins them when this transaction's first load found its
      // table empty: it then reads no production table (storeProfile measures it otherwise).
      let writing: (() => void) | undefined;
      if (entity === 'transactions' && typedCommitted) {
        const measures = firstLoads.has('customers') ? [...HEADER_MEASURES, 'registration' as const] : HEADER_MEASURES;
        writing = () => {
          profiling = this.measureBeside(ctx.runId, measures, profiling, Promise.resolve(), startBeside);
        };
      }
      if (entity === 'transaction_items') {
        const summarized = this.summarizeStaging(ctx.runId);
        startBeside(summarized);
        const measures = firstLoads.has('products') ? [...LINE_MEASURES, 'category_ranking' as const] : LINE_MEASURES;
        if (typedCommitted) profiling = this.measureBeside(ctx.runId, measures, profiling, summarized, startBeside);
      }
      const restore = await this.production.prepareBulkLoad(ctx.client, entity);
      if (restore) firstLoads.add(entity);
      const outcome = await this.production.loadEntity(ctx.client, entity, ctx.runId, restore !== undefined, writing);
      if (restore) await this.production.restoreAfterBulkLoad(ctx.client, restore);
      if (entity === 'transactions') await this.production.analyzeOrderVerdicts(ctx.client);
      // The next entity joins this one and this one's rejects: plan it on fresh statistics.
      await this.production.analyzeIfGrown(ctx.client, `production.${entity}`, outcome.out);
      await this.production.analyzeIfGrown(ctx.client, 'ops.quarantine', outcome.rejected);
      // A gap here is a bug in the entity's SQL; failing loudly beats a report that does not add up.
      if (outcome.in !== outcome.out + outcome.rejected) {
        throw new StageFailure(
          `run ${ctx.runId} ${entity}: ${outcome.in} staged rows but ${outcome.out} loaded + ${outcome.rejected} quarantined`,
        );
      }
      detail[entity] = outcome;
    }
    // The order tables (created in this transaction) are read by nothing after the loads.
    if (!ctx.afterCommit) await this.production.dropOrderTables(ctx.client, ctx.runId);
    await runQualityChecks(ctx.client, this.pool, ctx.runId, 'transform', {
      checks,
      progress: (update) => ctx.progress({ step: 'reconciliation', ...update }),
    });
    // Every stage that rejects records has run: a run that lost too much of an entity stops here,
    // before production commits and the warehouse loads (docs/quality.md, "Reject rates").
    const staged = Object.fromEntries(LOAD_ORDER.map((entity) => [entity, detail[entity].in]));
    await gateRejectRates(ctx.client, this.pool, ctx.runId, staged, { ...this.config.quality.maxRejectPercent });
    const outcomes = Object.values(detail);
    // Same transaction as the upserts: a replay's rejects are resolved exactly when its rows land.
    if (ctx.run.params.replayOf) await this.production.resolveReplayedRejects(ctx.client, ctx.run.params.replayOf, ctx.runId);
    await this.storeProfile(ctx, profiling);
    // The run's scratch tables: the order tables and the typed tables the validator built (the
    // staging -> production reconciliations read those). After the hand-off when the runtime can:
    // unlinking their files at 1M orders (0.23 + 0.27 s) made most of this COMMIT's 0.57 s, which
    // the warehouse waited for. A rolled-back attempt keeps the typed tables for its retry.
    if (ctx.afterCommit) {
      ctx.afterCommit(async () => {
        await this.production.dropOrderTables(this.pool, ctx.runId);
        await dropTypedTables(this.pool, ctx.runId);
      });
    } else {
      await dropTypedTables(ctx.client, ctx.runId);
    }
    return {
      rowsIn: outcomes.reduce((sum, o) => sum + o.in, 0),
      rowsOut: outcomes.reduce((sum, o) => sum + o.out, 0),
      rowsRejected: outcomes.reduce((sum, o) => sum + o.rejected, 0),
      detail,
    };
  }
}
