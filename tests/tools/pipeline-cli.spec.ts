import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parsePipelineArgs, runPipelineCli } from '../../tools/pipeline-cli';
import { benchRows, formatRunSummary } from '../../tools/report-format';
import type { RunReport } from '@ecom/contracts';

describe('npm run pipeline: arguments', () => {
  it('turns flags into the POST /runs body', () => {
    expect(
      parsePipelineArgs(['--customers', '10', '--transactions', '200', '--seed', '3', '--start-date', '2024-03-01', '--end-date', '2024-03-31']),
    ).toEqual({
      body: { customers: 10, transactions: 200, seed: 3, startDate: '2024-03-01', endDate: '2024-03-31' },
      api: undefined,
      json: false,
    });
    expect(parsePipelineArgs(['--source', 'data/in', '--api', 'http://h:1', '--json'])).toEqual({
      body: { source: 'data/in' },
      api: 'http://h:1',
      json: true,
    });
    expect(parsePipelineArgs([]).body).toEqual({});
  });

  it('runs a shop export with --source DIR --mapping NAME, and --mapping only with --source', () => {
    expect(parsePipelineArgs(['--source', 'data/shop', '--mapping', 'online-retail']).body).toEqual({ source: 'data/shop', mapping: 'online-retail' });
    expect(() => parsePipelineArgs(['--mapping', 'online-retail'])).toThrow('--mapping converts a source folder: give --source DIR with it');
  });

  it('asks for a daily delta with --incremental [--days N]', () => {
    expect(parsePipelineArgs(['--incremental', '--days', '2']).body).toEqual({ mode: 'incremental', days: 2 });
    expect(parsePipelineArgs(['--incremental']).body).toEqual({ mode: 'incremental' });
    expect(() => parsePipelineArgs(['--days', '2'])).toThrow('--days is only for --incremental');
    expect(() => parsePipelineArgs(['--incremental', '--days', 'two'])).toThrow("--days must be a whole number, got 'two'");
  });

  it('asks for a rebuild with --rebuild', () => {
    expect(parsePipelineArgs(['--rebuild']).body).toEqual({ mode: 'rebuild' });
    expect(() => parsePipelineArgs(['--rebuild', '--incremental'])).toThrow('--rebuild and --incremental exclude each other');
  });

  it('resumes a run with --resume RUN_ID, which takes no run options', () => {
    expect(parsePipelineArgs(['--resume', '20261205-101500-a1b2c3', '--json'])).toEqual({
      body: {},
      api: undefined,
      json: true,
      resume: '20261205-101500-a1b2c3',
    });
    expect(() => parsePipelineArgs(['--resume', 'r1', '--transactions', '5'])).toThrow(
      '--resume goes on with an existing run and takes no run options; remove --transactions',
    );
    expect(() => parsePipelineArgs(['--resume', 'r1', '--rebuild'])).toThrow('remove --rebuild');
    expect(() => parsePipelineArgs(['--resume', '../x'])).toThrow("--resume needs a run id (letters, digits, _ or -), got '../x'");
  });

  it('names the flag that is wrong', () => {
    expect(() => parsePipelineArgs(['--transactions', '1e5'])).toThrow("--transactions must be a whole number, got '1e5'");
    expect(() => parsePipelineArgs(['--transaction', '5'])).toThrow(/Unknown option '--transaction'/);
  });
});

describe('run summary', () => {
  const report: RunReport = {
    runId: 'r1',
    mode: 'generate',
    status: 'succeeded',
    failedStage: null,
    error: null,
    params: {},
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:04Z',
    durationMs: 4000,
    stages: [
      {
        stage: 'ingest', status: 'succeeded', attempts: 1, startedAt: null, finishedAt: null, durationMs: 2000,
        rowsIn: 10500, rowsOut: 10498, rowsRejected: 2, tasksTotal: 4, tasksDone: 4, progress: null, detail: {}, error: null,
      },
      {
        stage: 'analytics', status: 'pending', attempts: 0, startedAt: null, finishedAt: null, durationMs: null,
        rowsIn: null, rowsOut: null, rowsRejected: null, tasksTotal: null, tasksDone: 0, progress: null, detail: {}, error: null,
      },
    ],
    files: [{ sourceFile: 'customers.csv', entity: 'customers', linesRead: 1000, rowsLanded: 998, rowsQuarantined: 2, blankLines: 1 }],
    quality: {
      score: 97.25,
      grade: 'A',
      threshold: 70,
      passed: true,
      stagingScore: 99,
      stagingGrade: 'A',
      rejectRates: [
        {
          entity: 'transactions', records: 400, ingestRejects: 2, transformRejects: 9, rejectRate: 0.0275, maxRejectPercent: 5, passed: true,
          topReasons: [{ reason: 'orphan_customer', count: 6 }, { reason: 'field_count', count: 2 }],
        },
      ],
    },
    rejectsByReason: [{ stage: 'ingest', reasonCode: 'field_count', count: 2 }],
    accountingBalanced: true,
  };

  it('shows stages, files, quality, rejects and the accounting verdict', () => {
    const text = formatRunSummary(report);
    expect(text).toContain('run r1 (generate): SUCCEEDED in 4.00s');
    expect(text).toMatch(/ingest\s+succeeded\s+2\.00s\s+10,500\s+10,498\s+2/);
    expect(text).toMatch(/customers\.csv\s+1,000\s+998\s+2\s+1/);
    expect(text).toContain('quality score 97.3 (grade A, threshold 70) passed (whole run; staging checks 99.0, grade A)');
    expect(text).toMatch(/transactions\s+400\s+11\s+2\.8%\s+5%\s+orphan_customer 6, field_count 2/);
    expect(text).toMatch(/ingest\s+field_count\s+2/);
    expect(text).toContain('accounting: every file and stage adds up');
  });

  it('names the input files a folder did not have, and says nothing when it had all four', () => {
    expect(formatRunSummary(report)).not.toContain('not in the folder');
    const text = formatRunSummary({ ...report, absentFiles: ['products.csv', 'transactions.csv', 'transaction_items.csv'] });
    expect(text).toContain('not in the folder (nothing of them read or changed): products.csv, transactions.csv, transaction_items.csv');
  });

  it('shows the data profile when the run has one', () => {
    expect(formatRunSummary(report)).not.toContain('data profile');
    const text = formatRunSummary({
      ...report,
      profile: {
        runId: 'r1',
        computedAt: '2026-01-01T00:00:03Z',
        orders: 10000,
        orderLines: 24800,
        revenue: 1234567.5,
        buyers: 830,
        repeatBuyers: 700,
        oneTimeBuyers: 130,
        monthlyRevenue: [
          { month: '2024-11', orders: 1300, revenue: 160000, index: 1.55, discountedLineShare: 0.2 },
          { month: '2024-12', orders: 1400, revenue: 175000, index: 1.72, discountedLineShare: 0.42 },
        ],
        q4PeakIndex: 1.635,
        weekendWeekdayRatio: 1.31,
        nightOrderShare: 0.034,
        topCustomerRevenueShare: 0.694,
        categories: [{ category: 'Electronics', revenue: 600000, share: 0.486, products: 80, avgPrice: 520 }],
        paymentMix: [{ paymentMethod: 'Credit Card', orders: 3400, share: 0.34 }],
        basketSizeMean: 2.48,
        ordersBeforeRegistration: 0,
        geographyMismatches: 0,
      },
    });
    expect(text).toContain('data profile: 10,000 orders, 24,800 lines, revenue 1,234,567.5, 830 buyers (700 repeat, 130 one-time)');
    expect(text).toContain('Q4 peak index 1.64x, weekend/weekday 1.31x, top 20% of buyers 69.4% of revenue, basket 2.48 lines, night orders 3.4%');
    expect(text).toContain('orders before registration 0, geography mismatches 0');
    expect(text).toContain('monthly revenue index: 24-11 1.55, 24-12 1.72');
    expect(text).toContain('categories by revenue: Electronics 48.6%');
  });

  it('gives rows per second for the stages that ran', () => {
    expect(benchRows(report)).toEqual([
      { stage: 'ingest', seconds: 2, handOffSeconds: null, rowsIn: 10500, rowsRejected: 2, rowsPerSecond: 5250, cpuSeconds: null },
    ]);
  });

  it("gives each stage the machine's busy CPU seconds from its recorded start to its finish, where samples cover it", () => {
    const stage = report.stages[0];
    const at = (iso: string) => Date.parse(iso);
    // 1.5 CPU-s per second of wall time from 00:00:00 to 00:00:04, sampled each second.
    const cpu = [0, 1, 2, 3, 4].map((s) => ({ atMs: at(`2026-01-01T00:00:0${s}.000Z`), busySeconds: 100 + 1.5 * s }));
    const rows = benchRows(
      {
        ...report,
        stages: [
          { ...stage, stage: 'transform', startedAt: '2026-01-01T00:00:00.500Z', finishedAt: '2026-01-01T00:00:02.500Z' },
          // Past the last sample: not measured.
          { ...stage, stage: 'warehouse', startedAt: '2026-01-01T00:00:03.000Z', finishedAt: '2026-01-01T00:00:05.000Z' },
        ],
      },
      cpu,
    );
    expect(rows.map((r) => [r.stage, r.cpuSeconds])).toEqual([
      ['transform', 3],
      ['warehouse', null],
    ]);
  });

  it('gives each stage the time from its recorded finish to the next start, the last one to the run finish', () => {
    const stage = report.stages[0];
    const rows = benchRows({
      ...report,
      finishedAt: '2026-01-01T00:00:09.000Z',
      stages: [
        { ...stage, stage: 'transform', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:02.000Z' },
        { ...stage, stage: 'warehouse', startedAt: '2026-01-01T00:00:02.050Z', finishedAt: '2026-01-01T00:00:04.000Z' },
        // The warehouse's COMMIT (deferred constraints) runs after its recorded finish.
        { ...stage, stage: 'analytics', startedAt: '2026-01-01T00:00:07.500Z', finishedAt: '2026-01-01T00:00:08.750Z' },
      ],
    });
    expect(rows.map((r) => [r.stage, r.handOffSeconds])).toEqual([
      ['transform', 0.05],
      ['warehouse', 3.5],
      ['analytics', 0.25],
    ]);
  });
});

describe('npm run pipeline: what goes to stdout', () => {
  let server: Server;
  let baseUrl: string;
  let polls = 0;
  const finished: RunReport = {
    runId: 'r-json', mode: 'generate', status: 'failed', failedStage: 'ingest', error: 'missing products.csv in /data/in',
    params: {}, createdAt: '2026-01-01T00:00:00Z', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
    durationMs: 1000, files: [], quality: null, rejectsByReason: [], accountingBalanced: true,
    stages: [
      {
        stage: 'ingest', status: 'failed', attempts: 1, startedAt: null, finishedAt: null, durationMs: 1000,
        rowsIn: null, rowsOut: null, rowsRejected: null, tasksTotal: 4, tasksDone: 1, progress: { rows: 10 }, detail: {},
        error: 'missing products.csv in /data/in',
      },
    ],
  };

  beforeAll(async () => {
    // A stand-in for the api: the CLI only talks REST, and the point here is where it writes.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      // A readiness check with an idle stage answers 503; its body still names the stage.
      if (req.method === 'GET' && req.url === '/health') {
        res.statusCode = 503;
        return res.end(JSON.stringify({ details: { workers: { idleStages: ['analytics'] } } }));
      }
      if (req.method === 'POST' && req.url === '/runs/r-json/resume') {
        res.statusCode = 202;
        return res.end(JSON.stringify({ runId: 'r-json', previousStatus: 'failed', resumedFrom: 'ingest', requeued: [] }));
      }
      if (req.method === 'POST' && req.url === '/runs/r-done/resume') {
        res.statusCode = 409;
        return res.end(JSON.stringify({ statusCode: 409, message: 'run r-done has already succeeded; there is nothing to resume' }));
      }
      if (req.method === 'POST' && req.url === '/runs') return res.end(JSON.stringify({ runId: 'r-json' }));
      if (req.method === 'GET' && req.url === '/runs/r-json') {
        polls++;
        const running = { ...finished, status: 'running', stages: [{ ...finished.stages[0], status: 'running', error: null }] };
        return res.end(JSON.stringify(polls === 1 ? running : finished));
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function run(argv: string[]) {
    polls = 0;
    let stdout = '';
    let stderr = '';
    const code = await runPipelineCli([...argv, '--api', baseUrl], {
      stdout: { write: (chunk: string) => ((stdout += chunk), true) },
      stderr: { write: (chunk: string) => ((stderr += chunk), true) },
      env: { CONFIG_FILE: '/nonexistent.yaml' },
    });
    return { code, stdout, stderr };
  }

  it('with --json writes only the run report as JSON to stdout; the started run, progress and warnings go to stderr', async () => {
    const { code, stdout, stderr } = await run(['--json']);

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual(finished);
    expect(stderr).toContain('warning: no worker is running for stage(s) analytics');
    expect(stderr).toContain(`started run r-json via ${baseUrl}`);
    expect(stderr).toMatch(/ingest\s+running 1\/4 parts/);
  });

  it('with --resume asks the api to resume the run and waits for it like a new one; a refusal is one line', async () => {
    const { code, stdout, stderr } = await run(['--resume', 'r-json', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual(finished);
    expect(stderr).toContain(`resumed run r-json (was failed) from stage ingest via ${baseUrl}`);

    const refused = await run(['--resume', 'r-done']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('POST /runs/r-done/resume failed with 409: run r-done has already succeeded; there is nothing to resume');
  });

  it('without --json writes the summary to stdout, naming the failed stage once', async () => {
    const { stdout, stderr } = await run([]);

    expect(stdout).toContain('run r-json (generate): FAILED');
    expect(stdout).toContain('error in ingest: missing products.csv in /data/in');
    expect(stdout).not.toContain('started run');
    expect(stderr).toContain('started run r-json');
  });
});
