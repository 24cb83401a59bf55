import type { Job } from 'bullmq';
import { withJobLogContext } from '../logging/logger';
import { pipelineMetrics } from './pipeline-metrics';

/**
 * Runs one job attempt with its run id, stage and job id on every log line, and counts it:
 * completed or failed, and its duration, labelled with the stage (the queue's name).
 */
export async function observeJob<T>(job: Job, work: () => Promise<T>): Promise<T> {
  const stage = job.queueName;
  const runId = typeof job.data?.runId === 'string' ? (job.data.runId as string) : undefined;
  const metrics = pipelineMetrics();
  const labels = { stage, job: job.name };
  const stopTimer = metrics.jobDuration.startTimer(labels);
  try {
    const result = await withJobLogContext({ runId, stage, jobId: job.id }, work);
    metrics.jobsCompleted.inc(labels);
    stopTimer({ outcome: 'completed' });
    return result;
  } catch (error) {
    metrics.jobsFailed.inc(labels);
    stopTimer({ outcome: 'failed' });
    throw error;
  }
}
