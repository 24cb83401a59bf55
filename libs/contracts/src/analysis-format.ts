import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafeCsv } from './csv-safe';

/** One stored analysis result as the API and the export files present it. */
export interface AnalysisResult {
  runId: string;
  analysis: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/**
 * RFC 4180 CSV with a header line, columns in the analysis's own order; safe to open in a
 * spreadsheet (formula-like text neutralised, see csv-safe.ts).
 */
export function analysisToCsv(result: Pick<AnalysisResult, 'columns' | 'rows'>): string {
  return stringify(result.rows, spreadsheetSafeCsv({ header: true, columns: result.columns }));
}
