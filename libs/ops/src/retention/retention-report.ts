/** What one kind of data lost (or, in a dry run, would lose) in a retention pass. */
export interface RetentionKindReport<Item> {
  /** The configured period, e.g. '14 days'; null when the kind is kept forever. */
  keptFor: string | null;
  /** Things older than this go; null when the kind is kept forever. */
  cutoff: string | null;
  /** How many `unit` went (or would go). */
  count: number;
  unit: 'files' | 'rows' | 'runs' | 'partitions' | 'tables';
  items: Item[];
}

export interface RetentionReport {
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  /** Runs no kind touches, with why. */
  protectedRuns: Array<{ runId: string; reasons: string[] }>;
  kinds: {
    rawFiles: RetentionKindReport<{ path: string; files: number }>;
    analysisExports: RetentionKindReport<{ path: string; files: number }>;
    analysisResults: RetentionKindReport<{ runId: string; analysis: string }>;
    quarantine: RetentionKindReport<{ runId: string; rows: number }>;
    staging: RetentionKindReport<{ table: string; runId: string; rows: number }>;
    warehousePartitions: RetentionKindReport<{ partition: string; fromDateKey: number; toDateKey: number; rows: number }>;
    runHistory: RetentionKindReport<{ runId: string; mode: string; status: string; endedAt: string }>;
    /** Per-run typed tables (schema `typed`) of runs that are no longer queued or running. */
    typedTables: RetentionKindReport<{ table: string; bytes: number }>;
  };
}
