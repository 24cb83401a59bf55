/**
 * The pipeline's shape: stage order, the queue each stage consumes, and who hands off to whom.
 * Every app reads these names from here so a renamed queue cannot leave a stage without a consumer.
 */
export const STAGES = ['generate', 'ingest', 'validate', 'transform', 'warehouse', 'analytics'] as const;
export type Stage = (typeof STAGES)[number];

/** BullMQ queue names; one queue per stage. */
export const QUEUES: Record<Stage, string> = {
  generate: 'generate',
  ingest: 'ingest',
  validate: 'validate',
  transform: 'transform',
  warehouse: 'warehouse',
  analytics: 'analytics',
};

/** Job names inside a stage queue. Fan-out stages plan first, then process one job per part. */
export const JOB_NAMES = {
  run: 'run',
  plan: 'plan',
  part: 'part',
} as const;

/** The first job a stage receives when a run reaches it: fan-out stages start by planning their parts. */
export const ENTRY_JOB: Record<Stage, string> = {
  generate: JOB_NAMES.plan,
  ingest: JOB_NAMES.plan,
  validate: JOB_NAMES.run,
  transform: JOB_NAMES.run,
  warehouse: JOB_NAMES.run,
  analytics: JOB_NAMES.run,
};

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
