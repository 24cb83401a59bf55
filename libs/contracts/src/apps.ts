import { OPS_QUEUES } from './operations';
import { STAGES, STAGE_APPS, STAGE_REGISTRY, type StageApp } from './stages';

/** The HTTP control plane; no queue consumer runs in it. */
export const API_APP = 'api';

/**
 * The operations worker (apps/ops-worker): the schedules' ticks, monitoring evaluation, alert
 * delivery and retention, i.e. every operations queue; no stage.
 */
export const OPS_WORKER = {
  app: 'ops-worker',
  queues: Object.values(OPS_QUEUES) as readonly string[],
  metricsPort: 9107,
} as const;

/** Every worker app (one process each under `npm start`, one compose service each), stages first. */
export type WorkerApp = StageApp | typeof OPS_WORKER.app;
export const WORKER_APPS: readonly WorkerApp[] = [...STAGE_APPS, OPS_WORKER.app];

/** Each worker app's default /metrics port, as config metrics.workerPorts gets it when the file names none. */
export const WORKER_METRICS_PORTS: Record<WorkerApp, number> = {
  ...(Object.fromEntries(STAGES.map((stage) => [STAGE_REGISTRY[stage].app, STAGE_REGISTRY[stage].metricsPort])) as Record<StageApp, number>),
  [OPS_WORKER.app]: OPS_WORKER.metricsPort,
};

/** The queues an app's processors must consume: exactly one processor each (assertProcessors). */
export function queuesOfApp(app: string): string[] {
  if (app === OPS_WORKER.app) return [...OPS_WORKER.queues];
  return STAGES.filter((stage) => STAGE_REGISTRY[stage].app === app).map((stage) => STAGE_REGISTRY[stage].queue);
}

export function isWorkerApp(app: string): app is WorkerApp {
  return (WORKER_APPS as readonly string[]).includes(app);
}
