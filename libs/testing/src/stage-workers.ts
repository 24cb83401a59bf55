import { Worker } from 'bullmq';
import type { AppConfig } from '@ecom/config';
import { QUEUES, type Stage } from '@ecom/contracts';
import { closeQueueConnection, queueConnection } from '@ecom/pipeline';

export interface StageWorkers {
  /** The workers in the order of the queues asked for. */
  workers: Worker[];
  /** Closes every worker, then gives back their connection. */
  close(): Promise<void>;
}

/**
 * Real BullMQ workers on the given queues that finish every job at once: what the api's health
 * and monitoring see as a live consumer, without running the work.
 */
export async function startQueueWorkers(config: AppConfig, queues: readonly string[]): Promise<StageWorkers> {
  const connection = queueConnection(config);
  const workers = queues.map((queue) => new Worker(queue, async () => undefined, { connection, prefix: config.queuePrefix }));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await closeQueueConnection(connection);
    },
  };
}

/** startQueueWorkers on the given stages' queues: "a live worker per stage", without running the stages. */
export function startStageWorkers(config: AppConfig, stages: readonly Stage[]): Promise<StageWorkers> {
  return startQueueWorkers(config, stages.map((stage) => QUEUES[stage]));
}
