import { cpus } from 'node:os';
import type { RunProfile, RunReport, StageReport } from '@ecom/contracts';
import type { FloorTiming } from './bench-floors';
import { cpuSecondsBetween, type CpuSample } from './machine-cpu';

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const num = (value: number | null | undefined) => (value === null || value === undefined ? '-' : value.toLocaleString('en-US'));
const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)}s`);

/** One line of progress for a running stage: "ingest 3/8 parts, 120,000 rows". */
export function stageProgressLine(stage: StageReport): string {
  const parts = stage.tasksTotal ? ` ${stage.tasksDone}/${stage.tasksTotal} parts` : '';
  const progress = stage.progress ? ` ${JSON.stringify(stage.progress)}` : '';
  return `${stage.stage.padEnd(10)} ${stage.status}${parts}${progress}`;
}

/** The summary `npm run pipeline` prints: stages, files, quality, rejects, and whether it adds up. */
export function formatRunSummary(report: RunReport): string {
  const out: string[] = [];
  out.push(`run ${report.runId} (${report.mode}): ${report.status.toUpperCase()} in ${secs(report.durationMs)}`);
  out.push('');
  out.push(
    table(
      ['stage', 'status', 'duration', 'rows in', 'rows out', 'rejected'],
      report.stages.map((s) => [s.stage, s.status, secs(s.durationMs), num(s.rowsIn), num(s.rowsOut), num(s.rowsRejected)]),
    ),
  );
  if (report.files.length > 0) {
    out.push('');
    out.push(
      table(
        ['input file', 'lines read', 'landed', 'quarantined', 'blank'],
        report.files.map((f) => [f.sourceFile, num(f.linesRead), num(f.rowsLanded), num(f.rowsQuarantined), num(f.blankLines)]),
      ),
    );
    // A folder of new orders only: say the other files were absent, rather than list them as empty.
    if (report.absentFiles && report.absentFiles.length > 0) {
      out.push(`not in the folder (nothing of them read or changed): ${report.absentFiles.join(', ')}`);
    }
  }
  if (report.quality) {
    const q = report.quality;
    out.push('');
    out.push(
      `quality score ${q.score.toFixed(1)} (grade ${q.grade}, threshold ${q.threshold}) ${q.passed ? 'passed' : 'FAILED'}` +
        ` (whole run; staging checks ${q.stagingScore.toFixed(1)}, grade ${q.stagingGrade})`,
    );
    if (q.rejectRates.length > 0) {
      out.push(
        table(
          ['rejects (all stages)', 'records', 'rejected', 'rate', 'limit', 'top reasons'],
          q.rejectRates.map((r) => [
            r.entity,
            num(r.records),
            num(r.ingestRejects + r.transformRejects),
            `${(100 * r.rejectRate).toFixed(1)}%`,
            r.maxRejectPercent === null ? '-' : `${r.maxRejectPercent}%${r.passed ? '' : ' OVER'}`,
            r.topReasons.map((t) => `${t.reason} ${num(t.count)}`).join(', ') || '-',
          ]),
        ),
      );
    }
  }
  if (report.rejectsByReason.length > 0) {
    out.push('');
    out.push(table(['stage', 'reject reason', 'rows'], report.rejectsByReason.map((r) => [r.stage, r.reasonCode, num(r.count)])));
  }
  if (report.profile) {
    out.push('');
    out.push(formatProfile(report.profile));
  }
  if (report.mapping) {
    out.push('');
    out.push(formatMappedRun(report.mapping));
  }
  out.push('');
  out.push(`accounting: ${report.accountingBalanced ? 'every file and stage adds up' : 'DOES NOT ADD UP'}`);
  if (report.status === 'failed') out.push(`error in ${report.failedStage ?? 'unknown stage'}: ${report.error ?? ''}`);
  return out.join('\n');
}

/** A mapped run's control totals: the source's by status, then sold reconciled with the warehouse. */
export function formatMappedRun(m: NonNullable<RunReport['mapping']>): string {
  const s = m.source;
  const r = m.reconciliation;
  // Stored as jsonb, whose key order is not the source's: sold, cancelled, adjusted.
  const statuses = (['sold', 'cancelled', 'adjusted', 'void'] as const).map((status) => [status, s.byStatus[status]] as const).filter(([, t]) => t !== undefined && t.lines > 0);
  return [
    `control totals (mapping ${m.mapping}; source ${s.sourceFiles.map((f) => f.file).join(', ')}: ${num(s.lines)} lines${s.unreadable ? `, ${num(s.unreadable)} unreadable` : ''})`,
    table(
      ['source status', 'lines', 'orders', 'Σ quantity × unit price'],
      [...statuses.map(([status, t]) => [status, num(t.lines), num(t.orders), t.amount]), ['all', num(s.total.lines), num(s.total.orders), s.total.amount]],
    ),
    table(
      ['sold, reconciled', 'lines', 'amount'],
      [
        ['sold in the source', num(s.byStatus.sold.lines), r.sold],
        ['set aside by the mapping', num(r.setAsideByMapping.lines), r.setAsideByMapping.amount],
        ['rounding to the cent', '', r.roundingToCents],
        ['rejected in the pipeline', num(r.rejectedInPipeline.lines), r.rejectedInPipeline.amount],
        ['warehouse gross', num(m.warehouse.lines), r.warehouseGross],
        ['unexplained difference', '', r.difference],
      ],
    ),
    ...(r.returns.length > 0
      ? [
          table(
            ['returns, reconciled', 'lines', 'source', 'set aside', 'rounding', 'fact_returns', 'difference'],
            r.returns.map((x) => [x.status, num(x.lines), x.source, x.setAsideByMapping.amount, x.roundingToCents, x.warehouse.amount, x.difference]),
          ),
        ]
      : []),
    ...r.notLoaded.map((n) => `${n.status}: ${num(n.lines)} lines, ${n.amount}, loaded nowhere by design (rejects of reason ${n.status})`),
    `warehouse: gross ${m.warehouse.gross}, cancelled ${m.warehouse.returns.cancelled.amount}, adjusted ${m.warehouse.returns.adjusted.amount}, net ${m.warehouse.net}` +
      ` (${r.balanced ? 'agrees with the source to the cent' : 'DOES NOT RECONCILE'})`,
  ].join('\n');
}

const pct = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);
const ratio = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)}x`);

/** The data profile block of the summary: the shop's shape as measured on the landed data. */
export function formatProfile(profile: RunProfile): string {
  const out: string[] = [];
  out.push(
    `data profile: ${num(profile.orders)} orders, ${num(profile.orderLines)} lines, revenue ${num(profile.revenue)}, ` +
      `${num(profile.buyers)} buyers (${num(profile.repeatBuyers)} repeat, ${num(profile.oneTimeBuyers)} one-time)`,
  );
  out.push(
    `  Q4 peak index ${ratio(profile.q4PeakIndex)}, weekend/weekday ${ratio(profile.weekendWeekdayRatio)}, ` +
      `top 20% of buyers ${pct(profile.topCustomerRevenueShare)} of revenue, basket ${profile.basketSizeMean?.toFixed(2) ?? '-'} lines, ` +
      `night orders ${pct(profile.nightOrderShare)}`,
  );
  out.push(
    `  orders before registration ${profile.ordersBeforeRegistration}, geography mismatches ${profile.geographyMismatches}`,
  );
  if (profile.monthlyRevenue.length > 1) {
    out.push(`  monthly revenue index: ${profile.monthlyRevenue.map((m) => `${m.month.slice(2)} ${m.index.toFixed(2)}`).join(', ')}`);
  }
  out.push(`  categories by revenue: ${profile.categories.map((c) => `${c.category} ${pct(c.share)}`).join(', ')}`);
  out.push(`  payment mix: ${profile.paymentMix.map((p) => `${p.paymentMethod} ${pct(p.share)}`).join(', ')}`);
  return out.join('\n');
}

export interface BenchRow {
  stage: string;
  /** From the stage's start to its finish as the ledger recorded them. */
  seconds: number;
  /**
   * From the stage's recorded finish to the next stage's start (or the run's finish): the stage's
   * COMMIT, where deferred constraints are checked, and the hop through the queue. Null when the
   * report has no timestamps.
   */
  handOffSeconds: number | null;
  rowsIn: number;
  rowsRejected: number;
  rowsPerSecond: number;
  /**
   * Busy CPU seconds of the whole machine from the stage's recorded start to its finish
   * (tools/machine-cpu.ts): its Node.js work and its PostgreSQL backends and workers. Null where
   * the machine's CPU time could not be read.
   */
  cpuSeconds: number | null;
}

/** Busy CPU seconds of the machine between two ISO instants, or null (no samples, no instants). */
function cpuBetween(cpu: readonly CpuSample[], from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const seconds = cpuSecondsBetween(cpu, Date.parse(from), Date.parse(to));
  return seconds === null ? null : Number(seconds.toFixed(2));
}

export function benchRows(report: RunReport, cpu: readonly CpuSample[] = []): BenchRow[] {
  const ran = report.stages.filter((s) => s.status === 'succeeded' && s.durationMs !== null);
  return ran.map((s, i) => {
    const next = i + 1 < ran.length ? ran[i + 1].startedAt : report.finishedAt;
    return {
      stage: s.stage,
      seconds: Number(((s.durationMs ?? 0) / 1000).toFixed(3)),
      handOffSeconds: s.finishedAt && next ? Number(((Date.parse(next) - Date.parse(s.finishedAt)) / 1000).toFixed(3)) : null,
      rowsIn: s.rowsIn ?? 0,
      rowsRejected: s.rowsRejected ?? 0,
      rowsPerSecond: s.durationMs ? Math.round(((s.rowsIn ?? 0) * 1000) / s.durationMs) : 0,
      cpuSeconds: cpuBetween(cpu, s.startedAt, s.finishedAt),
    };
  });
}

/** One pipeline run as the bench reports it. */
export interface BenchRun {
  /** 'run 1', 'run 2', 'delta', 'clean', 'reject-heavy'. */
  label: string;
  runId: string;
  /** The run's wall time from start to finish: its stages plus the hand-offs between them. */
  totalSeconds: number;
  /** Lines of the run's input files. */
  inputRows: number;
  stages: BenchRow[];
  rejectsByReason: RunReport['rejectsByReason'];
  accountingBalanced: boolean;
  /** Peak RSS of the bench process while this run ran (MB). */
  peakRssMb: number;
  /** Busy CPU seconds of the machine from the run's start to its finish; null where unread. */
  cpuSeconds: number | null;
  /** The machine's cores: cpuSeconds / (cores × wall seconds) is how much of it the run kept busy. */
  cores: number;
}

/** `cpu`: the machine's busy CPU time sampled while the run ran (MachineCpu), or none. */
export function benchRun(label: string, report: RunReport, peakRssMb: number, cpu: readonly CpuSample[] = []): BenchRun {
  return {
    label,
    runId: report.runId,
    totalSeconds: Number(((report.durationMs ?? 0) / 1000).toFixed(3)),
    inputRows: report.files.reduce((sum, f) => sum + f.linesRead, 0),
    stages: benchRows(report, cpu),
    rejectsByReason: report.rejectsByReason,
    accountingBalanced: report.accountingBalanced,
    peakRssMb,
    cpuSeconds: cpuBetween(cpu, report.startedAt, report.finishedAt),
    cores: cpus().length,
  };
}

/** One data size of `npm run bench`: two full runs of the same data, the floors, a one-day delta. */
export interface BenchScale {
  transactions: number;
  customers: number;
  products: number;
  seed: number;
  /** Lines of the generated files and their size on disk. */
  inputRows: number;
  inputBytes: number;
  /** Run 1 on the fresh database, run 2 the same data delivered again. */
  runs: BenchRun[];
  /** Measured right after run 1, before run 2; never counted in a run. */
  floors: FloorTiming[];
  floorsPeakRssMb: number;
  delta: BenchRun;
  /** The highest of the runs' and the floors' peaks (MB). */
  peakRssMb: number;
  /** The machine's 1-minute load average when the scale started: other work skews the numbers. */
  loadAverage: number;
  /** The PostgreSQL server the scale ran on; absent in results saved before it was recorded. */
  server?: ServerSettings;
}

/** What sql/bench/server_settings.sql reads: the server the bench ran on. */
export interface ServerSettings {
  version: string;
  /** The bench database's collation (text sorts and index builds). */
  collation: string;
  /** Setting name to its value as SHOW prints it, in the file's order. */
  settings: Record<string, string>;
}

/** One line naming the server and the settings a reader comparing two benches should see. */
export function formatServerSettings(server: ServerSettings): string {
  const settings = Object.entries(server.settings)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  return `PostgreSQL ${server.version}, database collation ${server.collation}: ${settings}`;
}

/** Growth of one stage's seconds from one data size to the next, per ×10 of data. */
export interface GrowthStep {
  from: number;
  to: number;
  run1: number | null;
  run2: number | null;
  floor: number | null;
}

export interface GrowthRow {
  stage: string;
  steps: GrowthStep[];
}

/**
 * How many times longer a stage takes when the data grows ×10, from (size, seconds) to (size,
 * seconds): 10 means linear, below 10 fixed costs still weigh, above 10 worse than linear. Sizes
 * not ×10 apart are brought to ×10 geometrically: (time ratio) ^ (1 / log10(size ratio)).
 */
export function growthPerTenfold(fromSize: number, fromSeconds: number | null, toSize: number, toSeconds: number | null): number | null {
  if (fromSeconds === null || toSeconds === null || fromSeconds <= 0 || toSeconds <= 0) return null;
  if (!(fromSize > 0) || !(toSize > fromSize)) return null;
  return Number(Math.pow(toSeconds / fromSeconds, 1 / Math.log10(toSize / fromSize)).toFixed(2));
}

const stageSeconds = (run: BenchRun | undefined, stage: string): number | null =>
  run === undefined ? null : stage === 'total' ? run.totalSeconds : (run.stages.find((s) => s.stage === stage)?.seconds ?? null);

const floorSeconds = (floors: FloorTiming[], stage: string): number | null =>
  stage === 'total'
    ? floors.length > 0 ? floors.reduce((sum, f) => sum + f.seconds, 0) : null
    : (floors.find((f) => f.stage === stage)?.seconds ?? null);

/** Growth per ×10 of every stage and of the total, between each data size and the next (sizes ascending). */
export function benchGrowth(scales: BenchScale[]): GrowthRow[] {
  const sorted = [...scales].sort((a, b) => a.transactions - b.transactions);
  const stages = [...new Set(sorted.flatMap((s) => s.runs.flatMap((r) => r.stages.map((x) => x.stage))))];
  return [...stages, 'total'].map((stage) => ({
    stage,
    steps: sorted.slice(1).map((to, i) => {
      const from = sorted[i];
      const grow = (pick: (scale: BenchScale) => number | null) =>
        growthPerTenfold(from.transactions, pick(from), to.transactions, pick(to));
      return {
        from: from.transactions,
        to: to.transactions,
        run1: grow((s) => stageSeconds(s.runs[0], stage)),
        run2: grow((s) => stageSeconds(s.runs[1], stage)),
        floor: grow((s) => floorSeconds(s.floors, stage)),
      };
    }),
  }));
}

/** 10000 -> 10k, 1000000 -> 1M, 2500 -> 2.5k: data sizes in headers. */
export function sizeLabel(size: number): string {
  const short = (value: number, unit: string) => `${Number(value.toFixed(1))}${unit}`;
  if (size >= 1e6) return short(size / 1e6, 'M');
  if (size >= 1e3) return short(size / 1e3, 'k');
  return String(size);
}

const sec = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? '-' : seconds.toFixed(2));
const times = (value: number | null) => (value === null || !Number.isFinite(value) ? '-' : `${value.toFixed(1)}×`);
const perSecond = (rows: number, seconds: number | null) => (seconds ? num(Math.round(rows / seconds)) : '-');
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The table of one data size: per stage rows in, run 1 seconds, the hand-off after it and rows/s,
 * the floor and run 1 / floor, run 2 (the same data again) and the one-day delta; then the
 * totals, hand-off time, run ids and peak RSS.
 */
export function formatBenchScale(scale: BenchScale): string {
  const [run1, run2] = scale.runs;
  const stages = run1.stages.map((s) => s.stage);
  const rows = stages.map((stage) => {
    const first = run1.stages.find((s) => s.stage === stage)!;
    const floor = floorSeconds(scale.floors, stage);
    return [
      stage,
      num(first.rowsIn),
      sec(first.seconds),
      sec(first.handOffSeconds),
      num(first.rowsPerSecond),
      sec(first.cpuSeconds),
      busyCores(first.cpuSeconds, first.seconds),
      sec(floor),
      times(floor ? first.seconds / floor : null),
      sec(stageSeconds(run2, stage)),
      sec(stageSeconds(scale.delta, stage)),
    ];
  });
  const floorTotal = floorSeconds(scale.floors, 'total');
  rows.push([
    'total',
    num(scale.inputRows),
    sec(run1.totalSeconds),
    sec(run1.totalSeconds - run1.stages.reduce((sum, s) => sum + s.seconds, 0)),
    perSecond(scale.inputRows, run1.totalSeconds),
    sec(run1.cpuSeconds),
    busyCores(run1.cpuSeconds, run1.totalSeconds),
    sec(floorTotal),
    times(floorTotal ? run1.totalSeconds / floorTotal : null),
    sec(run2?.totalSeconds),
    sec(scale.delta.totalSeconds),
  ]);
  const handOffs = [...scale.runs, scale.delta]
    .map((r) => `${r.label} ${sec(r.totalSeconds - r.stages.reduce((sum, s) => sum + s.seconds, 0))}s`)
    .join(', ');
  const out = [
    `${num(scale.transactions)} transactions: ${num(scale.customers)} customers, ${num(scale.products)} products, seed ${scale.seed}; ` +
      `${num(scale.inputRows)} input rows, ${megabytes(scale.inputBytes)}; load average ${scale.loadAverage.toFixed(1)} at start`,
    ...(scale.server ? [formatServerSettings(scale.server)] : []),
    '',
    table(['stage', 'rows in', 'run 1 s', 'hand-off s', 'rows/s', 'CPU s', 'cores', 'floor s', '× floor', 'run 2 s', 'delta s'], rows),
    '',
    `hand-off: recorded finish to next start, i.e. the stage's COMMIT (deferred constraint checks) and the queue hop`,
    cpuLine(scale),
    `total: each run's wall time, stages plus hand-offs (hand-offs: ${handOffs})`,
    `run 2: the same data delivered again; delta: one day after it (${num(scale.delta.inputRows)} input rows)`,
    `runs: ${[...scale.runs, scale.delta].map((r) => `${r.label} ${r.runId}`).join(', ')}`,
    `peak RSS of the bench process: ${run1.label} ${num(run1.peakRssMb)} MB, floors ${num(scale.floorsPeakRssMb)} MB, ` +
      `${[...scale.runs.slice(1), scale.delta].map((r) => `${r.label} ${num(r.peakRssMb)} MB`).join(', ')}`,
  ];
  if (run2) {
    const ratios = stages.map((stage) => {
      const ratio = secondRunRatio(scale, stage);
      return `${stage} ${ratio === null ? '-' : `${ratio.toFixed(2)}×`}`;
    });
    out.push(`run 2 / run 1: ${ratios.join(', ')} (limit ${SECOND_RUN_LIMIT}× run 1 + ${SECOND_RUN_SLACK_SECONDS} s)`);
  }
  out.push(...benchFailures(scale));
  return out.join('\n');
}

/** CPU seconds over wall seconds: how many cores were busy on average; '-' where unknown. */
function busyCores(cpuSeconds: number | null, seconds: number | null): string {
  return cpuSeconds === null || !seconds ? '-' : (cpuSeconds / seconds).toFixed(2);
}

/** What the CPU columns are, and each run's CPU seconds against what its wall time allowed. */
function cpuLine(scale: BenchScale): string {
  const runs = [...scale.runs, scale.delta];
  if (runs.every((r) => r.cpuSeconds === null)) return 'CPU s, cores: not measured (the machine\'s CPU time is read from /proc/stat, Linux only)';
  const cores = scale.runs[0].cores;
  const each = runs.map((r) => `${r.label} ${sec(r.cpuSeconds)} of ${sec(r.totalSeconds * r.cores)}`).join(', ');
  return (
    `CPU s: busy CPU seconds of the whole machine (every process: Node.js and PostgreSQL) while the stage ran; ` +
    `cores: CPU s / wall s, of ${cores}; CPU s of the ${cores} cores × wall s: ${each}`
  );
}

/** A second delivery of the same data may take at most this many times run 1, stage by stage... */
export const SECOND_RUN_LIMIT = 1.5;
/** ...plus this much, so the noise of a stage of a second or two is not a finding. */
export const SECOND_RUN_SLACK_SECONDS = 1;

function secondRunRatio(scale: BenchScale, stage: string): number | null {
  const first = stageSeconds(scale.runs[0], stage);
  const second = stageSeconds(scale.runs[1], stage);
  return first && second !== null && second !== undefined ? second / first : null;
}

/**
 * What makes `npm run bench` exit 1 for a data size: accounting that does not add up, or a stage
 * whose second run of the same data is slower than SECOND_RUN_LIMIT × its first (plus the slack),
 * as happened when later runs were planned on the statistics of earlier ones.
 */
export function benchFailures(scale: BenchScale): string[] {
  const failures: string[] = [];
  const unbalanced = [...scale.runs, scale.delta].filter((r) => !r.accountingBalanced).map((r) => r.label);
  if (unbalanced.length > 0) failures.push(`ACCOUNTING DOES NOT ADD UP in ${unbalanced.join(', ')}`);
  const [run1, run2] = scale.runs;
  if (run2) {
    const slower = run1.stages
      .map((s) => ({ stage: s.stage, first: s.seconds, second: stageSeconds(run2, s.stage) }))
      .filter((s) => s.second !== null && s.second !== undefined && s.second > SECOND_RUN_LIMIT * s.first + SECOND_RUN_SLACK_SECONDS)
      .map((s) => `${s.stage} ${sec(s.second)} s after ${sec(s.first)} s`);
    if (slower.length > 0) failures.push(`RUN 2 SLOWER THAN ${SECOND_RUN_LIMIT}× RUN 1: ${slower.join(', ')}`);
  }
  return failures;
}

/** Growth per ×10 of data, one column per step between sizes, each cell run 1 / run 2 / floor. */
export function formatBenchGrowth(rows: GrowthRow[]): string {
  const steps = rows[0]?.steps ?? [];
  const factor = (value: number | null) => (value === null ? '-' : value.toFixed(1));
  return [
    'growth of seconds per ×10 of data (10 = linear): run 1 / run 2 / floor',
    '',
    table(
      ['stage', ...steps.map((s) => `${sizeLabel(s.from)} → ${sizeLabel(s.to)}`)],
      rows.map((r) => [r.stage, ...r.steps.map((s) => `${factor(s.run1)} / ${factor(s.run2)} / ${factor(s.floor)}`)]),
    ),
  ].join('\n');
}

/** The reject-heavy scenario beside clean input of the same size: per stage seconds, rows in and rejected. */
export function formatScenarioComparison(clean: BenchRun, heavy: BenchRun, what: string): string {
  const stages = [...new Set([...clean.stages, ...heavy.stages].map((s) => s.stage))];
  const cells = (run: BenchRun, stage: string) => {
    const row = run.stages.find((s) => s.stage === stage);
    return row ? [sec(row.seconds), num(row.rowsIn), num(row.rowsRejected)] : ['-', '-', '-'];
  };
  const ratio = (a: number | null, b: number | null) => times(a !== null && b ? a / b : null);
  const rows = stages.map((stage) => [
    stage,
    ...cells(clean, stage),
    ...cells(heavy, stage),
    ratio(stageSeconds(heavy, stage), stageSeconds(clean, stage)),
  ]);
  rows.push(['total', sec(clean.totalSeconds), num(clean.inputRows), '', sec(heavy.totalSeconds), num(heavy.inputRows), '', ratio(heavy.totalSeconds, clean.totalSeconds)]);
  const rejects = heavy.rejectsByReason.map((r) => `${r.reasonCode} ${num(r.count)} (${r.stage})`).join(', ') || 'none';
  return [
    what,
    '',
    table([
      'stage', `${clean.label} s`, 'rows in', 'rejected', `${heavy.label} s`, 'rows in', 'rejected', `× ${clean.label}`,
    ], rows),
    '',
    `rejects of ${heavy.label}: ${rejects}`,
    `runs: ${clean.label} ${clean.runId}, ${heavy.label} ${heavy.runId}; peak RSS ${num(clean.peakRssMb)} MB, ${num(heavy.peakRssMb)} MB`,
  ].join('\n');
}
