import type { RunProfile, RunReport, StageReport } from '@ecom/contracts';

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
        ['input file', 'lines read', 'landed', 'quarantined'],
        report.files.map((f) => [f.sourceFile, num(f.linesRead), num(f.rowsLanded), num(f.rowsQuarantined)]),
      ),
    );
  }
  if (report.quality) {
    const q = report.quality;
    out.push('');
    out.push(`quality score ${q.score.toFixed(1)} (grade ${q.grade}, threshold ${q.threshold}) ${q.passed ? 'passed' : 'FAILED'}`);
  }
  if (report.rejectsByReason.length > 0) {
    out.push('');
    out.push(table(['stage', 'reject reason', 'rows'], report.rejectsByReason.map((r) => [r.stage, r.reasonCode, num(r.count)])));
  }
  if (report.profile) {
    out.push('');
    out.push(formatProfile(report.profile));
  }
  out.push('');
  out.push(`accounting: ${report.accountingBalanced ? 'every file and stage adds up' : 'DOES NOT ADD UP'}`);
  if (report.status === 'failed') out.push(`error in ${report.failedStage ?? 'unknown stage'}: ${report.error ?? ''}`);
  return out.join('\n');
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
  seconds: number;
  rowsIn: number;
  rowsPerSecond: number;
}

export function benchRows(report: RunReport): BenchRow[] {
  return report.stages
    .filter((s) => s.status === 'succeeded' && s.durationMs !== null)
    .map((s) => ({
      stage: s.stage,
      seconds: Number(((s.durationMs ?? 0) / 1000).toFixed(3)),
      rowsIn: s.rowsIn ?? 0,
      rowsPerSecond: s.durationMs ? Math.round(((s.rowsIn ?? 0) * 1000) / s.durationMs) : 0,
    }));
}

export function formatBenchTable(rows: BenchRow[]): string {
  return table(
    ['stage', 'seconds', 'rows in', 'rows/s'],
    rows.map((r) => [r.stage, r.seconds.toFixed(2), num(r.rowsIn), num(r.rowsPerSecond)]),
  );
}
