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
  quality: QualitySummary | null;
  rejectsByReason: Array<{ stage: string; reasonCode: string; count: number }>;
  /** CONTRACT.md section 3: true when every file and every finished stage adds up. */
  accountingBalanced: boolean;
  /** The data's measured shape (GET /runs/:id/profile), once the validate stage has profiled it. */
  profile?: RunProfile | null;
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
  linesRead: number;
  rowsLanded: number;
  rowsQuarantined: number;
}

export interface QualitySummary {
  score: number;
  grade: string;
  threshold: number;
  passed: boolean;
}

/** GET /runs/:id/quality */
export interface QualityReport extends QualitySummary {
  runId: string;
  checks: Array<{
    checkName: string;
    family: string;
    entity: string;
    weight: number;
    rowsChecked: number;
    violations: number;
    sampleIds: string[];
    passed: boolean;
    description: string;
  }>;
}
