import { STAGES, STAGE_APPS, STAGE_REGISTRY, type StageApp } from './stages';

/** The HTTP control plane; no queue consumer runs in it. */
export const API_APP = 'api';

/** Every worker app (one process each under `npm start`, one compose service each), stages first. */
export type WorkerApp = StageApp;
export const WORKER_APPS: readonly WorkerApp[] = [...STAGE_APPS];

/** Each worker app's default /metrics port, as config metrics.workerPorts gets it when the file names none. */
export const WORKER_METRICS_PORTS: Record<WorkerApp, number> = Object.fromEntries(
  STAGES.map((stage) => [STAGE_REGISTRY[stage].app, STAGE_REGISTRY[stage].metricsPort]),
) as Record<WorkerApp, number>;

/** The queues an app's processors must consume: exactly one processor each (assertProcessors). */
export function queuesOfApp(app: string): string[] {
  return STAGES.filter((stage) => STAGE_REGISTRY[stage].app === app).map((stage) => STAGE_REGISTRY[stage].queue);
}

export function isWorkerApp(app: string): app is WorkerApp {
  return (WORKER_APPS as readonly string[]).includes(app);
}
