import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ConfigError, loadConfig } from '@ecom/config';
import { ENTITIES, OPS_QUEUES, type ScheduledJobData } from '@ecom/contracts';
import { customerPhonesTable, typedTable } from '@ecom/pipeline';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import type { RetentionReport } from '@ecom/ops';
import { startOpsWorker } from '../../../../tools/in-process';
import { createApiApp } from '../create-app';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Everything is seeded a minute either side of its cutoff (20 days for files, staging, quarantine
 * and analyses; 30 days for the run ledger; 3 months for fact_sales partitions), so a pass that
 * took an off-by-one or the wrong timestamp would keep or delete the wrong thing.
 */
describe('retention: deletes exactly what is older than each cutoff, never a protected run', () => {
  let env: TestEnv;
  let app: INestApplication;
  let ops: INestApplicationContext | undefined;
  let http: App;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);

  // [run, mode, status, created, finished]
  const runs: Array<[string, string, string, Date, Date | null]> = [
    ['r-old-ok', 'source', 'succeeded', ago(45 * DAY), ago(40 * DAY)],
    ['r-old-failed', 'generate', 'failed', ago(32 * DAY), ago(30 * DAY + MINUTE)],
    ['r-edge', 'source', 'failed', ago(30 * DAY), ago(30 * DAY - MINUTE)],
    ['r-mid', 'source', 'failed', ago(21 * DAY), ago(20 * DAY + MINUTE)],
    ['r-recent', 'source', 'failed', ago(20 * DAY), ago(20 * DAY - MINUTE)],
    // Old, but the latest succeeded and the latest generated run.
    ['r-latest', 'generate', 'succeeded', ago(36 * DAY), ago(35 * DAY)],
    // Old, but owns the newest warehouse load (the next load's watermark).
    ['r-rebuild', 'rebuild', 'succeeded', ago(44 * DAY), ago(40 * DAY)],
    // Started long ago and still running.
    ['r-running', 'source', 'running', ago(60 * DAY), null],
  ];

  // Monthly partitions of fact_sales: the five months before this one; three months are kept.
  const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  const partitionName = (d: Date) => `fact_sales_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  const dateKey = (d: Date) => d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();

  function file(relativePath: string, modified: Date): void {
    const path = join(env.config.dataRoot, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'x\n');
    utimesSync(path, modified, modified);
  }

  async function seed(): Promise<void> {
    const db = env.pool;
    for (const [runId, mode, status, created, finished] of runs) {
      await db.query('INSERT INTO ops.runs (run_id, mode, params, status, created_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        runId,
        mode,
        JSON.stringify({ mode, inputDir: '' }),
        status,
        created,
        finished,
      ]);
    }
    await db.query(`INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, loaded_at) VALUES ('r-rebuild', 'rebuild', '2024-12-31', $1)`, [
      ago(40 * DAY),
    ]);

    const staged: Array<[string, string, Date]> = [
      ...runs.map(([runId]) => ['customers', runId, ago(DAY)] as [string, string, Date]),
      // Not in the ledger any more: these go by when they landed.
      ['customers', 'r-gone', ago(20 * DAY + MINUTE)],
      ['customers', 'r-gone-new', ago(20 * DAY - MINUTE)],
      ['transactions', 'r-old-ok', ago(40 * DAY)],
      ['transactions', 'r-old-ok', ago(40 * DAY)],
      ['transactions', 'r-recent', ago(20 * DAY)],
    ];
    for (const [table, runId, loadedAt] of staged) {
      const key = table === 'customers' ? 'customer_id' : 'transaction_id';
      await db.query(`INSERT INTO staging.${table} (${key}, run_id, source_file, source_line, loaded_at) VALUES ('k', $1, 'f.csv', 1, $2)`, [
        runId,
        loadedAt,
      ]);
    }

    const quarantined: Array<[string, Date]> = [
      ['r-old-ok', ago(40 * DAY)],
      ['r-edge', ago(20 * DAY + MINUTE)],
      ['r-mid', ago(25 * DAY)],
      ['r-mid', ago(20 * DAY - MINUTE)],
      ['r-recent', ago(20 * DAY - MINUTE)],
      ['r-running', ago(50 * DAY)],
      ['r-latest', ago(35 * DAY)],
    ];
    for (const [runId, createdAt] of quarantined) {
      await db.query(`INSERT INTO ops.quarantine (run_id, stage, reason_code, message, created_at) VALUES ($1, 'transform', 'bad', 'bad row', $2)`, [
        runId,
        createdAt,
      ]);
    }

    const results: Array<[string, string, Date]> = [
      ['r-latest', 'top_products', ago(35 * DAY)],
      ['r-mid', 'top_products', ago(20 * DAY + MINUTE)],
      ['r-recent', 'top_products', ago(20 * DAY - MINUTE)],
      ['r-old-failed', 'geography', ago(31 * DAY)],
    ];
    for (const [runId, analysis, createdAt] of results) {
      await db.query(
        `INSERT INTO ops.analysis_results (run_id, analysis, columns, rows, row_count, created_at) VALUES ($1, $2, '{a}', '[]', 0, $3)`,
        [runId, analysis, createdAt],
      );
    }

    file('processed/analytics/r-mid/top_products.csv', ago(20 * DAY + MINUTE));
    file('processed/analytics/r-mid/top_products.json', ago(20 * DAY + MINUTE));
    file('processed/analytics/r-recent/top_products.csv', ago(20 * DAY - MINUTE));
    file('processed/analytics/r-latest/top_products.csv', ago(35 * DAY));
    file('processed/analytics/r-edge/a.csv', ago(25 * DAY));
    file('processed/analytics/r-edge/b.csv', ago(19 * DAY));

    file('raw/r-old-ok/customers.csv', ago(40 * DAY));
    file('raw/r-old-ok/products.csv', ago(41 * DAY));
    file('raw/r-recent/customers.csv', ago(20 * DAY - MINUTE));
    file('raw/r-running/customers.csv', ago(60 * DAY));
    file('raw/r-edge/customers.csv', ago(25 * DAY));
    file('raw/r-edge/products.csv', ago(19 * DAY));
    file('raw/r-latest/customers.csv', ago(35 * DAY));
    file('raw/not-a-run/notes.csv', ago(20 * DAY + MINUTE));

    // Typed tables of a run that failed between validate and transform, and of one still running,
    // each with the phones its transform parsed beside (committed, so retention sees them).
    for (const runId of ['r-recent', 'r-running']) {
      for (const entity of ENTITIES) await db.query(`CREATE UNLOGGED TABLE ${typedTable(entity, runId)} AS SELECT 1 AS x`);
      await db.query(`CREATE UNLOGGED TABLE ${customerPhonesTable(runId)} AS SELECT 1 AS x`);
    }

    const last = new Date(month(0).getTime() - DAY);
    await db.query('SELECT warehouse.ensure_fact_sales_partitions($1::date, $2::date)', [month(5), last]);
    // Per product and per customer day partials (migrations 0024, 0033) of a month that is dropped
    // and of one that is kept.
    for (const back of [5, 1]) {
      await db.query(`INSERT INTO warehouse.agg_product_daily VALUES (1, $1, 1, 1, 1.00, 1.00, 1.00, 1)`, [dateKey(month(back))]);
      await db.query(`INSERT INTO warehouse.agg_customer_daily VALUES (1, $1, 1, 1.00, 1, 1.00)`, [dateKey(month(back))]);
    }
  }

  /** What there is of every kind, sorted: compared whole before and after a pass. */
  async function inventory() {
    const db = env.pool;
    const list = async (sql: string) => (await db.query<{ v: string }>(sql)).rows.map((r) => r.v);
    const tree = (dir: string): string[] => {
      const root = join(env.config.dataRoot, dir);
      try {
        return readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name).slice(env.config.dataRoot.length + 1))
          .sort();
      } catch {
        return [];
      }
    };
    return {
      runs: await list('SELECT run_id AS v FROM ops.runs ORDER BY 1'),
      staging: await list(`SELECT 'customers ' || run_id AS v FROM staging.customers UNION ALL SELECT 'transactions ' || run_id FROM staging.transactions ORDER BY 1`),
      quarantine: await list(
        `SELECT run_id || ' ' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS v FROM ops.quarantine ORDER BY 1`,
      ),
      analysisResults: await list(`SELECT run_id || ' ' || analysis AS v FROM ops.analysis_results ORDER BY 1`),
      partitions: await list(
        `SELECT c.relname AS v FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'warehouse.fact_sales'::regclass ORDER BY 1`,
      ),
      productDays: await list('SELECT date_key::text AS v FROM warehouse.agg_product_daily ORDER BY 1'),
      customerDays: await list('SELECT date_key::text AS v FROM warehouse.agg_customer_daily ORDER BY 1'),
      raw: tree('raw'),
      exports: tree('processed/analytics'),
      typed: await list(`SELECT 'typed.' || relname AS v FROM pg_class WHERE relnamespace = 'typed'::regnamespace ORDER BY 1`),
    };
  }

  /** A run's typed tables as retention names them, sorted. */
  const typedTablesOf = (runId: string) =>
    [...ENTITIES.map((entity) => typedTable(entity, runId)), customerPhonesTable(runId)].map((table) => table.replace(/"/g, '')).sort();

  const expectedKinds = () => ({
    rawFiles: {
      keptFor: '20 days',
      count: 4,
      unit: 'files',
      items: [
        { path: 'raw/not-a-run', files: 1 },
        { path: 'raw/r-latest', files: 1 },
        { path: 'raw/r-old-ok', files: 2 },
      ],
    },
    analysisExports: {
      keptFor: '20 days',
      count: 3,
      items: [
        { path: 'processed/analytics/r-edge', files: 1 },
        { path: 'processed/analytics/r-mid', files: 2 },
      ],
    },
    analysisResults: {
      count: 2,
      items: [
        { runId: 'r-mid', analysis: 'top_products' },
        { runId: 'r-old-failed', analysis: 'geography' },
      ],
    },
    quarantine: {
      count: 3,
      unit: 'rows',
      items: [
        { runId: 'r-edge', rows: 1 },
        { runId: 'r-mid', rows: 1 },
        { runId: 'r-old-ok', rows: 1 },
      ],
    },
    staging: {
      count: 7,
      items: [
        { table: 'staging.customers', runId: 'r-edge', rows: 1 },
        { table: 'staging.customers', runId: 'r-gone', rows: 1 },
        { table: 'staging.customers', runId: 'r-mid', rows: 1 },
        { table: 'staging.customers', runId: 'r-old-failed', rows: 1 },
        { table: 'staging.customers', runId: 'r-old-ok', rows: 1 },
        { table: 'staging.transactions', runId: 'r-old-ok', rows: 2 },
      ],
    },
    warehousePartitions: {
      keptFor: '3 months',
      cutoff: month(3).toISOString(),
      count: 2,
      items: [
        { partition: partitionName(month(5)), fromDateKey: dateKey(month(5)), toDateKey: dateKey(month(4)), rows: 0 },
        { partition: partitionName(month(4)), fromDateKey: dateKey(month(4)), toDateKey: dateKey(month(3)), rows: 0 },
      ],
    },
    runHistory: {
      keptFor: '30 days',
      count: 2,
      unit: 'runs',
      items: [
        { runId: 'r-old-ok', mode: 'source', status: 'succeeded', endedAt: ago(40 * DAY).toISOString() },
        { runId: 'r-old-failed', mode: 'generate', status: 'failed', endedAt: ago(30 * DAY + MINUTE).toISOString() },
      ],
    },
    typedTables: {
      keptFor: 'while the run is queued or running',
      cutoff: null,
      count: 5,
      unit: 'tables',
      items: typedTablesOf('r-recent').map((table) => ({ table, bytes: expect.any(Number) })),
    },
  });

  let before: Awaited<ReturnType<typeof inventory>>;

  beforeAll(async () => {
    env = await createTestEnv('api_retention', {
      retention: { rawFilesDays: 20, stagingDays: 20, quarantineDays: 20, analysesDays: 20, runHistoryDays: 30, warehousePartitionMonths: 3 },
    });
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    await seed();
    before = await inventory();
  });
  afterAll(async () => {
    await ops?.close();
    await app.close();
    await env.teardown();
  });

  it('POST /retention/run {dryRun: true} lists what would go per kind and deletes nothing', async () => {
    const res = await request(http).post('/retention/run').send({ dryRun: true }).expect(200);
    const report = res.body as RetentionReport;
    expect(report.dryRun).toBe(true);
    expect(report.kinds).toMatchObject(expectedKinds());
    expect(report.protectedRuns).toEqual(
      expect.arrayContaining([
        { runId: 'r-running', reasons: ['active'] },
        { runId: 'r-latest', reasons: ['latest succeeded', 'latest generated'] },
        { runId: 'r-rebuild', reasons: ['latest warehouse load'] },
      ]),
    );
    expect(await inventory()).toEqual(before);
  });

  it('refuses a second pass while one holds the lock (409)', async () => {
    const holder = await env.pool.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('ecom.retention'))`);
      const res = await request(http).post('/retention/run').send({ dryRun: true }).expect(409);
      expect(res.body.message).toMatch(/another retention pass is running/);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('ecom.retention'))`);
      holder.release();
    }
  });

  it('the scheduled job on the retention queue (run by the ops worker) deletes exactly the expired data and keeps the rest', async () => {
    ops = await startOpsWorker(env.config);
    const queue = app.get<Queue>(getQueueToken(OPS_QUEUES.retention), { strict: false });
    const data: ScheduledJobData = { schedule: 'retention' };
    await queue.add('retention', data, { jobId: 'retention-spec' });
    const report = await waitFor(
      async () => {
        const job = await queue.getJob('retention-spec');
        const state = await job?.getState();
        if (state === 'failed') throw new Error(`retention job failed: ${job?.failedReason}`);
        return state === 'completed' ? ((await queue.getJob('retention-spec'))?.returnvalue as RetentionReport) : undefined;
      },
      'the retention job to complete',
    );
    expect(report.dryRun).toBe(false);
    expect(report.kinds).toMatchObject(expectedKinds());

    expect(await inventory()).toEqual({
      runs: ['r-edge', 'r-latest', 'r-mid', 'r-rebuild', 'r-recent', 'r-running'],
      staging: ['customers r-gone-new', 'customers r-latest', 'customers r-rebuild', 'customers r-recent', 'customers r-running', 'transactions r-recent'],
      quarantine: [
        quarantineRow('r-latest', ago(35 * DAY)),
        quarantineRow('r-mid', ago(20 * DAY - MINUTE)),
        quarantineRow('r-recent', ago(20 * DAY - MINUTE)),
        quarantineRow('r-running', ago(50 * DAY)),
      ],
      analysisResults: ['r-latest top_products', 'r-recent top_products'],
      partitions: ['fact_sales_default', partitionName(month(3)), partitionName(month(2)), partitionName(month(1))].sort(),
      productDays: [String(dateKey(month(1)))],
      customerDays: [String(dateKey(month(1)))],
      raw: ['raw/r-edge/customers.csv', 'raw/r-edge/products.csv', 'raw/r-recent/customers.csv', 'raw/r-running/customers.csv'],
      exports: ['processed/analytics/r-edge/b.csv', 'processed/analytics/r-latest/top_products.csv', 'processed/analytics/r-recent/top_products.csv'],
      typed: typedTablesOf('r-running'),
    });
    expect(before.typed).toEqual([...typedTablesOf('r-recent'), ...typedTablesOf('r-running')].sort());
    expect(before.quarantine).toHaveLength(7);
  });

  it('validates retention settings at start-up, naming the variable', () => {
    expect(() => loadConfig({ env: { RETENTION_STAGING_DAYS: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { RETENTION_STAGING_DAYS: '0' } })).toThrow(/retention\.stagingDays \(RETENTION_STAGING_DAYS\)/);
    expect(loadConfig({ env: { RETENTION_WAREHOUSE_PARTITION_MONTHS: '24' } }).retention.warehousePartitionMonths).toBe(24);
  });
});

/** A quarantine row as inventory() lists it. */
function quarantineRow(runId: string, createdAt: Date): string {
  return `${runId} ${createdAt.toISOString().slice(0, 23)}`;
}
