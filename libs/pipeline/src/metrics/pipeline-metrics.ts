import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The states of a BullMQ queue that make up its depth. */
export const QUEUE_DEPTH_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

/** Something that can count a queue's jobs: a BullMQ Queue. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: QueueDepthState[]): Promise<Record<string, number>>;
}

/** Job outcome as labelled on the duration histogram. */
export type JobOutcome = 'completed' | 'failed';

/**
 * Every metric of one process, in one registry. The api and the workers each run in their own
 * process in production; tools/in-process.ts runs them all in one, where they share this registry
 * (the stage label keeps their series apart), so nothing is ever registered twice.
 */
export class PipelineMetrics {
  readonly registry = new Registry();

  readonly jobsCompleted = new Counter({
    name: 'ecom_jobs_completed_total',
    help: 'Jobs that finished without error, per stage (queue) and job name',
    labelNames: ['stage', 'job'] as const,
    registers: [this.registry],
  });

  readonly jobsFailed = new Counter({
    name: 'ecom_jobs_failed_total',
    help: 'Job attempts that threw, per stage (queue) and job name; a retried job counts once per failed attempt',
    labelNames: ['stage', 'job'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'ecom_job_duration_seconds',
    help: 'Wall time of one job attempt, per stage (queue), job name and outcome',
    labelNames: ['stage', 'job', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  readonly rowsProcessed = new Counter({
    name: 'ecom_rows_processed_total',
    help: 'Rows a stage took in (rows in of its ledger record), per stage',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly rowsRejected = new Counter({
    name: 'ecom_rows_rejected_total',
    help: 'Rows a stage rejected to quarantine, per stage',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly qualityScore = new Gauge({
    name: 'ecom_quality_score',
    help: 'Quality score (0-100) of the last run this process validated',
    registers: [this.registry],
  });

  /** Queues whose depth this process reports, by name; the latest registration of a name wins. */
  private readonly depthSources = new Map<string, CountableQueue>();

  readonly queueDepth: Gauge<'queue' | 'state'>;

  constructor() {
    const sources = this.depthSources;
    this.queueDepth = new Gauge({
      name: 'ecom_queue_jobs',
      help: 'Jobs in a BullMQ queue per state, read from the queue store at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          [...sources.values()].map(async (queue) => {
            // A Redis hiccup must not take the whole scrape down; the queue's series are just absent.
            const counts = await queue.getJobCounts(...QUEUE_DEPTH_STATES).catch(() => undefined);
            if (!counts) return;
            for (const state of QUEUE_DEPTH_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports these queues' depths on every scrape until the returned function is called. */
  watchQueues(queues: readonly CountableQueue[]): () => void {
    for (const queue of queues) this.depthSources.set(queue.name, queue);
    return () => {
      for (const queue of queues) if (this.depthSources.get(queue.name) === queue) this.depthSources.delete(queue.name);
    };
  }

  /** Labels every series of this process, e.g. `app="ingestor"`. */
  setApp(app: string): void {
    this.registry.setDefaultLabels({ app });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let processMetrics: PipelineMetrics | undefined;

/** This process's metrics (created on first use). */
export function pipelineMetrics(): PipelineMetrics {
  processMetrics ??= new PipelineMetrics();
  return processMetrics;
}
