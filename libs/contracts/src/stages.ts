/**
 * The pipeline's shape: stage order, the queue each stage consumes, and who hands off to whom.
 * Every app reads these names from here so a renamed queue cannot leave a stage without a consumer.
 */
export const STAGES = ['generate', 'ingest', 'validate', 'transform', 'warehouse', 'analytics'] as const;
export type Stage = (typeof STAGES)[number];

/** Job names inside a stage queue. Fan-out stages plan first, then process one job per part. */
export const JOB_NAMES = {
  run: 'run',
  plan: 'plan',
  part: 'part',
} as const;

/** One stage as the rest of the code base needs to know it. */
export interface StageDefinition {
  /** The app (apps/<app>) whose processor consumes the stage's queue; also its compose service and `npm start` child. */
  app: string;
  /** The BullMQ queue the stage consumes. */
  queue: string;
  /** The first job a stage receives when a run reaches it: fan-out stages start by planning their parts. */
  entryJob: (typeof JOB_NAMES)[keyof typeof JOB_NAMES];
  /** The app's default /metrics port (config metrics.workerPorts, METRICS_PORT overrides). */
  metricsPort: number;
  /** What the stage reads and writes: files under the data root, or schema.table. For the documentation and reviewers. */
  reads: readonly string[];
  writes: readonly string[];
}

/**
 * The stage registry: the one place a stage is declared. StageRuntime's queues, the launchers
 * (tools/start.ts, tools/in-process.ts), the default metrics ports and the boot-time processor
 * check derive from it; a spec checks docker-compose.yml against it. Stage order is STAGES'.
 * Adding a stage: docs/architecture.md, "How to add a stage".
 */
export const STAGE_REGISTRY = {
  generate: {
    app: 'generator',
    queue: 'generate',
    entryJob: JOB_NAMES.plan,
    metricsPort: 9101,
    reads: ['config generator.model'],
    writes: ['<dataRoot>/raw/<run>/*.csv'],
  },
  ingest: {
    app: 'ingestor',
    queue: 'ingest',
    entryJob: JOB_NAMES.plan,
    metricsPort: 9102,
    reads: ['<run inputDir>/*.csv'],
    writes: ['staging.customers', 'staging.products', 'staging.transactions', 'staging.transaction_items', 'ops.quarantine', 'ops.file_accounting'],
  },
  validate: {
    app: 'validator',
    queue: 'validate',
    entryJob: JOB_NAMES.run,
    metricsPort: 9103,
    reads: ['staging.*'],
    writes: ['ops.quality_checks', 'ops.quality_scores', 'ops.reject_rates', 'ops.run_profiles', 'typed scratch tables'],
  },
  transform: {
    app: 'transformer',
    queue: 'transform',
    entryJob: JOB_NAMES.run,
    metricsPort: 9104,
    reads: ['staging.*', 'typed scratch tables'],
    writes: ['production.customers', 'production.products', 'production.transactions', 'production.transaction_items', 'ops.quarantine', 'ops.run_profiles'],
  },
  warehouse: {
    app: 'warehouse-loader',
    queue: 'warehouse',
    entryJob: JOB_NAMES.run,
    metricsPort: 9105,
    reads: ['production.*'],
    writes: ['warehouse.dim_*', 'warehouse.fact_sales', 'warehouse.agg_*', 'ops.warehouse_loads'],
  },
  analytics: {
    app: 'analytics',
    queue: 'analytics',
    entryJob: JOB_NAMES.run,
    metricsPort: 9106,
    reads: ['warehouse.*'],
    writes: ['ops.analysis_results', '<dataRoot>/analyses/<run>/*', 'dashboard.*'],
  },
} as const satisfies Record<Stage, StageDefinition>;

/** BullMQ queue names; one queue per stage. */
export const QUEUES = Object.fromEntries(STAGES.map((stage) => [stage, STAGE_REGISTRY[stage].queue])) as { [S in Stage]: (typeof STAGE_REGISTRY)[S]['queue'] };

/** The first job a stage receives when a run reaches it. */
export const ENTRY_JOB: Record<Stage, string> = Object.fromEntries(STAGES.map((stage) => [stage, STAGE_REGISTRY[stage].entryJob])) as Record<Stage, string>;

/** The app of every stage, in stage order. */
export type StageApp = (typeof STAGE_REGISTRY)[Stage]['app'];
export const STAGE_APPS: readonly StageApp[] = STAGES.map((stage) => STAGE_REGISTRY[stage].app);

/** The stage a queue belongs to, or undefined for any other queue. */
export function stageOfQueue(queue: string): Stage | undefined {
  return STAGES.find((stage) => STAGE_REGISTRY[stage].queue === queue);
}

export function nextStage(stage: Stage): Stage | undefined {
  const index = STAGES.indexOf(stage);
  return STAGES[index + 1];
}

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/**
 * Deterministic job ids: a duplicate enqueue of the same work is a no-op while the job is kept.
 * BullMQ forbids ':' in custom ids, hence '-'.
 */
export function stageJobId(runId: string, stage: Stage): string {
  return `${runId}-${stage}`;
}

export function partJobId(runId: string, stage: Stage, taskKey: string): string {
  return `${runId}-${stage}-${taskKey.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/**
 * Job options shared by every producer: retries with backoff, bounded history. A job that runs out
 * of attempts while PostgreSQL is away does not fail its run; the api's reconciler retries it.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
