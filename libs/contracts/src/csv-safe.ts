import type { CastingContext, Options } from 'csv-stringify';

/**
 * Spreadsheet-safe CSV exports (OWASP "CSV Injection"): a cell a spreadsheet would read as a
 * formula gets a single quote in front and is always quoted, so Excel, LibreOffice and Sheets
 * show the text instead of running it. Only what the system writes for users is neutralised:
 * stored data stays as given, and the pipeline's input files are data, not exports.
 *
 * Formula starts: `=`, `+`, `-`, `@`, tab and carriage return, plus the full-width forms of the
 * first four that some spreadsheets normalise (csv-stringify's own escape_formulas list). A cell
 * that is a plain number (-12.50, +3, 1e-5) stays as it is: it is a value, not a formula, and a
 * quote would turn amounts into text. Numbers of type number never start with one anyway.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True when a spreadsheet would take the text for a formula (and it is not a plain number). */
export function isFormulaLike(value: string): boolean {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
}

/** The text an export shows for `value`: itself, or with a single quote in front when formula-like. */
export function neutraliseFormula(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}

/** csv-stringify's string cast: neutralised cells are quoted whatever they hold. */
function castString(value: string, _context: CastingContext): string | { value: string; quoted: boolean } {
  return isFormulaLike(value) ? { value: `'${value}`, quoted: true } : value;
}

/**
 * The csv-stringify options every user-facing CSV export goes through (analysis files and
 * endpoints, dashboard CSVs, the rejects export): the caller's options plus the formula cast,
 * and booleans as `true` / `false`.
 */
export function spreadsheetSafeCsv(options: Options = {}): Options {
  return { ...options, cast: { boolean: (v) => String(v), ...options.cast, string: castString } };
}
