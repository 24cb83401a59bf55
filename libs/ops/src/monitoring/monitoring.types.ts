import type { AlertChannel, AlertEvent, AlertSeverity } from '@ecom/contracts';

// What the monitoring checks report: GET /monitoring, the monitoring schedule's job result, the alerts.

export type CheckStatus = 'ok' | 'warning' | 'critical' | 'unknown';
export type HealthStatus = 'ok' | 'degraded' | 'critical';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What the check found, in words. */
  message: string;
  details?: Record<string, unknown>;
}

/** A condition worth an alert; the key identifies it while it lasts. */
export interface AlertCondition {
  key: string;
  check: string;
  severity: AlertSeverity;
  summary: string;
  detail: Record<string, unknown>;
}

export interface AlertDeliveryView {
  event: AlertEvent;
  channel: AlertChannel;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

export interface AlertView {
  alertId: string;
  key: string;
  check: string;
  severity: AlertSeverity;
  status: 'open' | 'resolved';
  summary: string;
  detail: Record<string, unknown>;
  openedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  deliveries: AlertDeliveryView[];
}

export interface MonitoringReport {
  /** ok: every check passes; degraded: a warning; critical: a critical check. */
  status: HealthStatus;
  /** 0-100: the checks' weighted mean, ok 1, warning 0.5, critical 0 (unknown checks left out). */
  score: number;
  evaluatedAt: string;
  checks: CheckResult[];
  openAlerts: AlertView[];
}

export interface EvaluationReport extends MonitoringReport {
  /** Alert ids opened and resolved by this evaluation. */
  opened: string[];
  resolved: string[];
}

export interface AlertList {
  alerts: AlertView[];
}
