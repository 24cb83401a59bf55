import type { SchemaObject } from '@nestjs/swagger';
import {
  ANALYSES,
  RUN_TRIGGERS,
  SCHEDULE_NAMES,
  STAGES,
  DASHBOARD_ENDPOINTS,
  FILTER_NAMES,
  type AnalysisResult,
  type EntityRejectRate,
  type FileReport,
  type MappedRunReport,
  type MappingControlTotals,
  type ReturnsReconciliation,
  type SourceStatusTotals,
  type QualityCheckReport,
  type QualityReport,
  type QualitySummary,
  type RejectPage,
  type RejectRecord,
  type RejectTotals,
  type RunProfile,
  type RunReport,
  type StageReport,
  type DashboardData,
  type DashboardStatus,
  type FilterOptions,
} from '@ecom/contracts';
import type { RetentionKindReport, RetentionReport } from '@ecom/ops';
import type { AnalysisListing } from '../analytics/analytics.dto';
import type { AlertDeliveryView, AlertList, AlertView, CheckResult, EvaluationReport, MonitoringReport } from '../monitoring/monitoring.dto';
import type { ReplayAccepted } from '../runs/replay.service';
import type { RunAccepted, RunList, RunResumed, RunSummary } from '../runs/runs.dto';
import type { ScheduleList, ScheduleView, SkippedTriggerView } from '../schedules/schedules.dto';
import { anyObject, arrayOf, bool, dateTime, int, mapOf, nullable, num, objectOf, oneOf, optional, ref, str, type PropertiesOf } from './schema';

const RUN_MODES = ['generate', 'source', 'incremental', 'rebuild'];
const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'];
const STAGE_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'];
const runId = (description = 'Run id') => str(description);
const runLinks = objectOf<RunAccepted['links']>({ self: str('GET: the run report'), quality: str('GET: its quality report') });

/** An error answer: Nest's shape. Validation failures list one message per field. */
const errorBody = objectOf<{ statusCode: number; message: string | string[]; error?: string }>({
  statusCode: int(),
  message: { oneOf: [str(), arrayOf(str())], description: 'What is wrong; a 400 from validation lists one message per field ("limit must not be greater than 200").' },
  error: optional(str('The status in words: Bad Request, Unauthorized, Not Found, ...')),
});

const conflictBody = objectOf<{ statusCode: number; message: string; error: string; activeRunId?: string; skippedId?: string }>({
  statusCode: int(),
  message: str(),
  error: str(),
  activeRunId: optional(str('The run that is queued or running (one run at a time).')),
  skippedId: optional(str('The skipped trigger recorded for this request (GET /schedules lists them).')),
});

const runSummary = objectOf<RunSummary>({
  runId: runId(),
  mode: oneOf(RUN_MODES),
  status: oneOf(RUN_STATUSES),
  createdAt: dateTime(),
  finishedAt: nullable(dateTime()),
  failedStage: nullable(str()),
  error: nullable(str()),
});

const runAccepted: PropertiesOf<RunAccepted> = { runId: runId('The new run'), status: oneOf(['queued']), links: runLinks };

const stageReport = objectOf<StageReport>({
  stage: oneOf(STAGES),
  status: oneOf(STAGE_STATUSES),
  attempts: int(),
  startedAt: nullable(dateTime()),
  finishedAt: nullable(dateTime()),
  durationMs: nullable(int()),
  rowsIn: nullable(int()),
  rowsOut: nullable(int()),
  rowsRejected: nullable(int()),
  tasksTotal: nullable(int()),
  tasksDone: int(),
  progress: nullable(anyObject()),
  detail: anyObject(),
  error: nullable(str()),
});

const fileReport = objectOf<FileReport>({
  sourceFile: str(),
  entity: str(),
  linesRead: int('Records read (a blank line is no record): rowsLanded + rowsQuarantined.'),
  rowsLanded: int(),
  rowsQuarantined: int(),
  blankLines: int(),
});

const entityRejectRate = objectOf<EntityRejectRate>({
  entity: str(),
  records: int(),
  ingestRejects: int(),
  transformRejects: int(),
  rejectRate: num('(ingestRejects + transformRejects) / records, 0..1'),
  maxRejectPercent: nullable(num('The limit in force, in percent; null: none.')),
  passed: bool(),
  topReasons: arrayOf(objectOf<{ reason: string; count: number }>({ reason: str(), count: int() })),
});

const qualitySummary = objectOf<QualitySummary>({
  score: num(),
  grade: str(),
  threshold: num(),
  passed: bool(),
  stagingScore: num(),
  stagingGrade: str(),
  rejectRates: arrayOf(ref('EntityRejectRate')),
});

const rejectTotals = objectOf<RejectTotals>({ total: int(), resolved: int(), unresolved: int(), resolvedByThisRun: int() });

const runProfile = objectOf<RunProfile>({
  runId: runId(),
  computedAt: dateTime(),
  orders: int(),
  orderLines: int(),
  revenue: num(),
  buyers: int(),
  repeatBuyers: int(),
  oneTimeBuyers: int(),
  monthlyRevenue: arrayOf(
    objectOf<RunProfile['monthlyRevenue'][number]>({ month: str(), orders: int(), revenue: num(), index: num(), discountedLineShare: num() }),
  ),
  q4PeakIndex: nullable(num()),
  weekendWeekdayRatio: nullable(num()),
  nightOrderShare: num(),
  topCustomerRevenueShare: nullable(num()),
  categories: arrayOf(
    objectOf<RunProfile['categories'][number]>({ category: str(), revenue: num(), share: num(), products: int(), avgPrice: num() }),
  ),
  paymentMix: arrayOf(objectOf<RunProfile['paymentMix'][number]>({ paymentMethod: str(), orders: int(), share: num() })),
  basketSizeMean: nullable(num()),
  ordersBeforeRegistration: int(),
  geographyMismatches: int(),
});

const money = (description?: string) => str(description ?? 'An exact decimal amount, as text (a source amount keeps its third decimal).');
const statusTotals = objectOf<SourceStatusTotals>({ lines: int(), orders: int(), amount: money('Σ quantity × unit price over the lines.') });
const mappingControlTotals = objectOf<MappingControlTotals>({
  mapping: str('The mapping that converted the source.'),
  sourceFiles: arrayOf(objectOf<MappingControlTotals['sourceFiles'][number]>({ file: str(), lines: int() })),
  lines: int('Lines read from the source (records after each header).'),
  unreadable: int('Lines whose quantity or price could not be read.'),
  byStatus: objectOf<MappingControlTotals['byStatus']>({ sold: statusTotals, cancelled: statusTotals, adjusted: statusTotals, void: statusTotals }),
  total: statusTotals,
  converted: objectOf<MappingControlTotals['converted']>({
    customers: int(),
    products: int(),
    orders: int(),
    lines: int(),
    lineTotal: money('Σ line_total of the converted lines, each rounded to the cent.'),
    rounding: money('Σ quantity × unit price − Σ line_total over the converted lines.'),
  }),
  returned: optional(
    objectOf<NonNullable<MappingControlTotals['returned']>>({
      cancelled: objectOf<NonNullable<MappingControlTotals['returned']>['cancelled']>({ lines: int(), lineTotal: money(), rounding: money() }),
      adjusted: objectOf<NonNullable<MappingControlTotals['returned']>['adjusted']>({ lines: int(), lineTotal: money(), rounding: money() }),
    }, 'The cancelled and adjusted lines written to returns.csv (loaded into fact_returns).'),
  ),
  rejected: arrayOf(
    objectOf<MappingControlTotals['rejected'][number]>({ reason: str(), status: oneOf(['sold', 'cancelled', 'adjusted', 'void', 'unreadable']), lines: int(), amount: money() }),
    'Lines the mapping set aside, by reason and status (each one a reject of stage mapping).',
  ),
});
const mappedRunReport = objectOf<MappedRunReport>(
  {
    mapping: str(),
    source: mappingControlTotals,
    warehouse: objectOf<MappedRunReport['warehouse']>({
      lines: int(),
      orders: int(),
      gross: money('Σ line_total of the fact rows of the run’s order lines.'),
      returns: objectOf<MappedRunReport['warehouse']['returns']>({
        cancelled: objectOf<MappedRunReport['warehouse']['returns']['cancelled']>({ lines: int(), amount: money() }),
        adjusted: objectOf<MappedRunReport['warehouse']['returns']['adjusted']>({ lines: int(), amount: money() }),
      }, 'fact_returns rows of the run’s cancelled and adjusted lines, signed as the source signs them.'),
      net: money('gross + returns.'),
    }),
    reconciliation: objectOf<MappedRunReport['reconciliation']>({
      sold: money('Sold in the source: Σ quantity × unit price of its sold lines.'),
      setAsideByMapping: objectOf<MappedRunReport['reconciliation']['setAsideByMapping']>({ lines: int(), amount: money() }),
      roundingToCents: money(),
      rejectedInPipeline: objectOf<MappedRunReport['reconciliation']['rejectedInPipeline']>({ lines: int(), orders: int(), amount: money() }),
      warehouseGross: money(),
      difference: money('sold − set aside − rounding − rejected in the pipeline − warehouse gross.'),
      notLoaded: arrayOf(objectOf<MappedRunReport['reconciliation']['notLoaded'][number]>({ status: oneOf(['void']), lines: int(), amount: money() }), 'Void lines: rejects of reason void, loaded nowhere by design.'),
      balanced: bool('True when every difference (sold, each returned status) is 0.'),
      returns: arrayOf(objectOf<ReturnsReconciliation>({
        status: oneOf(['cancelled', 'adjusted']),
        lines: int(),
        source: money(),
        setAsideByMapping: objectOf<ReturnsReconciliation['setAsideByMapping']>({ lines: int(), amount: money() }),
        roundingToCents: money(),
        warehouse: objectOf<ReturnsReconciliation['warehouse']>({ lines: int(), amount: money() }),
        difference: money(),
      })),
    }),
  },
  'A mapped run (docs/mappings.md): the source’s control totals beside the warehouse’s, reconciled to the cent.',
);

const runReport = objectOf<RunReport>({
  runId: runId(),
  mode: oneOf(RUN_MODES),
  status: oneOf(RUN_STATUSES),
  failedStage: nullable(str()),
  error: nullable(str()),
  params: anyObject('The resolved parameters the run was recorded with.'),
  createdAt: dateTime(),
  startedAt: nullable(dateTime()),
  finishedAt: nullable(dateTime()),
  durationMs: nullable(int()),
  stages: arrayOf(ref('StageReport')),
  files: arrayOf(ref('FileReport')),
  absentFiles: optional(arrayOf(str(), 'Input files the run folder did not have.')),
  quality: nullable(ref('QualitySummary')),
  rejectsByReason: arrayOf(objectOf<RunReport['rejectsByReason'][number]>({ stage: str(), reasonCode: str(), count: int() })),
  rejectTotals: optional(ref('RejectTotals')),
  accountingBalanced: bool('True when every file and every finished stage adds up.'),
  profile: optional(nullable(ref('RunProfile'))),
  mapping: optional(nullable(mappedRunReport)),
});

const qualityCheckReport = objectOf<QualityCheckReport>({
  checkName: str(),
  checkType: str(),
  stage: oneOf(['validate', 'transform', 'warehouse']),
  family: str(),
  entity: str(),
  severity: oneOf(['warn', 'error']),
  threshold: str("As declared: a count ('0') or a rate ('2%')."),
  allowedViolations: num(),
  weight: num(),
  rowsChecked: int(),
  violations: num(),
  sampleIds: arrayOf(str()),
  passed: bool(),
  status: oneOf(['pass', 'warn', 'fail']),
  description: str(),
});

const qualityReport = objectOf<QualityReport>({
  runId: runId(),
  score: nullable(num()),
  grade: nullable(str()),
  threshold: nullable(num()),
  passed: bool(),
  stagingScore: nullable(num()),
  stagingGrade: nullable(str()),
  rejectRates: arrayOf(ref('EntityRejectRate')),
  checks: arrayOf(ref('QualityCheckReport')),
});

const rejectRecord = objectOf<RejectRecord>({
  id: int(),
  stage: str(),
  entity: nullable(str()),
  sourceFile: nullable(str()),
  sourceLine: nullable(int()),
  recordKey: nullable(str()),
  reasonCode: str(),
  message: str(),
  rawRecord: nullable(str('The record as it arrived: CSV text (ingest) or the staged row as JSON (transform).')),
  resolvedAt: nullable(dateTime()),
  resolvedByRun: nullable(str()),
});

const rejectPage = objectOf<RejectPage>({
  runId: runId(),
  total: int('Rejects matching the filters, over all pages.'),
  limit: int(),
  offset: int(),
  rejects: arrayOf(ref('RejectRecord')),
  nextAfter: nullable(int('Keyset cursor for the next page (?after=); null on the last page.')),
});

const cell = { oneOf: [str(), num(), bool()], nullable: true } as SchemaObject;

const alertDelivery = objectOf<AlertDeliveryView>({
  event: oneOf(['opened', 'resolved']),
  channel: oneOf(['webhook', 'email']),
  status: oneOf(['pending', 'sent', 'failed']),
  attempts: int(),
  lastError: nullable(str()),
  sentAt: nullable(dateTime()),
});

const alertView = objectOf<AlertView>({
  alertId: str(),
  key: str(),
  check: str(),
  severity: oneOf(['warning', 'critical']),
  status: oneOf(['open', 'resolved']),
  summary: str(),
  detail: anyObject(),
  openedAt: dateTime(),
  lastSeenAt: dateTime(),
  resolvedAt: nullable(dateTime()),
  deliveries: arrayOf(ref('AlertDelivery')),
});

const monitoringProperties: PropertiesOf<MonitoringReport> = {
  status: oneOf(['ok', 'degraded', 'critical']),
  score: num('0-100: the checks weighted mean.'),
  evaluatedAt: dateTime(),
  checks: arrayOf(
    objectOf<CheckResult>({ name: str(), status: oneOf(['ok', 'warning', 'critical', 'unknown']), message: str(), details: optional(anyObject()) }),
  ),
  openAlerts: arrayOf(ref('Alert')),
};

function retentionKind<Item>(item: PropertiesOf<Item>): SchemaObject {
  return objectOf<RetentionKindReport<Item>>({
    keptFor: nullable(str('The configured period; null when kept forever.')),
    cutoff: nullable(str()),
    count: int(),
    unit: oneOf(['files', 'rows', 'runs', 'partitions', 'tables']),
    items: arrayOf(objectOf<Item>(item)),
  });
}
type Kinds = RetentionReport['kinds'];
type ItemOf<K extends keyof Kinds> = Kinds[K]['items'][number];

const retentionReport = objectOf<RetentionReport>({
  dryRun: bool(),
  startedAt: dateTime(),
  finishedAt: dateTime(),
  protectedRuns: arrayOf(objectOf<RetentionReport['protectedRuns'][number]>({ runId: str(), reasons: arrayOf(str()) })),
  kinds: objectOf<Kinds>({
    rawFiles: retentionKind<ItemOf<'rawFiles'>>({ path: str(), files: int() }),
    analysisExports: retentionKind<ItemOf<'analysisExports'>>({ path: str(), files: int() }),
    analysisResults: retentionKind<ItemOf<'analysisResults'>>({ runId: str(), analysis: str() }),
    quarantine: retentionKind<ItemOf<'quarantine'>>({ runId: str(), rows: int() }),
    staging: retentionKind<ItemOf<'staging'>>({ table: str(), runId: str(), rows: int() }),
    warehousePartitions: retentionKind<ItemOf<'warehousePartitions'>>({ partition: str(), fromDateKey: int(), toDateKey: int(), rows: int() }),
    runHistory: retentionKind<ItemOf<'runHistory'>>({ runId: str(), mode: str(), status: str(), endedAt: str() }),
    typedTables: retentionKind<ItemOf<'typedTables'>>({ table: str(), bytes: int() }),
  }),
});

const scheduleView = objectOf<ScheduleView>({
  name: oneOf(SCHEDULE_NAMES),
  queue: str(),
  description: str(),
  pattern: str('Cron, UTC.'),
  enabled: bool(),
  source: oneOf(['config', 'api']),
  nextRunAt: nullable(dateTime('Null while disabled.')),
  lastFiredAt: nullable(dateTime()),
  lastOutcome: nullable(str()),
  lastRunId: nullable(str()),
});

const healthIndicators = mapOf(
  { type: 'object', properties: { status: oneOf(['up', 'down']) }, required: ['status'], additionalProperties: true },
  'Per indicator (postgres, queues, workers, opsWorker, runs): up or down, with what it measured or why it failed.',
);

/** Every named schema of the document (components.schemas). */
export const RESPONSE_SCHEMAS: Record<string, SchemaObject> = {
  Error: errorBody,
  RunConflict: conflictBody,
  RunAccepted: objectOf<RunAccepted>(runAccepted),
  ReplayAccepted: objectOf<ReplayAccepted>({ ...runAccepted, replayOf: runId('The run whose rejects this one brings corrections for') }),
  RunResumed: objectOf<RunResumed>({
    runId: runId(),
    previousStatus: oneOf(RUN_STATUSES),
    resumedFrom: str('The first stage not yet succeeded: where the run goes on.'),
    requeued: arrayOf(objectOf<RunResumed['requeued'][number]>({ stage: str(), jobId: str(), action: str() })),
    links: runLinks,
  }),
  RunList: objectOf<RunList>({ runs: arrayOf(runSummary), limit: int(), offset: int() }),
  RunReport: runReport,
  StageReport: stageReport,
  FileReport: fileReport,
  QualitySummary: qualitySummary,
  EntityRejectRate: entityRejectRate,
  RejectTotals: rejectTotals,
  RunProfile: runProfile,
  QualityReport: qualityReport,
  QualityCheckReport: qualityCheckReport,
  RejectRecord: rejectRecord,
  RejectPage: rejectPage,
  AnalysisListing: objectOf<AnalysisListing>({
    analyses: arrayOf(
      objectOf<AnalysisListing['analyses'][number]>({
        name: oneOf(ANALYSES),
        latestRunId: nullable(str()),
        links: objectOf<AnalysisListing['analyses'][number]['links']>({ json: str(), csv: str() }),
      }),
    ),
  }),
  AnalysisResult: objectOf<AnalysisResult>({
    runId: runId(),
    analysis: oneOf(ANALYSES),
    columns: arrayOf(str()),
    rows: arrayOf(
      anyObject(),
      'One object per row, keyed by the column names (docs/contract.md). monthly_sales_trend, geography and ' +
        'product_profitability carry `returns_amount` (negative) and `net_revenue` = revenue + returns_amount beside the gross `revenue`.',
    ),
  }),
  DashboardStatus: objectOf<DashboardStatus>({
    lastSuccessfulRun: nullable(objectOf<NonNullable<DashboardStatus['lastSuccessfulRun']>>({ runId: str(), mode: str(), finishedAt: dateTime() })),
    summariesLost: bool(
      'True when the summaries were built and are gone: a crash of PostgreSQL empties them (UNLOGGED tables), ' +
        'and every chart is empty until the next run rebuilds them.',
    ),
  }),
  FilterOptions: objectOf<FilterOptions>({
    firstDate: nullable(str()),
    lastDate: nullable(str()),
    categories: arrayOf(str()),
    payments: arrayOf(str()),
    places: arrayOf(objectOf<FilterOptions['places'][number]>({ country: str(), states: arrayOf(str()) })),
  }),
  DashboardData: objectOf<DashboardData>({
    endpoint: oneOf(DASHBOARD_ENDPOINTS),
    filters: { type: 'object', properties: Object.fromEntries(FILTER_NAMES.map((name) => [name, str()])), additionalProperties: false },
    columns: arrayOf(str()),
    rows: arrayOf(
      mapOf(cell),
      'One object per row, keyed by the column names. Sales and returns apart: `revenue` is gross (the sales); ' +
        '`returns_amount` the returns of the same selection (negative: credit notes and adjustments) and ' +
        '`net_revenue` = revenue + returns_amount, as metrics of `kpis` and as columns of `revenue-trend`, ' +
        '`geography`, `top-products` and `product-profitability`. Both are null under a `payment` filter: a return ' +
        'has no payment method (docs/dashboard_guide.md).',
    ),
  }),
  Health: {
    type: 'object',
    description: "@nestjs/terminus's answer: status ok (200) or error (503), each indicator under details and under info (up) or error (down).",
    properties: { status: oneOf(['ok', 'error', 'shutting_down']), info: healthIndicators, error: healthIndicators, details: healthIndicators },
    required: ['status', 'details'],
    additionalProperties: false,
  },
  Liveness: objectOf<{ status: 'ok' }>({ status: oneOf(['ok']) }),
  Alert: alertView,
  AlertDelivery: alertDelivery,
  MonitoringReport: objectOf<MonitoringReport>(monitoringProperties),
  EvaluationReport: objectOf<EvaluationReport>({
    ...monitoringProperties,
    opened: arrayOf(str(), 'Alert ids this evaluation opened.'),
    resolved: arrayOf(str(), 'Alert ids this evaluation resolved.'),
  }),
  AlertList: objectOf<AlertList>({ alerts: arrayOf(ref('Alert')) }),
  RetentionReport: retentionReport,
  Schedule: scheduleView,
  ScheduleList: objectOf<ScheduleList>({
    schedules: arrayOf(ref('Schedule')),
    recentSkippedTriggers: arrayOf(
      objectOf<SkippedTriggerView>({
        skippedId: str(),
        trigger: oneOf(RUN_TRIGGERS),
        mode: nullable(str()),
        reason: str(),
        activeRunId: nullable(str()),
        skippedAt: dateTime(),
      }),
    ),
  }),
};
