import type { Pool, PoolClient } from 'pg';
import type { Entity, RunProfile } from '@ecom/contracts';
import { renderSqlFile, runSqlFile, runSqlText, sqlFile, withTransaction, type Queryable } from '@ecom/db';
import { buildTypedTables, typedEntitiesOf, typedTableOf } from '../quality/typed-tables';

export type MeasuredProfile = Omit<RunProfile, 'runId' | 'computedAt'>;

/** One statement each, sql/profile/<measure>.sql, over the run's typed tables. */
export const PROFILE_MEASURES = [
  'monthly_revenue',
  'customer_concentration',
  'order_shape',
  'geography',
  'weekend_weekday',
  'payment_mix',
  'category_ranking',
  'registration',
] as const;
export type ProfileMeasure = (typeof PROFILE_MEASURES)[number];

/**
 * The measures that also read production: a delta's lines sell products, and its orders name
 * customers, that earlier runs delivered ({{earlier_products}}, {{earlier_customers}}). A first
 * load's transform holds production's tables locked until it commits, so these run where
 * production can be read: inside the transform's own transaction (measureProfileIn), or on a stage
 * that leaves production alone. Where production held none before the run (`earlier: false`) they
 * read no production table.
 */
export const PRODUCTION_MEASURES: readonly ProfileMeasure[] = ['category_ranking', 'registration'];

/** The measures that read the run's typed tables alone: on any connection, beside a stage's work. */
export const TYPED_MEASURES: readonly ProfileMeasure[] = PROFILE_MEASURES.filter((m) => !PRODUCTION_MEASURES.includes(m));

/** The measures among `measures` whose statement reads the run's typed table of `entity`. */
export function measuresReading(measures: readonly ProfileMeasure[], entity: Entity): ProfileMeasure[] {
  return measures.filter((measure) => typedEntitiesOf(sqlFile(`profile/${measure}`)).includes(entity));
}

/** What each measure's statement returned, as pg returns it (bigint and numeric as strings). */
export type ProfileRows = Partial<Record<ProfileMeasure, ReadonlyArray<Record<string, unknown>>>>;

/** Where production held no products or customers before the run: the same columns, no rows. */
const NONE_EARLIER: Readonly<Record<string, string>> = {
  earlier_products: '(SELECT NULL::text AS product_id, NULL::text AS category WHERE false)',
  earlier_customers: '(SELECT NULL::text AS customer_id, NULL::date AS registration_date WHERE false)',
};
const PRODUCTION_EARLIER: Readonly<Record<string, string>> = {
  earlier_products: 'production.products',
  earlier_customers: 'production.customers',
};

export interface MeasureOptions {
  /** false: without parallel workers. */
  workers?: boolean;
  /** false: production held none of the run's products and customers before it; nothing there is read. */
  earlier?: boolean;
}

function render(measure: ProfileMeasure, runId: string, earlier = true): { file: string; text: string } {
  const file = `profile/${measure}`;
  const splices = earlier ? PRODUCTION_EARLIER : NONE_EARLIER;
  return { file, text: renderSqlFile(file, (name) => (Object.hasOwn(splices, name) ? splices[name] : typedTableOf(name, runId))) };
}

/**
 * The measures, each in its own short transaction on the pool with the profile's settings
 * (sql/profile/settings.sql), all at once.
 */
export async function measureProfile(
  pool: Pool,
  runId: string,
  measures: readonly ProfileMeasure[],
  { workers = true, earlier = true }: MeasureOptions = {},
): Promise<ProfileRows> {
  const measured = await Promise.all(
    measures.map(async (measure) => {
      const { file, text } = render(measure, runId, earlier);
      const rows = await withTransaction(pool, async (client) => {
        await runSqlFile(client, 'profile/settings');
        if (!workers) await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
        return (await runSqlText(client, file, text, [runId])).rows;
      });
      return [measure, rows] as const;
    }),
  );
  return Object.fromEntries(measured);
}

/**
 * The measures one after another, each in its own short transaction and without parallel workers:
 * beside a stage that keeps one core busy, they take the other one and no more (all at once, or
 * with workers, they would take the stage's core as well).
 */
export async function measureProfileBeside(
  pool: Pool,
  runId: string,
  measures: readonly ProfileMeasure[],
  earlier = true,
): Promise<ProfileRows> {
  const rows: ProfileRows = {};
  for (const measure of measures) Object.assign(rows, await measureProfile(pool, runId, [measure], { workers: false, earlier }));
  return rows;
}

/**
 * The measures one after another inside `client`'s open transaction (the transform's, after its
 * loads: production's locks are its own). A savepoint undoes the profile's settings afterwards,
 * so the rest of that transaction keeps its own.
 */
export async function measureProfileIn(client: PoolClient, runId: string, measures: readonly ProfileMeasure[]): Promise<ProfileRows> {
  const rows: ProfileRows = {};
  await client.query('SAVEPOINT run_profile');
  try {
    await runSqlFile(client, 'profile/settings');
    for (const measure of measures) {
      const { file, text } = render(measure, runId);
      rows[measure] = (await runSqlText(client, file, text, [runId])).rows;
    }
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT run_profile');
    await client.query('RELEASE SAVEPOINT run_profile');
  }
  return rows;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The profile from every measure's rows; a measure missing from `rows` is a bug, named. */
export function assembleProfile(rows: ProfileRows): MeasuredProfile {
  const of = (measure: ProfileMeasure): ReadonlyArray<Record<string, unknown>> => {
    const measured = rows[measure];
    if (!measured) throw new Error(`profile: the ${measure} measure is missing`);
    return measured;
  };
  const monthlyRevenue = of('monthly_revenue').map((m) => ({
    month: String(m.month),
    orders: Number(m.orders),
    revenue: Number(m.revenue),
    index: Number(m.index ?? 0),
    discountedLineShare: Number(m.discounted_line_share),
  }));
  const q4 = monthlyRevenue.filter((m) => m.month.endsWith('-11') || m.month.endsWith('-12'));
  const hasBoth = q4.some((m) => m.month.endsWith('-11')) && q4.some((m) => m.month.endsWith('-12'));
  const [shape] = of('order_shape');
  const [concentration] = of('customer_concentration');
  return {
    orders: Number(shape.orders),
    orderLines: Number(shape.order_lines),
    revenue: Number(shape.revenue),
    buyers: Number(concentration.buyers),
    repeatBuyers: Number(concentration.repeat_buyers),
    oneTimeBuyers: Number(concentration.one_time_buyers),
    monthlyRevenue,
    q4PeakIndex: hasBoth ? Number((q4.reduce((sum, m) => sum + m.index, 0) / q4.length).toFixed(4)) : null,
    weekendWeekdayRatio: num(of('weekend_weekday')[0]?.weekend_weekday_ratio),
    nightOrderShare: Number(shape.night_order_share),
    topCustomerRevenueShare: num(concentration.top_customer_revenue_share),
    categories: of('category_ranking').map((c) => ({
      category: String(c.category),
      revenue: Number(c.revenue),
      share: Number(c.share ?? 0),
      products: Number(c.products),
      avgPrice: Number(c.avg_price),
    })),
    paymentMix: of('payment_mix').map((p) => ({ paymentMethod: String(p.payment_method), orders: Number(p.orders), share: Number(p.share) })),
    basketSizeMean: num(shape.basket_size_mean),
    ordersBeforeRegistration: Number(of('registration')[0].orders_before_registration),
    geographyMismatches: Number(of('geography')[0].geography_mismatches),
  };
}

/** Stores (or replaces: a retried stage measures again) a run's profile, keyed by run. */
export async function storeProfile(db: Queryable, runId: string, profile: MeasuredProfile): Promise<void> {
  await runSqlFile(db, 'profile/store_profile', [runId, JSON.stringify(profile)]);
}

/**
 * The whole profile measured on the pool and stored, for a run that stops before its transform
 * (which otherwise measures it). `built`: the run's typed tables are there; else they are built
 * from staging first.
 */
export async function profileRun(pool: Pool, runId: string, built = false): Promise<MeasuredProfile> {
  if (!built) await buildTypedTables(pool, runId);
  const profile = assembleProfile(await measureProfile(pool, runId, PROFILE_MEASURES));
  await storeProfile(pool, runId, profile);
  return profile;
}
