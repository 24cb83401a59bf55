import { BENCH_USAGE, customersFor, parseBenchArgs } from '../../tools/bench-args';
import {
  SECOND_RUN_LIMIT,
  benchFailures,
  benchGrowth,
  formatBenchGrowth,
  formatBenchScale,
  formatScenarioComparison,
  formatServerSettings,
  growthPerTenfold,
  sizeLabel,
  type BenchRun,
  type BenchScale,
} from '../../tools/report-format';

/**
 * A run whose stages took the given seconds, 10 rows per transaction in, none rejected; each stage
 * kept 1.5 of the machine's 2 cores busy, the run as a whole 1.4 (`cpu` false: CPU not measured).
 */
function run(label: string, transactions: number, seconds: Record<string, number>, totalSeconds: number, cpu = true): BenchRun {
  return {
    label,
    runId: `${label.replace(' ', '')}-${transactions}`,
    totalSeconds,
    inputRows: transactions * 3,
    stages: Object.entries(seconds).map(([stage, s]) => ({
      stage,
      seconds: s,
      handOffSeconds: 0.25,
      rowsIn: transactions * 3,
      rowsRejected: 0,
      rowsPerSecond: Math.round((transactions * 3) / s),
      cpuSeconds: cpu ? s * 1.5 : null,
    })),
    rejectsByReason: [],
    accountingBalanced: true,
    peakRssMb: 200,
    cpuSeconds: cpu ? totalSeconds * 1.4 : null,
    cores: 2,
  };
}

function scale(transactions: number, factor: number): BenchScale {
  return {
    transactions,
    customers: transactions / 10,
    products: 500,
    seed: 42,
    inputRows: transactions * 3,
    inputBytes: transactions * 250,
    runs: [
      run('run 1', transactions, { ingest: 2 * factor, transform: 4 * factor }, 6.5 * factor),
      run('run 2', transactions, { ingest: 2 * factor, transform: 3 * factor }, 5.5 * factor),
    ],
    floors: [
      { stage: 'ingest', seconds: 0.5 * factor, rows: transactions * 3 },
      { stage: 'transform', seconds: 0.5 * factor, rows: transactions * 3 },
    ],
    floorsPeakRssMb: 150,
    delta: run('delta', transactions / 365, { ingest: 0.1, transform: 0.2 }, 0.4),
    peakRssMb: 200,
    loadAverage: 1.5,
  };
}

describe('bench: growth per ×10 of data', () => {
  it('is the ratio of seconds when the data grows ×10, 10 meaning linear', () => {
    expect(growthPerTenfold(10_000, 1, 100_000, 10)).toBe(10);
    expect(growthPerTenfold(10_000, 2, 100_000, 4)).toBe(2);
    expect(growthPerTenfold(10_000, 1, 100_000, 150)).toBe(150);
  });

  it('brings steps that are not ×10 to ×10 geometrically', () => {
    // Linear over two decades, and linear over ×4: both 10.
    expect(growthPerTenfold(10_000, 1, 1_000_000, 100)).toBe(10);
    expect(growthPerTenfold(1_000, 1, 4_000, 4)).toBe(10);
    // Quadratic over ×2: 4 times the time, 100 per ×10.
    expect(growthPerTenfold(1_000, 1, 2_000, 4)).toBe(100);
  });

  it('has no value without two positive times over growing sizes', () => {
    expect(growthPerTenfold(10_000, null, 100_000, 1)).toBeNull();
    expect(growthPerTenfold(10_000, 0, 100_000, 1)).toBeNull();
    expect(growthPerTenfold(100_000, 1, 10_000, 1)).toBeNull();
  });

  it('gives every stage and the total a factor per step between sizes, for run 1, run 2 and the floor', () => {
    const growth = benchGrowth([scale(100_000, 12), scale(10_000, 1), scale(1_000_000, 120)]);
    expect(growth.map((g) => g.stage)).toEqual(['ingest', 'transform', 'total']);
    expect(growth[1].steps).toEqual([
      { from: 10_000, to: 100_000, run1: 12, run2: 12, floor: 12 },
      { from: 100_000, to: 1_000_000, run1: 10, run2: 10, floor: 10 },
    ]);
    // The floors' total is the sum of the floors.
    expect(growth[2].steps[0]).toEqual({ from: 10_000, to: 100_000, run1: 12, run2: 12, floor: 12 });
  });

  it('prints one column per step, each cell run 1 / run 2 / floor', () => {
    const text = formatBenchGrowth(benchGrowth([scale(10_000, 1), scale(100_000, 9.5)]));
    expect(text).toContain('growth of seconds per ×10 of data (10 = linear): run 1 / run 2 / floor');
    expect(text).toMatch(/stage\s+10k → 100k/);
    expect(text).toMatch(/transform\s+9\.5 \/ 9\.5 \/ 9\.5/);
  });

  it('labels sizes short', () => {
    expect([10_000, 1_000_000, 2_500, 250_000, 999, 1_500_000].map(sizeLabel)).toEqual(['10k', '1M', '2.5k', '250k', '999', '1.5M']);
  });
});

describe('bench: the table of one data size', () => {
  const text = formatBenchScale(scale(100_000, 1));

  it('says what was run and on what', () => {
    expect(text).toContain(
      '100,000 transactions: 10,000 customers, 500 products, seed 42; 300,000 input rows, 25.0 MB; load average 1.5 at start',
    );
  });

  it('names the server, its collation and its settings', () => {
    const server = { version: '15.20', collation: 'C.UTF-8', settings: { shared_buffers: '128MB', max_wal_size: '1GB' } };
    const shown = formatBenchScale({ ...scale(100_000, 1), server });
    expect(shown).toContain('load average 1.5 at start\nPostgreSQL 15.20, database collation C.UTF-8: shared_buffers 128MB, max_wal_size 1GB\n');
    expect(formatServerSettings(server)).toBe('PostgreSQL 15.20, database collation C.UTF-8: shared_buffers 128MB, max_wal_size 1GB');
    // Results saved before the server was recorded still print, without the line.
    expect(text).not.toContain('database collation');
    expect(text.split('\n')[1]).toBe('');
  });

  it('puts each stage beside its floor: run 1 seconds, rows/s and CPU, floor, times the floor, run 2, delta', () => {
    expect(text).toMatch(/stage\s+rows in\s+run 1 s\s+hand-off s\s+rows\/s\s+CPU s\s+cores\s+floor s\s+× floor\s+run 2 s\s+delta s/);
    expect(text).toMatch(/ingest\s+300,000\s+2\.00\s+0\.25\s+150,000\s+3\.00\s+1\.50\s+0\.50\s+4\.0×\s+2\.00\s+0\.10/);
    expect(text).toMatch(/transform\s+300,000\s+4\.00\s+0\.25\s+75,000\s+6\.00\s+1\.50\s+0\.50\s+8\.0×\s+3\.00\s+0\.20/);
  });

  it("says what the CPU columns are and each run's CPU seconds against its cores × wall time", () => {
    expect(text).toContain('CPU s: busy CPU seconds of the whole machine (every process: Node.js and PostgreSQL) while the stage ran');
    expect(text).toContain('CPU s of the 2 cores × wall s: run 1 9.10 of 13.00, run 2 7.70 of 11.00, delta 0.56 of 0.80');
  });

  it('shows CPU that was not measured as dashes, and says why', () => {
    const unmeasured = scale(100_000, 1);
    unmeasured.runs = unmeasured.runs.map((r) => run(r.label, 100_000, { ingest: 2, transform: 4 }, r.totalSeconds, false));
    unmeasured.delta = run('delta', 100_000 / 365, { ingest: 0.1, transform: 0.2 }, 0.4, false);
    const plain = formatBenchScale(unmeasured);
    expect(plain).toMatch(/ingest\s+300,000\s+2\.00\s+0\.25\s+150,000\s+-\s+-\s+0\.50\s+4\.0×/);
    expect(plain).toContain("CPU s, cores: not measured (the machine's CPU time is read from /proc/stat, Linux only)");
  });

  it('totals each run by its wall time and CPU, against the sum of the floors', () => {
    expect(text).toMatch(/total\s+300,000\s+6\.50\s+0\.50\s+46,154\s+9\.10\s+1\.40\s+1\.00\s+6\.5×\s+5\.50\s+0\.40/);
    expect(text).toContain('hand-offs: run 1 0.50s, run 2 0.50s, delta 0.10s');
  });

  it('names the runs and the peak RSS of each phase in the order they ran', () => {
    expect(text).toContain('runs: run 1 run1-100000, run 2 run2-100000, delta delta-');
    expect(text).toContain('peak RSS of the bench process: run 1 200 MB, floors 150 MB, run 2 200 MB, delta 200 MB');
  });

  it('shows a floor that was not measured as a dash, and says when accounting does not add up', () => {
    const partial = scale(100_000, 1);
    partial.floors = partial.floors.filter((f) => f.stage !== 'transform');
    partial.runs[1].accountingBalanced = false;
    const shown = formatBenchScale(partial);
    expect(shown).toMatch(/transform\s+300,000\s+4\.00\s+0\.25\s+75,000\s+6\.00\s+1\.50\s+-\s+-\s+3\.00/);
    expect(shown).toContain('ACCOUNTING DOES NOT ADD UP in run 2');
    expect(benchFailures(partial)).toEqual(['ACCOUNTING DOES NOT ADD UP in run 2']);
    expect(text).not.toContain('ACCOUNTING');
  });

  it('gives run 2 / run 1 per stage, and fails a stage whose second run is over the limit', () => {
    expect(text).toContain(`run 2 / run 1: ingest 1.00×, transform 0.75× (limit ${SECOND_RUN_LIMIT}× run 1 + 1 s)`);
    expect(benchFailures(scale(100_000, 1))).toEqual([]);
    // Within the slack: 2 s → 4 s is 1.5 × 2 + 1.
    const edge = scale(100_000, 1);
    edge.runs[1].stages[0].seconds = 4;
    expect(benchFailures(edge)).toEqual([]);
    const slow = scale(100_000, 1);
    slow.runs[1].stages[1].seconds = 639;
    expect(benchFailures(slow)).toEqual([`RUN 2 SLOWER THAN ${SECOND_RUN_LIMIT}× RUN 1: transform 639.00 s after 4.00 s`]);
    expect(formatBenchScale(slow)).toContain('RUN 2 SLOWER THAN 1.5× RUN 1: transform 639.00 s after 4.00 s');
  });
});

describe('bench: reject-heavy beside clean input', () => {
  it('shows both runs per stage with rows in, rejected and the slow-down, then the reasons', () => {
    const clean = run('clean', 10_000, { ingest: 1, transform: 2 }, 3.5);
    const heavy = run('reject-heavy', 10_000, { ingest: 1, transform: 20 }, 21.5);
    heavy.stages[1].rowsRejected = 27_000;
    heavy.rejectsByReason = [
      { stage: 'transform', reasonCode: 'before_registration', count: 9_000 },
      { stage: 'transform', reasonCode: 'orphan_transaction', count: 18_000 },
    ];
    const text = formatScenarioComparison(clean, heavy, 'reject-heavy vs clean input');
    expect(text.split('\n')[0]).toBe('reject-heavy vs clean input');
    expect(text).toMatch(/stage\s+clean s\s+rows in\s+rejected\s+reject-heavy s\s+rows in\s+rejected\s+× clean/);
    expect(text).toMatch(/transform\s+2\.00\s+30,000\s+0\s+20\.00\s+30,000\s+27,000\s+10\.0×/);
    expect(text).toMatch(/total\s+3\.50\s+30,000\s+21\.50\s+30,000\s+6\.1×/);
    expect(text).toContain('rejects of reject-heavy: before_registration 9,000 (transform), orphan_transaction 18,000 (transform)');
  });
});

describe('npm run bench: arguments', () => {
  it('measures 100,000 transactions by default, 10,000 for the reject-heavy scenario', () => {
    expect(parseBenchArgs([])).toEqual({ sizes: [100_000], products: 500, seed: 42 });
    expect(parseBenchArgs(['--scenario', 'reject-heavy'])).toEqual({ sizes: [10_000], products: 500, seed: 42, scenario: 'reject-heavy' });
    expect(parseBenchArgs(['--transactions', '1000000', '--concurrency', '4', '--seed', '0'])).toEqual({
      sizes: [1_000_000],
      products: 500,
      seed: 0,
      concurrency: 4,
    });
  });

  it('takes several sizes with --scale, smallest first', () => {
    expect(parseBenchArgs(['--scale', '1000000, 10000,100000,10000']).sizes).toEqual([10_000, 100_000, 1_000_000]);
  });

  it('sizes customers at one per ten orders unless fixed', () => {
    expect(customersFor(100_000, {})).toBe(10_000);
    expect(customersFor(500, {})).toBe(100);
    expect(customersFor(100_000, parseBenchArgs(['--customers', '77']))).toBe(77);
  });

  it('names the flag that is wrong', () => {
    expect(() => parseBenchArgs(['--transactions', '1e6'])).toThrow("--transactions must be a whole number of at least 1, got '1e6'");
    expect(() => parseBenchArgs(['--scale', '10000,ten'])).toThrow("--scale must be a whole number of at least 1, got 'ten'");
    expect(() => parseBenchArgs(['--scale', '10000', '--transactions', '5'])).toThrow('--scale and --transactions exclude each other');
    expect(() => parseBenchArgs(['--scale', '10000,100000', '--customers', '5'])).toThrow('--customers fixes one size');
    expect(() => parseBenchArgs(['--scenario', 'slow'])).toThrow("--scenario must be one of reject-heavy, got 'slow'");
    expect(() => parseBenchArgs(['--scenario', 'reject-heavy', '--scale', '1,2'])).toThrow('--scenario runs one size');
    expect(() => parseBenchArgs(['--transaction', '5'])).toThrow(/Unknown option '--transaction'/);
  });

  it('documents every floor in --help', () => {
    expect(() => parseBenchArgs(['--help'])).toThrow(BENCH_USAGE);
    for (const stage of ['generate', 'ingest', 'validate', 'transform', 'warehouse', 'analytics']) {
      expect(BENCH_USAGE).toMatch(new RegExp(`^ {13}${stage} +\\S`, 'm'));
    }
  });
});
