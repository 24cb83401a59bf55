import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTITY_SPECS, csvField, csvLine, lineBreaks, type Entity } from '@ecom/contracts';
import { removeLeftoverTempFiles, tempFileName, type CsvPartFile } from './csv-part-file';
import {
  DEFECT_REASONS,
  exportedFormula,
  isOrderLevel,
  itemDefectIndex,
  keepsRecord,
  rejectStage,
  spellingVariant,
  UNKNOWN_PAYMENT_METHODS,
  unknownCustomerId,
  unknownProductId,
  unknownTransactionId,
  type DefectKind,
  type DefectPlan,
  type FileManifest,
} from './defects';
import { formatCents, lineTotalCents } from './money';
import { itemId, type DatasetModel } from './model';
import type { RecordRandom } from './random';

/** The manifests of a folder live beside the data, in a sub-folder the ingestor does not read. */
export const MANIFEST_DIR = 'defects';

const BAD_DATES = ['2023-02-30', '15/03/2023', '2023-13-01', 'yesterday', '2023-3-5', '20230315'];
const BAD_PRICES = ['N/A', '12,99', '$19.99', '1.2.3', 'TBD'];
const BAD_QUANTITIES = ['two', '1.5', '3 units', 'x'];

function idIndex(id: string): number {
  return Number(id.replace(/^\D+/, '')) - 1;
}

function cents(money: string): number {
  return Math.round(Number(money) * 100);
}

function futureDate(random: RecordRandom): string {
  return `2099-${String(random.between(1, 12)).padStart(2, '0')}-${String(random.between(1, 28)).padStart(2, '0')}`;
}

/** One output file with its running physical line number and the manifest of what went into it. */
class ManifestedFile {
  private line = 1;
  readonly manifest: FileManifest;
  /** Where the last record that loads (a clean one, the surviving copy of a duplicate) starts. */
  keptLine = 0;
  private lastStart = 0;

  constructor(
    private readonly out: CsvPartFile,
    readonly entity: Entity,
  ) {
    this.manifest = { file: out.name, entity, records: 0, rejects: [], tricky: [], canonical: [] };
  }

  /** Writes a record; returns the line it starts on and whether the stream wants more. */
  write(row: readonly string[]): { line: number; flowing: boolean } {
    const line = this.line + 1;
    this.lastStart = line;
    let breaks = 1;
    for (const field of row) breaks += lineBreaks(field);
    this.line += breaks;
    this.manifest.records++;
    return { line, flowing: this.out.write(row) };
  }

  writeRaw(text: string): { line: number; flowing: boolean } {
    const line = this.line + 1;
    this.lastStart = line;
    this.line += 1 + lineBreaks(text);
    this.manifest.records++;
    return { line, flowing: this.out.writeRaw(text) };
  }

  /** Where the last record written starts. */
  get lastLine(): number {
    return this.lastStart;
  }

  reject(line: number, reason: string, kind: string, key: string, causedBy?: string): void {
    this.manifest.rejects.push({ line, stage: rejectStage(reason), reason, kind, key, ...(causedBy ? { causedBy } : {}) });
  }

  get name(): string {
    return this.out.name;
  }
}

/**
 * Writes generated rows with defects injected per the plan, and records in each file's manifest
 * every line the pipeline must quarantine (injected, or a consequence of an injected defect) and
 * every tricky value that must arrive unchanged.
 */
export class DefectWriter {
  private readonly files: ManifestedFile[];

  constructor(
    private readonly plan: DefectPlan,
    private readonly model: DatasetModel,
    outputs: Array<{ file: CsvPartFile; entity: Entity }>,
  ) {
    this.files = outputs.map((o) => new ManifestedFile(o.file, o.entity));
  }

  customer(index: number, row: string[]): boolean {
    const [file] = this.files;
    const kind = this.plan.defectOf('customers', index);
    if (!kind) return this.writeClean(file, index, row);
    const random = this.plan.detail('customers', index);
    const reason = DEFECT_REASONS.customers[kind];
    switch (kind) {
      case 'exact_duplicate':
        return this.duplicate(file, row, row, kind, reason);
      case 'conflicting_duplicate':
        return this.duplicate(file, row.with(4, `${row[4]}0`), row, kind, reason);
      case 'missing_required':
        return this.rejectWrite(file, row.with(random.pick([1, 2, 3, 5]), ''), kind, reason);
      case 'malformed_email': {
        const [local, domain] = row[3].split('@');
        const bad = random.pick([`${local}@${domain.split('.')[0]}`, `${local}.${domain}`, `${local}@@${domain}`, `${local} x@${domain}`]);
        return this.rejectWrite(file, row.with(3, bad), kind, reason);
      }
      case 'unparseable_date':
        return this.rejectWrite(file, row.with(5, random.pick(BAD_DATES)), kind, reason);
      case 'future_date':
        return this.rejectWrite(file, row.with(5, futureDate(random)), kind, reason);
      case 'stray_quote':
        return this.strayQuote(file, row, 1, kind, random);
      case 'field_count':
        return this.fieldCount(file, row, kind, random);
      case 'spelling_variant':
        // state or country
        return this.spellingVariant(file, row, random.pick([7, 8]), random);
      case 'invalid_later_duplicate':
        return this.invalidLater(file, row, row.with(3, row[3].replace('@', '@@')), kind, reason);
    }
  }

  product(index: number, row: string[]): boolean {
    const [file] = this.files;
    const kind = this.plan.defectOf('products', index);
    if (!kind) return this.writeClean(file, index, row);
    const random = this.plan.detail('products', index);
    const reason = DEFECT_REASONS.products[kind];
    switch (kind) {
      case 'exact_duplicate':
        return this.duplicate(file, row, row, kind, reason);
      case 'conflicting_duplicate':
        return this.duplicate(file, row.with(7, String(Number(row[7]) + 1)), row, kind, reason);
      case 'missing_required':
        return this.rejectWrite(file, row.with(random.pick([1, 2, 4, 5]), ''), kind, reason);
      case 'non_numeric_price':
        return this.rejectWrite(file, row.with(4, random.pick(BAD_PRICES)), kind, reason);
      case 'negative_price':
        return this.rejectWrite(file, row.with(4, `-${row[4]}`), kind, reason);
      case 'absurd_price':
        return this.rejectWrite(file, row.with(4, random.pick(['2500000.00', '99999999.99'])), kind, reason);
      case 'cost_not_below_price': {
        const cost = random.below(2) === 0 ? row[4] : formatCents(cents(row[4]) + random.between(1, 5000));
        return this.rejectWrite(file, row.with(5, cost), kind, reason);
      }
      case 'stray_quote':
        return this.strayQuote(file, row, 1, kind, random);
      case 'field_count':
        return this.fieldCount(file, row, kind, random);
      case 'spelling_variant':
        // category or sub_category
        return this.spellingVariant(file, row, random.pick([2, 3]), random);
      case 'invalid_later_duplicate':
        return this.invalidLater(file, row, row.with(4, `-${row[4]}`), kind, reason);
    }
  }

  /**
   * One order and its lines; consequences of damaged customers, products, orders and lines included.
   * An order is accepted or rejected whole (docs/rejects.md): a rejected line takes its order (the
   * header order_line_rejected) and its other lines (order_rejected) with it.
   */
  transaction(index: number, txn: string[], items: string[][]): boolean {
    const [txnFile, itemFile] = this.files;
    const customerRejected = this.plan.rejects('customers', idIndex(txn[1]));
    const kind = customerRejected ? undefined : this.plan.defectOf('transactions', index);
    // The header fails its own checks (or never lands): its lines are orphans.
    const headerRejected = customerRejected || (kind !== undefined && !keepsRecord(kind) && !isOrderLevel(kind));

    // Item defects first: a wrong line total moves the order's total with it, so that the order
    // still agrees with its lines as written and only the line is at fault.
    const productRejected = items.map((row) => this.plan.rejects('products', idIndex(row[2])));
    const itemKinds = items.map((_row, line) => {
      if (headerRejected || productRejected[line] || (kind !== undefined && isOrderLevel(kind))) return undefined;
      return this.plan.defectOf('transaction_items', itemDefectIndex(index, line));
    });
    let total = txn[6];
    items.forEach((row, line) => {
      if (itemKinds[line] !== 'wrong_line_total') return;
      const delta = this.plan.detail('transaction_items', itemDefectIndex(index, line)).between(100, 5000);
      items[line] = row.with(6, formatCents(cents(row[6]) + delta));
      total = formatCents(cents(total) + delta);
    });
    const order = txn.with(6, total);
    // partly_bad_lines: one line of the order gets a quantity that is not a number.
    const damaged = kind === 'partly_bad_lines' ? this.plan.detail('transactions', index).below(items.length) : -1;
    const lineRejected = items.map((_row, line) => {
      const itemKind = itemKinds[line];
      return productRejected[line] || line === damaged || (itemKind !== undefined && !keepsRecord(itemKind) && itemKind !== 'unknown_transaction');
    });
    const firstBad = lineRejected.indexOf(true);
    const failedByLine = !headerRejected && firstBad >= 0;
    const lineCause = failedByLine ? `transaction_items ${items[firstBad][0]}` : '';

    let flowing: boolean;
    if (customerRejected) {
      const { line, flowing: more } = txnFile.write(order);
      txnFile.reject(line, 'orphan_customer', 'consequence', order[0], `customers ${order[1]}`);
      flowing = more;
    } else if (kind === 'partly_bad_lines' || (kind === 'wrong_total' && failedByLine)) {
      const row = kind === 'wrong_total' ? order.with(6, this.wrongTotal(index, order[6])) : order;
      flowing = this.rejectWrite(txnFile, row, kind, 'order_line_rejected');
    } else if ((!kind || kind === 'spelling_variant') && failedByLine) {
      // No tricky value or spelling variant: this order never reaches production to be compared.
      const { line, flowing: more } = txnFile.write(order);
      txnFile.reject(line, 'order_line_rejected', 'consequence', order[0], lineCause);
      flowing = more;
    } else if (!kind) {
      flowing = this.writeClean(txnFile, index, order);
    } else {
      flowing = this.orderDefect(txnFile, index, order, kind);
      // The surviving copy of a duplicated header still goes with its rejected line.
      if (keepsRecord(kind) && failedByLine) txnFile.reject(txnFile.keptLine, 'order_line_rejected', 'consequence', order[0], lineCause);
    }

    // A line's own reason comes first, then its order's fate.
    const orderFate: { reason: string; causedBy: string } | undefined = headerRejected
      ? { reason: 'orphan_transaction', causedBy: `transactions ${order[0]}` }
      : failedByLine
        ? { reason: 'order_rejected', causedBy: lineCause }
        : kind === 'wrong_total'
          ? { reason: 'order_rejected', causedBy: `transactions ${order[0]}` }
          : undefined;
    items.forEach((row, line) => {
      const itemKind = itemKinds[line];
      if (productRejected[line]) {
        const { line: at, flowing: more } = itemFile.write(row);
        itemFile.reject(at, 'orphan_product', 'consequence', row[0], `products ${row[2]}`);
        flowing = more && flowing;
      } else if (line === damaged) {
        const bad = row.with(3, this.plan.detail('transaction_items', itemDefectIndex(index, line) + 1).pick(BAD_QUANTITIES));
        flowing = this.rejectWrite(itemFile, bad, 'partly_bad_lines', 'invalid_number') && flowing;
      } else if (itemKind && lineRejected[line]) {
        flowing = this.itemDefect(itemFile, index, line, row, itemKind) && flowing;
      } else if (orderFate) {
        // A line that would load on its own: written (with its harmless defect, if any), then
        // rejected with its order.
        const more = itemKind ? this.itemDefect(itemFile, index, line, row, itemKind) : itemFile.write(row).flowing;
        const at = itemKind ? itemFile.keptLine : itemFile.lastLine;
        itemFile.reject(at, orderFate.reason, 'consequence', row[0], orderFate.causedBy);
        flowing = more && flowing;
      } else if (!itemKind) {
        flowing = itemFile.write(row).flowing && flowing;
      } else {
        flowing = this.itemDefect(itemFile, index, line, row, itemKind) && flowing;
      }
    });
    return flowing;
  }

  /** Writes each file's manifest (temporary name, then renamed) into `dir`/defects. */
  async writeManifests(dir: string): Promise<void> {
    const manifestDir = join(dir, MANIFEST_DIR);
    await mkdir(manifestDir, { recursive: true });
    await removeLeftoverTempFiles(manifestDir, this.files.map((file) => `${file.name}.json`));
    for (const file of this.files) {
      const target = join(manifestDir, `${file.name}.json`);
      const temp = join(manifestDir, tempFileName(`${file.name}.json`));
      await writeFile(temp, JSON.stringify(file.manifest));
      await rename(temp, target);
    }
  }

  private orderDefect(file: ManifestedFile, index: number, row: string[], kind: DefectKind<'transactions'>): boolean {
    const random = this.plan.detail('transactions', index);
    const reason = DEFECT_REASONS.transactions[kind];
    switch (kind) {
      case 'exact_duplicate':
        return this.duplicate(file, row, row, kind, reason);
      case 'conflicting_duplicate':
        return this.duplicate(file, row.with(4, row[4] === 'UPI' ? 'Net Banking' : 'UPI'), row, kind, reason);
      case 'missing_required':
        return this.rejectWrite(file, row.with(random.pick([1, 2, 4, 6]), ''), kind, reason);
      case 'unparseable_date':
        return this.rejectWrite(file, row.with(2, random.pick(BAD_DATES)), kind, reason);
      case 'future_date':
        return this.rejectWrite(file, row.with(2, futureDate(random)), kind, reason);
      case 'before_registration': {
        const registered = Date.parse(`${this.model.registrationLabel(idIndex(row[1]))}T00:00:00Z`);
        const before = new Date(registered - random.between(1, 90) * 86_400_000).toISOString().slice(0, 10);
        return this.rejectWrite(file, row.with(2, before), kind, reason);
      }
      case 'wrong_total':
        return this.rejectWrite(file, row.with(6, this.wrongTotal(index, row[6])), kind, reason);
      case 'unknown_customer':
        return this.rejectWrite(file, row.with(1, unknownCustomerId(index)), kind, reason);
      case 'stray_quote':
        return this.strayQuote(file, row, 4, kind, random);
      case 'field_count':
        return this.fieldCount(file, row, kind, random);
      case 'spelling_variant':
        return this.spellingVariant(file, row, 4, random);
      case 'unknown_payment_method':
        return this.rejectWrite(file, row.with(4, random.pick(UNKNOWN_PAYMENT_METHODS)), kind, reason);
      case 'invalid_later_duplicate':
        return this.invalidLater(file, row, row.with(2, random.pick(BAD_DATES)), kind, reason);
      case 'partly_bad_lines':
        // Written by transaction(), which damages one of the order's lines.
        return this.rejectWrite(file, row, kind, reason);
    }
  }

  /** The order's total moved by a few to fifty money units: no longer its lines' sum. */
  private wrongTotal(index: number, total: string): string {
    return formatCents(cents(total) + this.plan.detail('transactions', index).between(100, 5000));
  }

  private itemDefect(file: ManifestedFile, index: number, line: number, row: string[], kind: DefectKind<'transaction_items'>): boolean {
    const random = this.plan.detail('transaction_items', itemDefectIndex(index, line) + 1);
    const reason = DEFECT_REASONS.transaction_items[kind];
    switch (kind) {
      case 'exact_duplicate':
        return this.duplicate(file, row, row, kind, reason);
      case 'conflicting_duplicate': {
        // The earlier version is valid too (its line_total follows its quantity): the later wins.
        const quantity = Number(row[3]) + 1;
        const earlier = row.with(3, String(quantity)).with(6, formatCents(lineTotalCents(quantity, cents(row[4]), Number(row[5]))));
        return this.duplicate(file, earlier, row, kind, reason);
      }
      case 'missing_required':
        return this.rejectWrite(file, row.with(random.pick([2, 3, 5]), ''), kind, reason);
      case 'non_numeric_quantity':
        return this.rejectWrite(file, row.with(3, random.pick(BAD_QUANTITIES)), kind, reason);
      case 'non_positive_quantity':
        return this.rejectWrite(file, row.with(3, random.pick(['0', `-${row[3]}`])), kind, reason);
      case 'negative_price':
        return this.rejectWrite(file, row.with(4, cents(row[4]) > 0 ? `-${row[4]}` : '-1.00'), kind, reason);
      case 'absurd_quantity':
        return this.rejectWrite(file, row.with(3, random.pick(['25000', '1000000'])), kind, reason);
      case 'discount_out_of_range':
        return this.rejectWrite(file, row.with(5, random.pick(['150', '-10', '100.5'])), kind, reason);
      case 'wrong_line_total':
        // The line total was already moved (and the order's total with it) in transaction().
        return this.rejectWrite(file, row, kind, reason);
      case 'unknown_product':
        return this.rejectWrite(file, row.with(2, unknownProductId(index)), kind, reason);
      case 'unknown_transaction': {
        // An extra line for an order that does not exist; the order's own line stays as it was.
        const flowing = file.write(row).flowing;
        file.keptLine = file.lastLine;
        const stray = row.with(0, itemId(index, 90 + line)).with(1, unknownTransactionId(index));
        return this.rejectWrite(file, stray, kind, reason) && flowing;
      }
      case 'invalid_later_duplicate':
        return this.invalidLater(file, row, row.with(3, random.pick(BAD_QUANTITIES)), kind, reason);
    }
  }

  private writeClean(file: ManifestedFile, index: number, row: string[]): boolean {
    const tricky = this.plan.trickyOf(file.entity, index);
    if (!tricky) return file.write(row).flowing;
    const column = ENTITY_SPECS[file.entity].columns.indexOf(tricky.column);
    const { line, flowing } = file.write(row.with(column, tricky.value));
    file.manifest.tricky.push(
      tricky.kind
        ? { line, key: row[0], column: tricky.column, value: tricky.value, kind: tricky.kind, exportedAs: exportedFormula(tricky.value) }
        : { line, key: row[0], column: tricky.column, value: tricky.value },
    );
    return flowing;
  }

  /** A categorical value in another spelling: the line loads, production holds the value as generated. */
  private spellingVariant(file: ManifestedFile, row: readonly string[], column: number, random: RecordRandom): boolean {
    const written = spellingVariant(row[column], random);
    const { line, flowing } = file.write(row.with(column, written));
    file.keptLine = line;
    file.manifest.canonical.push({
      line,
      key: row[0],
      column: ENTITY_SPECS[file.entity].columns[column],
      written,
      value: row[column],
      kind: 'spelling_variant',
    });
    return flowing;
  }

  private rejectWrite(file: ManifestedFile, row: readonly string[], kind: string, reason: string): boolean {
    const { line, flowing } = file.write(row);
    file.reject(line, reason, kind, row[0]);
    return flowing;
  }

  /** The earlier line loses: the transformer keeps the latest valid line of a key. */
  private duplicate(file: ManifestedFile, earlier: readonly string[], later: readonly string[], kind: string, reason: string): boolean {
    const first = this.rejectWrite(file, earlier, kind, reason);
    const { line, flowing } = file.write(later);
    file.keptLine = line;
    return flowing && first;
  }

  /** A later version that is invalid loses to the earlier valid one, under its own reason. */
  private invalidLater(file: ManifestedFile, earlier: readonly string[], later: readonly string[], kind: string, reason: string): boolean {
    const { line, flowing } = file.write(earlier);
    file.keptLine = line;
    return this.rejectWrite(file, later, kind, reason) && flowing;
  }

  /** A quote inside an unquoted field (`Acme 27" Monitor`): the line cannot be parsed. */
  private strayQuote(file: ManifestedFile, row: readonly string[], column: number, kind: string, random: RecordRandom): boolean {
    const value = row[column];
    // A value that csv would quote anyway cannot carry a stray quote in an unquoted field.
    if (value.length < 2 || /[",\r\n]/.test(value)) return this.fieldCount(file, row, 'field_count', random);
    const at = random.between(1, value.length - 1);
    const text = row.map((field, i) => (i === column ? `${value.slice(0, at)}"${value.slice(at)}` : csvField(field))).join(',');
    const { line, flowing } = file.writeRaw(text);
    file.reject(line, 'parse_error', kind, row[0]);
    return flowing;
  }

  /** A field too many or too few. */
  private fieldCount(file: ManifestedFile, row: readonly string[], kind: string, random: RecordRandom): boolean {
    const fields = random.below(2) === 0 ? [...row, 'extra'] : row.slice(0, -1);
    const { line, flowing } = file.writeRaw(csvLine(fields).slice(0, -1));
    file.reject(line, 'field_count', kind, row[0]);
    return flowing;
  }
}

/** Every file manifest of a generated folder, in file name order (none when written clean). */
export async function readDefectManifests(dir: string): Promise<FileManifest[]> {
  const manifestDir = join(dir, MANIFEST_DIR);
  const names = await readdir(manifestDir).catch(() => [] as string[]);
  const manifests: FileManifest[] = [];
  for (const name of names.filter((n) => n.endsWith('.csv.json')).sort()) {
    manifests.push(JSON.parse(await readFile(join(manifestDir, name), 'utf8')) as FileManifest);
  }
  return manifests;
}
