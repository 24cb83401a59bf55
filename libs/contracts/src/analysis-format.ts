import { stringify } from 'csv-stringify/sync';

/** One stored analysis result as the API and the export files present it. */
export interface AnalysisResult {
  runId: string;
  analysis: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/** RFC 4180 CSV with a header line, columns in the analysis's own order. */
export function analysisToCsv(result: Pick<AnalysisResult, 'columns' | 'rows'>): string {
  return stringify(result.rows, { header: true, columns: result.columns, cast: { boolean: (v) => String(v) } });
}
