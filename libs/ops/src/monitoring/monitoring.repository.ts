import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Pool, type PoolClient } from 'pg';
import {
  ALERT_DELIVERY_JOB,
  OPS_QUEUES,
  OPS_WORKER,
  STAGE_REGISTRY,
  STAGES,
  alertDeliveryJobId,
  type AlertDeliveryJobData,
  type AlertSeverity,
  type Stage,
} from '@ecom/contracts';
import { AppConfig } from '@ecom/config';
import { runSqlFile, withTransaction } from '@ecom/db';
import { StageRuntime, pingQueueStore } from '@ecom/pipeline';
import type { AlertCondition } from './monitoring.types';

export interface LastSuccessRow {
  run_id: string;
  finished_at: Date;
  hours_ago: number;
}

export interface FailedRunRow {
  run_id: string;
  mode: string;
  failed_stage: string | null;
  error: string | null;
  finished_at: Date | null;
}

export interface StalledRunRow {
  run_id: string;
  status: string;
  mode: string;
  last_activity: Date;
  idle_minutes: number;
}

export interface LayerFreshnessRow {
  layer: 'staging' | 'production' | 'warehouse';
  loaded_at: Date | null;
  hours_ago: number | null;
}

export interface DailyCountRow {
  day: Date;
  transactions: number;
}

export interface QualityScoreRow {
  run_id: string;
  score: number;
  grade: string;
  threshold: number;
  passed: boolean;
}

export interface StageDurationRow {
  stage: string;
  run_id: string;
  status: string;
  mode: string;
  seconds: number;
  median_seconds: number | null;
  history: number;
}

export interface AlertRow {
  alert_id: string;
  alert_key: string;
  check_name: string;
  severity: AlertSeverity;
  status: 'open' | 'resolved';
  summary: string;
  detail: Record<string, unknown>;
  opened_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
}

export interface AlertListRow extends AlertRow {
  deliveries: Array<{
    event: string;
    channel: string;
    status: string;
    attempts: number;
    lastError: string | null;
    sentAt: string | null;
  }>;
}

export interface DeliveryRow extends AlertRow {
  delivery_status: 'pending' | 'sent' | 'failed';
  attempts: number;
}

/** What one queue holds right now, and its recent failures and long-running jobs. */
export interface QueueState {
  queue: string;
  /** The stage this queue feeds; undefined for the operations queues. */
  stage?: Stage;
  /** The app that must consume it (the registry's stage app, or the ops worker). */
  app: string;
  workers: number;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Failed within the window: job id, run (if any) and reason. */
  recentFailures: Array<{ jobId: string; name: string; runId?: string; reason: string; failedAt: string }>;
  /** Active for longer than the stuck threshold. */
  stuck: Array<{ jobId: string; name: string; runId?: string; activeMinutes: number }>;
}

/** Past this many, a failure or stuck job is counted but not listed. */
const JOBS_INSPECTED = 200;

/** The ledger, warehouse and queue reads behind the monitoring checks, and the alert tables. */
@Injectable()
export class MonitoringRepository {
  private readonly opsQueues: Queue[];

  constructor(
    private readonly pool: Pool,
    private readonly config: AppConfig,
    private readonly runtime: StageRuntime,
    @InjectQueue(OPS_QUEUES.schedules) schedules: Queue,
    @InjectQueue(OPS_QUEUES.monitoring) monitoring: Queue,
    @InjectQueue(OPS_QUEUES.retention) retention: Queue,
    @InjectQueue(OPS_QUEUES.alerts) private readonly alerts: Queue,
  ) {
    this.opsQueues = [schedules, monitoring, retention, alerts];
  }

  async lastSuccessfulRun(): Promise<LastSuccessRow | undefined> {
    return (await runSqlFile<LastSuccessRow>(this.pool, 'monitoring/last_successful_run')).rows[0];
  }

  async failedRunsSinceSuccess(): Promise<FailedRunRow[]> {
    return (await runSqlFile<FailedRunRow>(this.pool, 'monitoring/failed_runs_since_success')).rows;
  }

  async stalledRuns(idleMinutes: number): Promise<StalledRunRow[]> {
    return (await runSqlFile<StalledRunRow>(this.pool, 'monitoring/stalled_runs', [idleMinutes])).rows;
  }

  /** True when the dashboard's summaries were built and a crash of PostgreSQL emptied them. */
  async dashboardSummariesLost(): Promise<boolean> {
    return (await runSqlFile<{ lost: boolean }>(this.pool, 'dashboard/summaries_lost')).rows[0].lost;
  }

  async layerFreshness(): Promise<LayerFreshnessRow[]> {
    return (await runSqlFile<LayerFreshnessRow>(this.pool, 'monitoring/layer_freshness')).rows;
  }

  async dailyTransactionCounts(lookbackDays: number): Promise<DailyCountRow[]> {
    return (await runSqlFile<DailyCountRow>(this.pool, 'monitoring/daily_transaction_counts', [lookbackDays])).rows;
  }

  async latestQualityScore(): Promise<QualityScoreRow | undefined> {
    return (await runSqlFile<QualityScoreRow>(this.pool, 'monitoring/latest_quality_score')).rows[0];
  }

  async stageDurations(historyRuns: number): Promise<StageDurationRow[]> {
    return (await runSqlFile<StageDurationRow>(this.pool, 'monitoring/stage_durations', [historyRuns])).rows;
  }

  async failedRunsAmong(runIds: string[]): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    const { rows } = await runSqlFile<{ run_id: string }>(this.pool, 'monitoring/failed_runs_among', [runIds]);
    return new Set(rows.map((r) => r.run_id));
  }

  /** Round trip to PostgreSQL in ms. */
  async pingPostgres(): Promise<number> {
    const started = performance.now();
    await runSqlFile(this.pool, 'api/database_ping');
    return performance.now() - started;
  }

  /** Round trip to the queue store (Redis or PostgreSQL) in ms, through the connection that produces runs. */
  async pingQueueStore(): Promise<number> {
    const started = performance.now();
    await pingQueueStore(this.runtime.queue('generate'));
    return performance.now() - started;
  }

  /** Every stage queue and every operations queue. */
  async queueStates(now: number): Promise<QueueState[]> {
    const queues: Array<{ queue: Queue; stage?: Stage; app: string }> = [
      ...STAGES.map((stage) => ({ queue: this.runtime.queue(stage), stage, app: STAGE_REGISTRY[stage].app as string })),
      ...this.opsQueues.map((queue) => ({ queue, app: OPS_WORKER.app as string })),
    ];
    const windowStart = now - this.config.monitoring.failedJobsWindowMinutes * 60_000;
    const stuckBefore = now - this.config.monitoring.stalledJobMinutes * 60_000;
    return Promise.all(
      queues.map(async ({ queue, stage, app }) => {
        const [counts, workers, failedJobs, activeJobs] = await Promise.all([
          queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
          queue.getWorkersCount(),
          queue.getFailed(0, JOBS_INSPECTED - 1),
          queue.getActive(0, JOBS_INSPECTED - 1),
        ]);
        const runOf = (data: unknown) => (typeof (data as { runId?: unknown })?.runId === 'string' ? (data as { runId: string }).runId : undefined);
        return {
          queue: queue.name,
          stage,
          app,
          workers,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          recentFailures: failedJobs
            .filter((job) => job && (job.finishedOn ?? 0) >= windowStart)
            .map((job) => ({
              jobId: String(job.id),
              name: job.name,
              runId: runOf(job.data),
              reason: job.failedReason ?? '',
              failedAt: new Date(job.finishedOn ?? now).toISOString(),
            })),
          stuck: activeJobs
            .filter((job) => job && job.processedOn !== undefined && job.processedOn < stuckBefore)
            .map((job) => ({
              jobId: String(job.id),
              name: job.name,
              runId: runOf(job.data),
              activeMinutes: Math.round((now - (job.processedOn ?? now)) / 60_000),
            })),
        };
      }),
    );
  }

  /**
   * Opens the alerts of the conditions that hold and resolves those of the evaluated checks that
   * cleared, in one transaction under a lock; queues one delivery per event and channel.
   */
  async reconcileAlerts(
    conditions: AlertCondition[],
    evaluatedChecks: string[],
    channels: ReadonlyArray<'webhook' | 'email'>,
  ): Promise<{ opened: string[]; resolved: string[] }> {
    return withTransaction(this.pool, async (client) => {
      await runSqlFile(client, 'monitoring/alerts_lock');
      const opened: string[] = [];
      for (const condition of conditions) {
        const { rows } = await runSqlFile<{ alert_id: string; opened: boolean }>(client, 'monitoring/open_alert', [
          condition.key,
          condition.check,
          condition.severity,
          condition.summary,
          JSON.stringify(condition.detail),
        ]);
        if (rows[0].opened) opened.push(rows[0].alert_id);
      }
      const { rows: cleared } = await runSqlFile<{ alert_id: string }>(client, 'monitoring/resolve_cleared_alerts', [
        evaluatedChecks,
        conditions.map((c) => c.key),
      ]);
      const resolved = cleared.map((r) => r.alert_id);
      await this.addDeliveries(client, opened, 'opened', channels);
      await this.addDeliveries(client, resolved, 'resolved', channels);
      return { opened, resolved };
    });
  }

  private async addDeliveries(client: PoolClient, alertIds: string[], event: 'opened' | 'resolved', channels: ReadonlyArray<string>) {
    for (const alertId of alertIds) {
      for (const channel of channels) await runSqlFile(client, 'monitoring/add_alert_delivery', [alertId, event, channel]);
    }
  }

  /**
   * Queues every delivery not yet sent nor given up. Deterministic job ids make a delivery that
   * is already queued a no-op, and one whose enqueue was lost (Redis away) goes out next time.
   */
  async enqueuePendingDeliveries(): Promise<number> {
    const { rows } = await runSqlFile<AlertDeliveryJobData & { alert_id: string }>(this.pool, 'monitoring/pending_alert_deliveries');
    const { deliveryAttempts, deliveryBackoffMs } = this.config.alerts;
    await this.alerts.addBulk(
      rows.map((row) => {
        const data: AlertDeliveryJobData = { alertId: row.alert_id, event: row.event, channel: row.channel };
        return {
          name: ALERT_DELIVERY_JOB,
          data,
          opts: {
            jobId: alertDeliveryJobId(data),
            attempts: deliveryAttempts,
            backoff: { type: 'exponential', delay: deliveryBackoffMs },
            removeOnComplete: { age: 7 * 24 * 3600 },
            removeOnFail: { age: 30 * 24 * 3600 },
          },
        };
      }),
    );
    return rows.length;
  }

  async delivery(data: AlertDeliveryJobData): Promise<DeliveryRow | undefined> {
    return (await runSqlFile<DeliveryRow>(this.pool, 'monitoring/alert_delivery', [data.alertId, data.event, data.channel])).rows[0];
  }

  async recordDeliveryAttempt(data: AlertDeliveryJobData, status: 'sent' | 'pending' | 'failed', error: string | null): Promise<void> {
    await runSqlFile(this.pool, 'monitoring/record_delivery_attempt', [data.alertId, data.event, data.channel, status, error]);
  }

  async listAlerts(status: 'open' | 'resolved' | null, limit: number): Promise<AlertListRow[]> {
    return (await runSqlFile<AlertListRow>(this.pool, 'monitoring/alerts_list', [status, limit])).rows;
  }

  async storeSnapshot(score: number, status: string, checks: object): Promise<void> {
    await runSqlFile(this.pool, 'monitoring/store_snapshot', [score, status, JSON.stringify(checks)]);
  }
}
