import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import { queueStoreLocation, withinTimeout } from '@ecom/pipeline';
import { OPS_QUEUES, type AlertChannel } from '@ecom/contracts';
import type {
  AlertCondition,
  AlertList,
  AlertView,
  CheckResult,
  CheckStatus,
  EvaluationReport,
  HealthStatus,
  MonitoringReport,
} from './monitoring.types';
import { MonitoringRepository, type AlertListRow, type QueueState } from './monitoring.repository';
import { median, robustZScore } from './robust-stats';

interface CheckOutcome {
  result: CheckResult;
  conditions: AlertCondition[];
  /** False when the check itself failed: its open alerts are neither confirmed nor resolved. */
  evaluated: boolean;
}

/** How much each check weighs in the health score. */
const WEIGHTS: Record<string, number> = {
  failed_runs: 3,
  stalled_runs: 3,
  last_success: 2,
  freshness: 2,
  quality: 2,
  queues: 2,
  postgres: 2,
  queue_store: 2,
  volume: 1,
  stage_duration: 1,
  dashboard: 1,
};

const STATUS_VALUE: Record<Exclude<CheckStatus, 'unknown'>, number> = { ok: 1, warning: 0.5, critical: 0 };

/** What stops while an operations queue has no consumer, for the queue_no_worker alert. */
const OPS_QUEUE_ROLE: Record<string, string> = {
  [OPS_QUEUES.schedules]: 'the pipeline schedule does not start runs',
  [OPS_QUEUES.monitoring]: 'the monitoring schedule does not evaluate or alert',
  [OPS_QUEUES.retention]: 'the retention schedule does not delete anything',
  [OPS_QUEUES.alerts]: 'alerts are not delivered',
};

/** Earlier successful runs of a stage that its newest duration is compared with. */
const STAGE_HISTORY_RUNS = 20;

/**
 * The queue-store check was called `redis` while Redis was the only store. Counting it as evaluated
 * too resolves alerts it left open (`redis_slow`, `redis_unreachable`), which nothing else would.
 */
const RENAMED_CHECKS: Record<string, string[]> = { queue_store: ['redis'] };

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function worst(statuses: CheckStatus[]): CheckStatus {
  if (statuses.includes('critical')) return 'critical';
  if (statuses.includes('warning')) return 'warning';
  return statuses.every((s) => s === 'unknown') && statuses.length > 0 ? 'unknown' : 'ok';
}

function statusOf(conditions: AlertCondition[]): CheckStatus {
  return worst(conditions.map((c) => c.severity));
}

export function toAlertView(row: AlertListRow): AlertView {
  return {
    alertId: row.alert_id,
    key: row.alert_key,
    check: row.check_name,
    severity: row.severity,
    status: row.status,
    summary: row.summary,
    detail: row.detail,
    openedAt: row.opened_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    deliveries: row.deliveries.map((d) => ({
      event: d.event as 'opened' | 'resolved',
      channel: d.channel as AlertChannel,
      status: d.status as 'pending' | 'sent' | 'failed',
      attempts: d.attempts,
      lastError: d.lastError,
      sentAt: d.sentAt,
    })),
  };
}

/**
 * The monitoring checks: what GET /monitoring shows and what the monitoring schedule turns into
 * alerts. Each check gives a status and the alert conditions it found; one key per condition.
 */
@Injectable()
export class MonitoringService {
  private readonly logger = new Logger(MonitoringService.name);
  /** When each stage queue was first seen with no worker (stageIdleMinutes). */
  private readonly idleSince = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly monitoring: MonitoringRepository,
  ) {}

  /** The channels alerts go to, as configured. */
  channels(): AlertChannel[] {
    return [...(this.config.alerts.webhookUrl ? (['webhook'] as const) : []), ...(this.config.alerts.email ? (['email'] as const) : [])];
  }

  /** Evaluates every check; reads only. */
  async report(): Promise<MonitoringReport> {
    const { report } = await this.evaluate();
    return report;
  }

  /**
   * Evaluates, opens an alert per new condition and resolves the cleared ones (each sending one
   * message per channel), and stores a snapshot. What the monitoring schedule runs.
   */
  async evaluateAndAlert(): Promise<EvaluationReport> {
    const { report, outcomes } = await this.evaluate();
    const conditions = outcomes.flatMap((o) => o.conditions);
    const evaluated = outcomes.filter((o) => o.evaluated).flatMap((o) => [o.result.name, ...(RENAMED_CHECKS[o.result.name] ?? [])]);
    const { opened, resolved } = await this.monitoring.reconcileAlerts(conditions, evaluated, this.channels());
    await this.monitoring.enqueuePendingDeliveries();
    await this.monitoring.storeSnapshot(report.score, report.status, report.checks);
    if (opened.length > 0 || resolved.length > 0) {
      this.logger.log(`monitoring: ${report.status} (${report.score}); alerts opened ${opened.length}, resolved ${resolved.length}`);
    }
    const openAlerts = (await this.monitoring.listAlerts('open', 200)).map(toAlertView);
    return { ...report, openAlerts, opened, resolved };
  }

  async alerts(status: 'open' | 'resolved' | 'all', limit: number): Promise<AlertList> {
    return { alerts: (await this.monitoring.listAlerts(status === 'all' ? null : status, limit)).map(toAlertView) };
  }

  private async evaluate(): Promise<{ report: MonitoringReport; outcomes: CheckOutcome[] }> {
    const now = Date.now();
    const checks: Array<[string, () => Promise<Omit<CheckOutcome, 'evaluated'>>]> = [
      ['failed_runs', () => this.failedRuns()],
      ['stalled_runs', () => this.stalledRuns()],
      ['last_success', () => this.lastSuccess()],
      ['freshness', () => this.freshness()],
      ['volume', () => this.volume()],
      ['quality', () => this.quality()],
      ['stage_duration', () => this.stageDuration()],
      ['dashboard', () => this.dashboard()],
      ['queues', () => this.queues(now)],
      ['postgres', () => this.latency('postgres', 'PostgreSQL', () => this.monitoring.pingPostgres())],
      ['queue_store', () => this.latency('queue_store', this.queueStoreLabel, () => this.monitoring.pingQueueStore(), queueStoreLocation(this.config))],
    ];
    const outcomes = await Promise.all(
      checks.map(async ([name, check]): Promise<CheckOutcome> => {
        try {
          return { ...(await check()), evaluated: true };
        } catch (error) {
          const message = `could not evaluate: ${(error as Error).message}`;
          this.logger.warn(`monitoring check ${name} ${message}`);
          return { result: { name, status: 'unknown', message }, conditions: [], evaluated: false };
        }
      }),
    );
    const results = outcomes.map((o) => o.result);
    const known = results.filter((r) => r.status !== 'unknown');
    const weight = (r: CheckResult) => WEIGHTS[r.name] ?? 1;
    const total = known.reduce((sum, r) => sum + weight(r), 0);
    const earned = known.reduce((sum, r) => sum + weight(r) * STATUS_VALUE[r.status as Exclude<CheckStatus, 'unknown'>], 0);
    const score = total > 0 ? round((100 * earned) / total) : 100;
    const overall = worst(results.map((r) => r.status));
    const status: HealthStatus = overall === 'critical' ? 'critical' : overall === 'warning' ? 'degraded' : 'ok';
    const openAlerts = (await this.monitoring.listAlerts('open', 200)).map(toAlertView);
    return { report: { status, score, evaluatedAt: new Date(now).toISOString(), checks: results, openAlerts }, outcomes };
  }

  private async failedRuns(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const failed = await this.monitoring.failedRunsSinceSuccess();
    const conditions = failed.map(
      (run): AlertCondition => ({
        key: `run_failed:${run.run_id}`,
        check: 'failed_runs',
        severity: 'critical',
        summary: `run ${run.run_id} (${run.mode}) failed${run.failed_stage ? ` at ${run.failed_stage}` : ''}: ${run.error ?? 'no error recorded'}`,
        detail: { runId: run.run_id, mode: run.mode, failedStage: run.failed_stage, error: run.error, finishedAt: run.finished_at },
      }),
    );
    return {
      result: {
        name: 'failed_runs',
        status: statusOf(conditions),
        message: failed.length === 0 ? 'no failed run since the last successful one' : `${failed.length} run(s) failed since the last successful one`,
        details: { runs: failed.map((r) => r.run_id) },
      },
      conditions,
    };
  }

  private async stalledRuns(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const limit = this.config.monitoring.stalledRunMinutes;
    const stalled = await this.monitoring.stalledRuns(limit);
    const conditions = stalled.map(
      (run): AlertCondition => ({
        key: `run_stalled:${run.run_id}`,
        check: 'stalled_runs',
        severity: 'critical',
        summary: `run ${run.run_id} is ${run.status} with no progress for ${Math.round(run.idle_minutes)} min (limit ${limit}); no other run can start`,
        detail: { runId: run.run_id, status: run.status, mode: run.mode, lastActivity: run.last_activity, idleMinutes: round(run.idle_minutes) },
      }),
    );
    return {
      result: {
        name: 'stalled_runs',
        status: statusOf(conditions),
        message: stalled.length === 0 ? `no run without progress for ${limit} min` : `${stalled.length} run(s) without progress for ${limit} min`,
        details: { runs: stalled.map((r) => r.run_id), limitMinutes: limit },
      },
      conditions,
    };
  }

  private async lastSuccess(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const limit = this.config.monitoring.lastSuccessMaxHours;
    const last = await this.monitoring.lastSuccessfulRun();
    if (!last) return { result: { name: 'last_success', status: 'unknown', message: 'no run has succeeded yet' }, conditions: [] };
    const hours = round(last.hours_ago);
    const details = { runId: last.run_id, finishedAt: last.finished_at.toISOString(), hoursAgo: hours, limitHours: limit };
    if (last.hours_ago <= limit) {
      return { result: { name: 'last_success', status: 'ok', message: `last successful run ${hours} h ago`, details }, conditions: [] };
    }
    const summary = `no successful run for ${hours} h (limit ${limit} h); the last was ${last.run_id}`;
    return {
      result: { name: 'last_success', status: 'critical', message: summary, details },
      conditions: [{ key: 'last_success', check: 'last_success', severity: 'critical', summary, detail: details }],
    };
  }

  /** The dashboard's summaries are UNLOGGED (migration 0057): a crash of PostgreSQL empties them until the next run. */
  private async dashboard(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    if (!(await this.monitoring.dashboardSummariesLost())) {
      return { result: { name: 'dashboard', status: 'ok', message: 'the dashboard summaries are in place, or were never built' }, conditions: [] };
    }
    const summary = "the dashboard's summaries were emptied by a crash of PostgreSQL: every chart is empty until the next run rebuilds them";
    return {
      result: { name: 'dashboard', status: 'warning', message: summary },
      conditions: [{ key: 'dashboard_summaries_lost', check: 'dashboard', severity: 'warning', summary, detail: {} }],
    };
  }

  private async freshness(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const limits = this.config.monitoring.freshnessMaxHours;
    const layers = await this.monitoring.layerFreshness();
    const conditions: AlertCondition[] = [];
    const details: Record<string, unknown> = {};
    for (const layer of layers) {
      const limit = limits[layer.layer];
      details[layer.layer] = { loadedAt: layer.loaded_at?.toISOString() ?? null, hoursAgo: layer.hours_ago === null ? null : round(layer.hours_ago), limitHours: limit };
      if (layer.hours_ago !== null && layer.hours_ago > limit) {
        conditions.push({
          key: `freshness:${layer.layer}`,
          check: 'freshness',
          severity: 'warning',
          summary: `${layer.layer} was last loaded ${round(layer.hours_ago)} h ago (limit ${limit} h)`,
          detail: { layer: layer.layer, loadedAt: layer.loaded_at, hoursAgo: round(layer.hours_ago), limitHours: limit },
        });
      }
    }
    const neverLoaded = layers.filter((l) => l.loaded_at === null).map((l) => l.layer);
    const status = conditions.length > 0 ? statusOf(conditions) : neverLoaded.length === layers.length ? 'unknown' : 'ok';
    const message =
      conditions.length > 0
        ? conditions.map((c) => c.summary).join('; ')
        : neverLoaded.length === layers.length
          ? 'no layer has been loaded yet'
          : `every loaded layer is within its limit${neverLoaded.length ? ` (never loaded: ${neverLoaded.join(', ')})` : ''}`;
    return { result: { name: 'freshness', status, message, details }, conditions };
  }

  private async volume(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const { volumeLookbackDays, volumeMinDays, volumeZThreshold } = this.config.monitoring;
    const days = await this.monitoring.dailyTransactionCounts(volumeLookbackDays);
    if (days.length - 1 < volumeMinDays) {
      return {
        result: { name: 'volume', status: 'unknown', message: `${Math.max(0, days.length - 1)} day(s) of history; the volume check needs ${volumeMinDays}` },
        conditions: [],
      };
    }
    const latest = days[days.length - 1];
    const history = days.slice(0, -1).map((d) => d.transactions);
    const z = robustZScore(latest.transactions, history);
    const day = latest.day.toISOString().slice(0, 10);
    const details = {
      day,
      transactions: latest.transactions,
      median: median(history),
      historyDays: history.length,
      robustZ: Number.isFinite(z) ? round(z, 2) : String(z),
      threshold: volumeZThreshold,
    };
    if (Math.abs(z) <= volumeZThreshold) {
      return { result: { name: 'volume', status: 'ok', message: `${day}: ${latest.transactions} transactions, robust z ${details.robustZ}`, details }, conditions: [] };
    }
    const direction = latest.transactions < details.median ? 'drop' : 'spike';
    const summary = `transaction volume ${direction} on ${day}: ${latest.transactions} against a median of ${details.median} over ${history.length} days (robust z ${details.robustZ}, limit ±${volumeZThreshold})`;
    return {
      result: { name: 'volume', status: 'warning', message: summary, details },
      conditions: [{ key: 'volume_anomaly', check: 'volume', severity: 'warning', summary, detail: details }],
    };
  }

  private async quality(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const latest = await this.monitoring.latestQualityScore();
    if (!latest) return { result: { name: 'quality', status: 'unknown', message: 'no run has a quality score yet' }, conditions: [] };
    const details = { runId: latest.run_id, score: latest.score, grade: latest.grade, threshold: latest.threshold };
    if (latest.score >= latest.threshold) {
      return { result: { name: 'quality', status: 'ok', message: `run ${latest.run_id} scored ${latest.score} (${latest.grade})`, details }, conditions: [] };
    }
    const summary = `quality score of run ${latest.run_id} is ${latest.score} (${latest.grade}), under the threshold ${latest.threshold}`;
    return {
      result: { name: 'quality', status: 'warning', message: summary, details },
      conditions: [{ key: 'quality_below_threshold', check: 'quality', severity: 'warning', summary, detail: details }],
    };
  }

  private async stageDuration(): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const { stageDurationFactor, stageDurationMinSeconds, stageDurationMinHistory } = this.config.monitoring;
    const stages = await this.monitoring.stageDurations(STAGE_HISTORY_RUNS);
    const conditions: AlertCondition[] = [];
    const details: Record<string, unknown> = {};
    for (const s of stages) {
      const judged = s.history >= stageDurationMinHistory && s.median_seconds !== null;
      details[s.stage] = { runId: s.run_id, status: s.status, seconds: round(s.seconds), medianSeconds: s.median_seconds === null ? null : round(s.median_seconds), history: s.history };
      if (!judged || s.median_seconds === null) continue;
      const limit = Math.max(stageDurationMinSeconds, stageDurationFactor * s.median_seconds);
      if (s.seconds > limit) {
        const verb = s.status === 'running' ? 'has been running for' : 'took';
        conditions.push({
          key: `stage_slow:${s.stage}`,
          check: 'stage_duration',
          severity: 'warning',
          summary: `${s.stage} of run ${s.run_id} ${verb} ${round(s.seconds)} s, ${round(s.seconds / s.median_seconds)}x its median of ${round(s.median_seconds)} s over ${s.history} ${s.mode} runs`,
          detail: { stage: s.stage, runId: s.run_id, seconds: round(s.seconds), medianSeconds: round(s.median_seconds), limitSeconds: round(limit) },
        });
      }
    }
    const status = conditions.length > 0 ? statusOf(conditions) : stages.some((s) => s.history >= stageDurationMinHistory) ? 'ok' : 'unknown';
    const message =
      conditions.length > 0
        ? conditions.map((c) => c.summary).join('; ')
        : status === 'ok'
          ? 'every stage within its own history'
          : `fewer than ${stageDurationMinHistory} earlier runs per stage to compare with`;
    return { result: { name: 'stage_duration', status, message, details }, conditions };
  }

  private async queues(now: number): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const { queueBacklogMax, failedJobsWindowMinutes, stalledJobMinutes, noWorkerMinutes } = this.config.monitoring;
    const states = await withinTimeout(this.queueStoreLabel, this.monitoring.queueStates(now));
    // Failed jobs of a failed run are that run's alert already; one problem, one alert.
    const failedRuns = await this.monitoring.failedRunsAmong([
      ...new Set(states.flatMap((s) => s.recentFailures.map((f) => f.runId).filter((id): id is string => id !== undefined))),
    ]);
    const conditions: AlertCondition[] = [];
    for (const state of states) {
      const failures = state.recentFailures.filter((f) => !f.runId || !failedRuns.has(f.runId));
      // A failed alert delivery cannot be announced through the channel that failed; it shows here and in GET /monitoring/alerts.
      if (failures.length > 0 && state.queue !== OPS_QUEUES.alerts) {
        conditions.push({
          key: `queue_failed_jobs:${state.queue}`,
          check: 'queues',
          severity: 'warning',
          summary: `${failures.length} job(s) failed on queue ${state.queue} in the last ${failedJobsWindowMinutes} min; latest: ${failures[0].name} ${failures[0].jobId}: ${failures[0].reason}`,
          detail: { queue: state.queue, failures: failures.slice(0, 10) },
        });
      }
      if (state.stuck.length > 0) {
        conditions.push({
          key: `queue_stuck_jobs:${state.queue}`,
          check: 'queues',
          severity: 'warning',
          summary: `${state.stuck.length} job(s) active on queue ${state.queue} for more than ${stalledJobMinutes} min; oldest ${state.stuck[0].jobId}`,
          detail: { queue: state.queue, stuck: state.stuck.slice(0, 10) },
        });
      }
      const idleMinutes = this.stageIdleMinutes(state, now);
      if (state.workers === 0 && (state.waiting > 0 || idleMinutes >= noWorkerMinutes)) {
        // One key whether or not a job waits yet: a run reaching the stage turns the same alert worse, not a second one.
        conditions.push({
          key: `queue_no_worker:${state.queue}`,
          check: 'queues',
          severity: 'critical',
          summary:
            state.waiting > 0
              ? `${state.waiting} job(s) wait on queue ${state.queue} and no worker consumes it`
              : state.stage
                ? `no worker has consumed stage ${state.stage} (queue ${state.queue}) for ${round(idleMinutes)} min: a run would stop there`
                : `no ${state.app} has consumed queue ${state.queue} for ${round(idleMinutes)} min: ${OPS_QUEUE_ROLE[state.queue] ?? 'its jobs wait'}`,
          detail: { queue: state.queue, stage: state.stage, app: state.app, waiting: state.waiting, idleMinutes: round(idleMinutes) },
        });
      } else if (state.waiting > queueBacklogMax) {
        conditions.push({
          key: `queue_backlog:${state.queue}`,
          check: 'queues',
          severity: 'warning',
          summary: `${state.waiting} job(s) wait on queue ${state.queue} (limit ${queueBacklogMax}) with ${state.workers} worker(s)`,
          detail: { queue: state.queue, waiting: state.waiting, workers: state.workers },
        });
      }
    }
    const details = Object.fromEntries(
      states.map((s) => [
        s.queue,
        { workers: s.workers, waiting: s.waiting, active: s.active, delayed: s.delayed, failed: s.failed, recentFailures: s.recentFailures.length, stuck: s.stuck.length },
      ]),
    );
    return {
      result: {
        name: 'queues',
        status: statusOf(conditions),
        message: conditions.length === 0 ? `${states.length} queues: no recent failures, stuck jobs or backlog` : conditions.map((c) => c.summary).join('; '),
        details,
      },
      conditions,
    };
  }

  /**
   * Minutes a queue (a stage's, or an operations queue the ops worker consumes) has been seen
   * without a worker, by this process; 0 while it has one. Measured from the first evaluation that
   * saw it idle, so a worker the launcher restarts within seconds, or workers still starting with
   * the api, do not alert. A missing ops worker alerts only where its evaluation runs: GET
   * /monitoring and POST /monitoring/evaluate in the api (its own schedule cannot fire), and /health.
   */
  private stageIdleMinutes(state: QueueState, now: number): number {
    if (state.workers > 0) {
      this.idleSince.delete(state.queue);
      return 0;
    }
    const since = this.idleSince.get(state.queue) ?? now;
    this.idleSince.set(state.queue, since);
    return (now - since) / 60_000;
  }

  /** Redis, or PostgreSQL holding the queues (QUEUE_BACKEND=postgres), in messages. */
  private get queueStoreLabel(): string {
    return this.config.queueBackend === 'postgres' ? 'The PostgreSQL queue store' : 'Redis';
  }

  private async latency(
    name: 'postgres' | 'queue_store',
    label: string,
    ping: () => Promise<number>,
    about: Record<string, string> = {},
  ): Promise<Omit<CheckOutcome, 'evaluated'>> {
    const limit = this.config.monitoring.latencyWarnMs;
    let latencyMs: number;
    try {
      latencyMs = round(await withinTimeout(label, ping()));
    } catch (error) {
      const summary = `${label} is unreachable: ${(error as Error).message}`;
      return {
        result: { name, status: 'critical', message: summary, details: { ...about } },
        conditions: [{ key: `${name}_unreachable`, check: name, severity: 'critical', summary, detail: { ...about, error: (error as Error).message } }],
      };
    }
    const details = { ...about, latencyMs, limitMs: limit };
    if (latencyMs <= limit) return { result: { name, status: 'ok', message: `${label} answered in ${latencyMs} ms`, details }, conditions: [] };
    const summary = `${label} answered in ${latencyMs} ms (limit ${limit} ms)`;
    return {
      result: { name, status: 'warning', message: summary, details },
      conditions: [{ key: `${name}_slow`, check: name, severity: 'warning', summary, detail: details }],
    };
  }
}
