import type { MappedRunReport } from './mapping-report';
import type { RejectTotals } from './rejects';
import type { RunProfile } from './run-profile';
import type { RunMode } from './run-request';
import type { RunStatus, Stage, StageStatus } from './stages';

/** GET /runs/:id — what the CLI, the bench and the dashboard read about one run. */
export interface RunReport {
  runId: string;
  mode: RunMode;
  status: RunStatus;
  failedStage: string | null;
  error: string | null;
  params: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  stages: StageReport[];
  files: FileReport[];
  /**
   * Input files of the four the run's folder did not have (a delta of new orders only has no
   * customers.csv or products.csv): nothing of those entities was read or changed. Absent, not
   * files of zero lines; empty until ingest has succeeded, and for rebuilds.
   */
  absentFiles?: string[];
  quality: QualitySummary | null;
  rejectsByReason: Array<{ stage: string; reasonCode: string; count: number }>;
  /** The run's rejects, how many a replay has resolved since, and for a replay run what it resolved. */
  rejectTotals?: RejectTotals;
  /** docs/contract.md section 3: true when every file and every finished stage adds up. */
  accountingBalanced: boolean;
  /** The data's measured shape (GET /runs/:id/profile), once the validate stage has profiled it. */
  profile?: RunProfile | null;
  /** A mapped run's control totals, source beside warehouse (docs/mappings.md); null for other runs. */
  mapping?: MappedRunReport | null;
}

export interface StageReport {
  stage: Stage;
  status: StageStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  rowsIn: number | null;
  rowsOut: number | null;
  rowsRejected: number | null;
  tasksTotal: number | null;
  tasksDone: number;
  progress: Record<string, unknown> | null;
  detail: Record<string, unknown>;
  error: string | null;
}

export interface FileReport {
  sourceFile: string;
  entity: string;
  /** Records read (a blank line is no record): rowsLanded + rowsQuarantined. */
  linesRead: number;
  rowsLanded: number;
  rowsQuarantined: number;
  /** Blank lines skipped, wherever they are in the file (docs/contract.md section 3). */
  blankLines: number;
}

/** One entity's rejects in one run, every stage together, against its limit (ops.reject_rates). */
export interface EntityRejectRate {
  entity: string;
  /** Records read from the entity's input files. */
  records: number;
  ingestRejects: number;
  transformRejects: number;
  /** (ingestRejects + transformRejects) / records, 0..1. */
  rejectRate: number;
  /** The limit in force (quality.maxRejectPercent.<entity>), in percent; null: none. */
  maxRejectPercent: number | null;
  passed: boolean;
  /** The most frequent reasons, most first (at most three). */
  topReasons: Array<{ reason: string; count: number }>;
}

/**
 * The run's quality verdict. score and grade are the whole run's: the lower of the staging checks'
 * score (the validator's) and 100 × (1 − the worst entity's reject rate over every stage), so a
 * run that lost most of its orders cannot grade A. passed: the validator passed the run and no
 * entity is over its reject limit.
 */
export interface QualitySummary {
  score: number;
  grade: string;
  threshold: number;
  passed: boolean;
  /** The validator's score and grade of the staging checks alone. */
  stagingScore: number;
  stagingGrade: string;
  /** Per entity, once the transform measured them; empty before. */
  rejectRates: EntityRejectRate[];
}

/** Where a check ran: the validator on staging, transform and warehouse on the layer they wrote. */
export type QualityCheckStage = 'validate' | 'transform' | 'warehouse';

/** ops.quality_checks.status: fail = an error check over its threshold; warn = any other violation. */
export type QualityCheckStatus = 'pass' | 'warn' | 'fail';

export interface QualityCheckReport {
  checkName: string;
  /** The check's type in config/quality-checks.yaml: not_null, unique, ..., reconciliation, sql. */
  checkType: string;
  stage: QualityCheckStage;
  family: string;
  entity: string;
  severity: 'warn' | 'error';
  /** As declared: a count ('0') or a rate of the rows checked ('2%'). */
  threshold: string;
  /** The threshold as a number of violations for this run's rowsChecked. */
  allowedViolations: number;
  weight: number;
  rowsChecked: number;
  /** Rows, except for revenue reconciliations: money that does not match. */
  violations: number;
  sampleIds: string[];
  passed: boolean;
  status: QualityCheckStatus;
  description: string;
}

/**
 * GET /runs/:id/quality. score, grade and threshold are the validator's; null for a run it never
 * checked (a rebuild enters at the warehouse). passed: the validator passed the run (when it
 * scored it) and no check of any stage failed.
 */
export interface QualityReport {
  runId: string;
  /** The whole run's (see QualitySummary); null for a run the validator never checked. */
  score: number | null;
  grade: string | null;
  threshold: number | null;
  passed: boolean;
  stagingScore: number | null;
  stagingGrade: string | null;
  /** Per entity: rejects of every stage against the limits; empty until the transform measured them. */
  rejectRates: EntityRejectRate[];
  checks: QualityCheckReport[];
}
