import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { MappingSourceError, selectSourceFiles, type LineStatus, type SourceFile, type Mapping, type MappedEntity, type StatusRule, type ValueSpec } from '@ecom/config';
import { csvField, type MappingControlTotals } from '@ecom/contracts';
import { CsvRecordParser, type CsvItem } from '../ingest/csv-records';
import {
  DateTimeReader,
  MICRO,
  formatCents,
  formatMicro,
  lineTotalCents,
  normalizeId,
  parseDecimal,
  parseInteger,
  utcDateTime,
} from './values';

/**
 * The converter behind `npm run import` and mapped runs (docs/mappings.md): streams a shop's
 * export (one row per order line) twice and writes the four contract CSVs, a rejects file and
 * the source's control totals.
 *
 * Memory is bounded by the number of customers, products and orders (what their rows aggregate
 * over: first order date, most frequent name, order total), never by lines: no line is kept.
 * Pass 1 gathers customers and products; pass 2 judges every line (products must be known to
 * tell a line of a product without any price) and writes the order lines as it reads them, then
 * the orders.
 */

export const MAPPING_OUTPUT_DIR = 'mapping';
export const REJECTS_FILE = 'rejects.csv';
export const CONTROL_TOTALS_FILE = 'control-totals.json';
export const RETURNS_FILE = 'returns.csv';
/** One row per cancelled or adjusted source line, signed as the source has it (a credit note's quantity is negative). */
export const RETURN_COLUMNS = ['return_line_id', 'return_id', 'kind', 'customer_id', 'product_id', 'return_date', 'return_time', 'quantity', 'unit_price', 'line_total', 'source_file', 'source_line'] as const;
export const REJECT_COLUMNS = ['source_file', 'source_line', 'record_key', 'reason_code', 'message', 'status', 'amount', 'raw_record'] as const;

/** Why a line did not become an order line (ops.quarantine.reason_code, stage mapping). */
export const MAPPING_REASONS = {
  unparseable_line: 'the line is not valid CSV',
  field_count: 'more or fewer fields than the header',
  missing_value: 'a value the mapping reads is blank',
  invalid_number: 'a quantity or price the mapping cannot read as a number',
  invalid_date: 'a date-time in none of the mapping’s formats',
  missing_customer: 'no customer id, and the mapping quarantines guest lines',
  no_product_price: 'the product has no positive price in the source, so it cannot be loaded',
  void: 'a line of an order that never became a sale (status void): counted in the control totals, loaded nowhere',
} as const;
export type MappingReason = keyof typeof MAPPING_REASONS;

export type ControlTotals = MappingControlTotals;

export interface ConvertOptions {
  mapping: Mapping;
  /** A file, or a folder whose files the mapping's patterns select. */
  from: string;
  outDir: string;
  /** When given, every source file must really lie inside one of these folders. */
  allowedRoots?: readonly string[];
}

export interface ConvertResult {
  outDir: string;
  controlTotals: ControlTotals;
  rejectsFile: string;
  rejects: number;
  /** mapping/returns.csv: the cancelled and adjusted lines (docs/warehouse.md "Cancellations and returns"). */
  returnsFile: string;
  returns: number;
}

/** One source line read through the mapping's line fields; `reason` when it cannot be. */
interface ReadLine {
  orderId: string;
  orderedAt: number;
  customerId: string;
  productId: string;
  quantity: number;
  unitPrice: bigint;
  discount: bigint;
  status: LineStatus;
}

type ReadResult = { ok: true; line: ReadLine } | { ok: false; reason: MappingReason; message: string; readable?: { status: LineStatus; amount: bigint } };

/** Aggregates of one entity's values over its lines, for the columns its spec reads. */
class ValuePicker {
  first?: string;
  latest?: string;
  counts?: Map<string, number>;

  add(value: string, pick: ValueSpec['pick']): void {
    if (value === '') return;
    this.first ??= value;
    this.latest = value;
    if (pick === 'most_frequent') {
      this.counts ??= new Map();
      this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    }
  }

  value(pick: ValueSpec['pick']): string | undefined {
    if (pick === 'first') return this.first;
    if (pick === 'most_frequent' && this.counts) {
      let best: string | undefined;
      let bestCount = 0;
      // Ties go to the value seen first (Map keeps insertion order).
      for (const [value, count] of this.counts) if (count > bestCount) [best, bestCount] = [value, count];
      return best;
    }
    return this.latest;
  }
}

interface EntityAgg {
  firstOrderedAt: number;
  pickers: Map<string, ValuePicker>;
  latestPositivePrice?: bigint;
  latestPriceAt?: number;
  priceCounts?: Map<bigint, number>;
}

interface OrderAgg {
  customerId: string;
  orderedAt: number;
  lines: number;
  totalCents: bigint;
  statuses: number;
  returnLines: number;
  header?: Map<string, string>;
}

const STATUS_BITS: Record<LineStatus, number> = { sold: 1, cancelled: 2, adjusted: 4, void: 8 };

class Writer {
  private readonly stream: WriteStream;
  private buffer = '';
  count = 0;

  constructor(path: string, header: readonly string[]) {
    this.stream = createWriteStream(path);
    this.buffer = `${header.join(',')}\n`;
  }

  async row(values: readonly (string | number | undefined)[]): Promise<void> {
    this.count++;
    this.buffer += `${values.map(contractField).join(',')}\n`;
    if (this.buffer.length > 64 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await new Promise<void>((done) => this.stream.once('drain', done));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((done, fail) => this.stream.end((error?: Error | null) => (error ? fail(error) : done())));
  }
}

/** A field as the generator writes it (csvField), and quoted too when it has surrounding blanks, so they read back as data. */
function contractField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : csvField(text);
}

const CONTRACT_COLUMNS = {
  customers: ['customer_id', 'first_name', 'last_name', 'email', 'phone', 'registration_date', 'city', 'state', 'country', 'age_group'],
  products: ['product_id', 'product_name', 'category', 'sub_category', 'price', 'cost', 'brand', 'stock_quantity', 'supplier_id'],
  transactions: ['transaction_id', 'customer_id', 'transaction_date', 'transaction_time', 'payment_method', 'shipping_address', 'total_amount'],
  transaction_items: ['item_id', 'transaction_id', 'product_id', 'quantity', 'unit_price', 'discount_percentage', 'line_total'],
} as const;

const DECIMAL_COLUMNS = new Set(['products.price', 'products.cost']);

export async function convertSource(options: ConvertOptions): Promise<ConvertResult> {
  return new Converter(options.mapping).run(options);
}

class Converter {
  private readonly dates: DateTimeReader;
  private readonly customers = new Map<string, EntityAgg>();
  private readonly products = new Map<string, EntityAgg>();
  private readonly orders = new Map<string, OrderAgg>();
  /** Source columns each entity aggregates (its specs' columns and template columns), with their pick. */
  private readonly entityColumns: Record<'customers' | 'products', Array<{ column: string; spec: ValueSpec; key: string }>>;
  private readonly headerColumns: Array<{ column: string; spec: ValueSpec; key: string }>;

  constructor(private readonly mapping: Mapping) {
    this.dates = new DateTimeReader(mapping.formats.datetime, mapping.source.timezone);
    this.entityColumns = { customers: columnsOf(mapping.customers), products: columnsOf(mapping.products) };
    this.headerColumns = columnsOf(mapping.transactions);
  }

  async run({ from, outDir, allowedRoots }: ConvertOptions): Promise<ConvertResult> {
    const files = await selectSourceFiles(this.mapping, from, allowedRoots);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(join(outDir, MAPPING_OUTPUT_DIR), { recursive: true });

    for (const file of files) await this.readFile(file, (row, line) => this.gather(row, line));

    const statusTotals = Object.fromEntries(
      (['sold', 'cancelled', 'adjusted', 'void'] as const).map((s) => [s, { lines: 0, amount: 0n }]),
    ) as Record<LineStatus, { lines: number; amount: bigint }>;
    const rejected = new Map<string, { reason: MappingReason; status: LineStatus | 'unreadable'; lines: number; amount: bigint }>();
    const rejectsFile = join(outDir, MAPPING_OUTPUT_DIR, REJECTS_FILE);
    const rejects = new Writer(rejectsFile, REJECT_COLUMNS);
    const items = new Writer(join(outDir, 'transaction_items.csv'), CONTRACT_COLUMNS.transaction_items);
    const returns = new Writer(join(outDir, MAPPING_OUTPUT_DIR, RETURNS_FILE), RETURN_COLUMNS);
    const returned = {
      cancelled: { lines: 0, lineTotal: 0n, exact: 0n },
      adjusted: { lines: 0, lineTotal: 0n, exact: 0n },
    };
    let unreadable = 0;
    let lineTotal = 0n;
    let exactConverted = 0n;
    const sourceFiles: ControlTotals['sourceFiles'] = [];

    for (const file of files) {
      let lines = 0;
      await this.readFile(file, async (row, line, raw, parseError) => {
        lines++;
        const result: ReadResult = parseError ?? this.readLine(row!);
        if (!result.ok) {
          if (result.readable) {
            statusTotals[result.readable.status].lines++;
            statusTotals[result.readable.status].amount += result.readable.amount;
          } else unreadable++;
          const status = result.readable?.status ?? 'unreadable';
          const key = `${result.reason}:${status}`;
          const entry = rejected.get(key) ?? { reason: result.reason, status, lines: 0, amount: 0n };
          entry.lines++;
          entry.amount += result.readable?.amount ?? 0n;
          rejected.set(key, entry);
          if (result.readable) this.noteOrderStatus(row!, result.readable.status);
          await rejects.row([file.name, line, row ? this.orderKey(row) : undefined, result.reason, result.message, status,
            result.readable ? formatMicro(result.readable.amount) : undefined, raw]);
          return;
        }
        const l = result.line;
        const amount = BigInt(l.quantity) * l.unitPrice;
        if (l.status === 'cancelled' || l.status === 'adjusted') {
          // A cancelled or adjusted line: a row of the returns file, as the source signs it.
          statusTotals[l.status].lines++;
          statusTotals[l.status].amount += amount;
          const cents = lineTotalCents(l.quantity, l.unitPrice, 0n);
          const kept = returned[l.status];
          kept.lines++;
          kept.lineTotal += cents;
          kept.exact += amount;
          const order = this.noteOrderStatus(row!, l.status)!;
          order.returnLines++;
          const { date, time } = utcDateTime(l.orderedAt);
          await returns.row([`${l.orderId}-${order.returnLines}`, l.orderId, l.status, l.customerId || undefined, l.productId, date, time,
            l.quantity, formatMicro(l.unitPrice), formatCents(cents), file.name, line]);
          return;
        }
        statusTotals.sold.lines++;
        statusTotals.sold.amount += amount;
        const cents = lineTotalCents(l.quantity, l.unitPrice, l.discount);
        lineTotal += cents;
        exactConverted += amount;
        const order = this.order(l.orderId, l.customerId, l.orderedAt);
        order.statuses |= STATUS_BITS.sold;
        order.lines++;
        order.totalCents += cents;
        if (order.lines === 1 && this.headerColumns.length > 0) order.header = this.headerValues(row!);
        await items.row([`${l.orderId}-${order.lines}`, l.orderId, l.productId, l.quantity, formatMicro(l.unitPrice), formatMicro(l.discount), formatCents(cents)]);
      });
      sourceFiles.push({ file: file.name, lines });
    }
    await items.close();
    await rejects.close();
    await returns.close();

    const customerCount = await this.writeCustomers(outDir);
    const productCount = await this.writeProducts(outDir);
    const { orders: orderCount, byStatus: ordersByStatus } = await this.writeOrders(outDir);

    const byStatus = Object.fromEntries(
      (Object.keys(statusTotals) as LineStatus[]).map((s) => [s, { lines: statusTotals[s].lines, orders: ordersByStatus[s], amount: formatMicro(statusTotals[s].amount) }]),
    ) as ControlTotals['byStatus'];
    const all = Object.values(statusTotals).reduce((a, b) => ({ lines: a.lines + b.lines, amount: a.amount + b.amount }), { lines: 0, amount: 0n });
    const controlTotals: ControlTotals = {
      mapping: this.mapping.name,
      sourceFiles,
      lines: sourceFiles.reduce((n, f) => n + f.lines, 0),
      unreadable,
      byStatus,
      total: { lines: all.lines, orders: this.orders.size, amount: formatMicro(all.amount) },
      converted: {
        customers: customerCount,
        products: productCount,
        orders: orderCount,
        lines: items.count,
        lineTotal: formatCents(lineTotal),
        rounding: formatMicro(exactConverted - lineTotal * (MICRO / 100n)),
      },
      returned: Object.fromEntries(
        (['cancelled', 'adjusted'] as const).map((status) => {
          const r = returned[status];
          return [status, { lines: r.lines, lineTotal: formatCents(r.lineTotal), rounding: formatMicro(r.exact - r.lineTotal * (MICRO / 100n)) }];
        }),
      ) as ControlTotals['returned'],
      rejected: [...rejected.values()]
        .sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : a.status < b.status ? -1 : 1))
        .map((r) => ({ ...r, amount: formatMicro(r.amount) })),
    };
    await writeFile(join(outDir, MAPPING_OUTPUT_DIR, CONTROL_TOTALS_FILE), `${JSON.stringify(controlTotals, null, 2)}\n`);
    return { outDir, controlTotals, rejectsFile, rejects: rejects.count, returnsFile: join(outDir, MAPPING_OUTPUT_DIR, RETURNS_FILE), returns: returns.count };
  }

  /** Streams one file's records with carried-forward order fields; `row` undefined for a line that is not CSV. */
  private async readFile(
    file: SourceFile,
    onRow: (row: Record<string, string> | undefined, line: number, raw: string, parseError?: ReadResult) => Promise<void> | void,
  ): Promise<void> {
    const parser = new CsvRecordParser({ delimiter: this.mapping.source.delimiter });
    const input = createReadStream(file.path);
    const source = file.name.endsWith('.gz') ? input.pipe(createGunzip()) : input;
    const reading = pipeline(source, parser);
    try {
      await this.readRecords(file, parser, onRow);
    } catch (error) {
      // The loop stopped reading (a bad header): the stream's own error is only that.
      await reading.catch(() => undefined);
      throw error;
    }
    try {
      await reading;
    } catch (error) {
      throw new MappingSourceError(`${file.name}: ${(error as Error).message}`);
    }
  }

  private async readRecords(
    file: SourceFile,
    parser: CsvRecordParser,
    onRow: (row: Record<string, string> | undefined, line: number, raw: string, parseError?: ReadResult) => Promise<void> | void,
  ): Promise<void> {
    let header: string[] | undefined;
    let currentOrder: string | undefined;
    let carried: Record<string, string> = {};
    const carry = this.mapping.source.orderFieldsOnFirstRow;
    const orderColumn = this.mapping.lines.order_id.column;
    for await (const item of parser as AsyncIterable<CsvItem>) {
      if (item.kind === 'parse_error') {
        if (!header) throw new MappingSourceError(`${file.name}: the header line is not valid CSV (${item.message})`);
        await onRow(undefined, item.line, item.raw, { ok: false, reason: 'unparseable_line', message: item.message });
        continue;
      }
      if (!header) {
        header = item.fields.map((f) => f.trim());
        const needed = this.requiredColumns().filter((c) => !header!.includes(c));
        if (needed.length > 0) {
          throw new MappingSourceError(`${file.name}: the header has no column ${needed.join(', ')} that the mapping ${this.mapping.name} reads (header: ${header.join(', ')})`);
        }
        continue;
      }
      if (item.fields.length === 1 && item.fields[0].trim() === '') continue;
      if (item.fields.length !== header.length) {
        await onRow(undefined, item.line, item.raw, {
          ok: false,
          reason: 'field_count',
          message: `${item.fields.length} fields where the header has ${header.length}`,
        });
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]] = item.fields[i];
      if (carry.length > 0 && orderColumn) {
        const key = row[orderColumn]?.trim();
        if (key !== currentOrder) {
          currentOrder = key;
          carried = Object.fromEntries(carry.map((c) => [c, row[c] ?? '']));
        } else {
          for (const c of carry) if ((row[c] ?? '').trim() === '') row[c] = carried[c];
        }
      }
      await onRow(row, item.line, item.raw);
    }
    if (!header) throw new MappingSourceError(`${file.name} is empty: no header line`);
  }

  private requiredColumns(): string[] {
    const columns = new Set<string>();
    for (const spec of Object.values(this.mapping.lines)) if (spec?.column) columns.add(spec.column);
    for (const rule of this.mapping.status.rules) columns.add(rule.column);
    for (const entity of ['customers', 'products', 'transactions'] as const) for (const c of columnsOf(this.mapping[entity])) columns.add(c.column);
    return [...columns];
  }

  private orderKey(row: Record<string, string>): string | undefined {
    const value = this.lineValue(this.mapping.lines.order_id, row);
    return value === '' ? undefined : normalizeId(value, this.mapping.formats.idsStripZeroFraction);
  }

  private lineValue(spec: ValueSpec | undefined, row: Record<string, string>): string {
    if (!spec) return '';
    return transformValue(spec, spec.constant ?? row[spec.column!] ?? '');
  }

  private statusOf(row: Record<string, string>): LineStatus {
    for (const rule of this.mapping.status.rules) if (matches(rule, row[rule.column] ?? '', this.mapping)) return rule.status;
    return this.mapping.status.otherwise;
  }

  /** Reads a line through the mapping; the first problem found is its reason. */
  private readLine(row: Record<string, string>): ReadResult {
    const m = this.mapping;
    const format = m.formats;
    const quantityText = this.lineValue(m.lines.quantity, row);
    const priceText = this.lineValue(m.lines.unit_price, row);
    if (quantityText.trim() === '' || priceText.trim() === '') {
      return { ok: false, reason: 'missing_value', message: `blank ${quantityText.trim() === '' ? `quantity (${m.lines.quantity.column})` : `unit price (${m.lines.unit_price.column})`}` };
    }
    const quantity = parseInteger(quantityText, format);
    if (quantity === undefined) return { ok: false, reason: 'invalid_number', message: `quantity '${quantityText}' is not a whole number` };
    const unitPrice = parseDecimal(priceText, format);
    if (unitPrice === undefined) return { ok: false, reason: 'invalid_number', message: `unit price '${priceText}' is not a number in the mapping's format` };
    const status = this.statusOf(row);
    const amount = BigInt(quantity) * unitPrice;
    const readable = { status, amount };
    if (status === 'void') return { ok: false, reason: 'void', message: `void line (status rules): quantity ${quantity} × unit price ${formatMicro(unitPrice)} = ${formatMicro(amount)}`, readable };
    const orderId = this.orderKey(row);
    if (orderId === undefined) return { ok: false, reason: 'missing_value', message: `blank order id (${m.lines.order_id.column})`, readable };
    const productId = normalizeId(this.lineValue(m.lines.product_id, row), format.idsStripZeroFraction);
    if (productId === '') return { ok: false, reason: 'missing_value', message: `blank product id (${m.lines.product_id.column})`, readable };
    const dateText = this.lineValue(m.lines.ordered_at, row);
    const orderedAt = this.dates.read(dateText);
    if (orderedAt === undefined) return { ok: false, reason: 'invalid_date', message: `'${dateText}' is in none of the formats ${format.datetime.join(', ')} (or not a real date)`, readable };
    let discount = 0n;
    if (m.lines.discount_percentage) {
      const text = this.lineValue(m.lines.discount_percentage, row);
      const parsed = text.trim() === '' ? 0n : parseDecimal(text, format);
      if (parsed === undefined) return { ok: false, reason: 'invalid_number', message: `discount '${text}' is not a number`, readable };
      discount = parsed;
    }
    let customerId = normalizeId(this.lineValue(m.lines.customer_id, row), format.idsStripZeroFraction);
    if (customerId === '') {
      // A return needs no customer: it is kept with none rather than set aside.
      if (m.guests.action === 'customer') customerId = m.guests.customerId;
      else if (status === 'sold') return { ok: false, reason: 'missing_customer', message: `no customer id (${m.lines.customer_id?.column ?? 'lines.customer_id'}) and guests: quarantine`, readable };
    }
    if (status === 'sold') {
      const product = this.products.get(productId);
      if (!product || !hasPrice(product, m.products.price)) {
        return { ok: false, reason: 'no_product_price', message: `product ${productId} has no positive unit price on any sold line`, readable };
      }
    }
    return { ok: true, line: { orderId, orderedAt, customerId, productId, quantity, unitPrice, discount, status } };
  }

  /** Pass 1: customers (every readable line with a date) and products (sold lines). */
  private gather(row: Record<string, string> | undefined, _line: number): void {
    if (!row) return;
    const m = this.mapping;
    const orderedAt = this.dates.read(this.lineValue(m.lines.ordered_at, row));
    if (orderedAt === undefined) return;
    let customerId = normalizeId(this.lineValue(m.lines.customer_id, row), m.formats.idsStripZeroFraction);
    if (customerId === '' && m.guests.action === 'customer') customerId = m.guests.customerId;
    if (customerId !== '') this.aggregate(this.customers, customerId, orderedAt, row, this.entityColumns.customers);
    if (this.statusOf(row) !== 'sold') return;
    const productId = normalizeId(this.lineValue(m.lines.product_id, row), m.formats.idsStripZeroFraction);
    if (productId === '') return;
    const product = this.aggregate(this.products, productId, orderedAt, row, this.entityColumns.products);
    const price = parseDecimal(this.lineValue(m.lines.unit_price, row), m.formats);
    if (price !== undefined && price > 0n) {
      if (product.latestPriceAt === undefined || orderedAt >= product.latestPriceAt) {
        product.latestPositivePrice = price;
        product.latestPriceAt = orderedAt;
      }
      if (m.products.price?.derive === 'most_frequent_positive_unit_price') {
        product.priceCounts ??= new Map();
        product.priceCounts.set(price, (product.priceCounts.get(price) ?? 0) + 1);
      }
    }
  }

  private aggregate(map: Map<string, EntityAgg>, key: string, orderedAt: number, row: Record<string, string>, columns: Array<{ column: string; spec: ValueSpec; key: string }>): EntityAgg {
    let agg = map.get(key);
    if (!agg) {
      agg = { firstOrderedAt: orderedAt, pickers: new Map() };
      map.set(key, agg);
    } else if (orderedAt < agg.firstOrderedAt) agg.firstOrderedAt = orderedAt;
    for (const { column, spec, key: pickerKey } of columns) {
      let picker = agg.pickers.get(pickerKey);
      if (!picker) agg.pickers.set(pickerKey, (picker = new ValuePicker()));
      picker.add(transformValue(spec, row[column] ?? ''), spec.pick);
    }
    return agg;
  }

  private order(orderId: string, customerId: string, orderedAt: number): OrderAgg {
    let order = this.orders.get(orderId);
    if (!order) {
      order = { customerId, orderedAt, lines: 0, totalCents: 0n, statuses: 0, returnLines: 0 };
      this.orders.set(orderId, order);
    } else if (order.lines === 0 && order.customerId === '') {
      order.customerId = customerId;
      order.orderedAt = orderedAt;
    } else if (orderedAt < order.orderedAt) order.orderedAt = orderedAt;
    return order;
  }

  /** Counts an order under a status of a line that did not convert (a cancellation's invoice). */
  private noteOrderStatus(row: Record<string, string>, status: LineStatus): OrderAgg | undefined {
    const orderId = this.orderKey(row);
    if (orderId === undefined) return undefined;
    const order = this.orders.get(orderId) ?? { customerId: '', orderedAt: Number.MAX_SAFE_INTEGER, lines: 0, totalCents: 0n, statuses: 0, returnLines: 0 };
    order.statuses |= STATUS_BITS[status];
    this.orders.set(orderId, order);
    return order;
  }

  private headerValues(row: Record<string, string>): Map<string, string> {
    return new Map(this.headerColumns.map(({ column, spec, key }) => [key, transformValue(spec, row[column] ?? '')]));
  }

  private async writeCustomers(outDir: string): Promise<number> {
    const writer = new Writer(join(outDir, 'customers.csv'), CONTRACT_COLUMNS.customers);
    for (const [id, agg] of this.customers) {
      await writer.row(CONTRACT_COLUMNS.customers.map((column) => (column === 'customer_id' ? id : this.entityValue('customers', column, id, agg))));
    }
    await writer.close();
    return writer.count;
  }

  private async writeProducts(outDir: string): Promise<number> {
    const writer = new Writer(join(outDir, 'products.csv'), CONTRACT_COLUMNS.products);
    for (const [id, agg] of this.products) {
      if (!hasPrice(agg, this.mapping.products.price)) continue;
      await writer.row(CONTRACT_COLUMNS.products.map((column) => (column === 'product_id' ? id : this.entityValue('products', column, id, agg))));
    }
    await writer.close();
    return writer.count;
  }

  private async writeOrders(outDir: string): Promise<{ orders: number; byStatus: Record<LineStatus, number> }> {
    const writer = new Writer(join(outDir, 'transactions.csv'), CONTRACT_COLUMNS.transactions);
    const byStatus: Record<LineStatus, number> = { sold: 0, cancelled: 0, adjusted: 0, void: 0 };
    for (const [id, order] of this.orders) {
      for (const status of Object.keys(STATUS_BITS) as LineStatus[]) if (order.statuses & STATUS_BITS[status]) byStatus[status]++;
      if (order.lines === 0) continue;
      const { date, time } = utcDateTime(order.orderedAt);
      await writer.row(
        CONTRACT_COLUMNS.transactions.map((column) => {
          switch (column) {
            case 'transaction_id':
              return id;
            case 'customer_id':
              return order.customerId;
            case 'transaction_date':
              return date;
            case 'transaction_time':
              return time;
            case 'total_amount':
              return formatCents(order.totalCents);
            default: {
              const spec = this.mapping.transactions[column];
              if (!spec) return undefined;
              if (spec.constant !== undefined) return spec.constant;
              if (spec.template !== undefined) return fillTemplate(spec.template, { transaction_id: id }, (c) => order.header?.get(`column:${c}`));
              return order.header?.get(`${column}`) ?? '';
            }
          }
        }),
      );
    }
    await writer.close();
    return { orders: writer.count, byStatus };
  }

  private entityValue(entity: 'customers' | 'products', column: string, id: string, agg: EntityAgg): string | undefined {
    const spec = this.mapping[entity][column];
    if (!spec) return undefined;
    if (spec.derive === 'first_order_date') return utcDateTime(agg.firstOrderedAt).date;
    if (spec.derive) {
      const price = productPrice(agg, spec);
      return price === undefined ? undefined : formatMicro(price);
    }
    if (spec.constant !== undefined) return spec.constant;
    const key = entity === 'customers' ? 'customer_id' : 'product_id';
    if (spec.template !== undefined) return fillTemplate(spec.template, { [key]: id }, (c) => agg.pickers.get(`column:${c}`)?.value('latest'));
    const value = agg.pickers.get(column)?.value(spec.pick) ?? spec.default ?? '';
    if (DECIMAL_COLUMNS.has(`${entity}.${column}`)) {
      const micro = parseDecimal(value, this.mapping.formats);
      return micro === undefined ? value : formatMicro(micro);
    }
    return value;
  }
}

function productPrice(agg: EntityAgg, spec: ValueSpec | undefined): bigint | undefined {
  if (spec?.derive === 'most_frequent_positive_unit_price' && agg.priceCounts) {
    let best: bigint | undefined;
    let bestCount = 0;
    for (const [price, count] of agg.priceCounts) if (count > bestCount) [best, bestCount] = [price, count];
    return best;
  }
  return agg.latestPositivePrice;
}

/** A price read from a column or given: the product stands on it, not on its lines' prices. */
function hasPrice(agg: EntityAgg, spec: ValueSpec | undefined): boolean {
  return spec?.derive === undefined || productPrice(agg, spec) !== undefined;
}

/** The source columns an entity's specs aggregate: each read column by its contract column, each template column as `column:Name`. */
function columnsOf(specs: Record<string, ValueSpec>): Array<{ column: string; spec: ValueSpec; key: string }> {
  const out: Array<{ column: string; spec: ValueSpec; key: string }> = [];
  for (const [contractColumn, spec] of Object.entries(specs)) {
    if (spec.column !== undefined) out.push({ column: spec.column, spec, key: contractColumn });
    for (const [, inner] of (spec.template ?? '').matchAll(/\{column:([^}]+)\}/g)) {
      out.push({ column: inner, spec: { column: inner, pick: 'latest' }, key: `column:${inner}` });
    }
  }
  return out;
}

/** Fills the placeholders; the separators around a blank one go with it (`, London , GB` → `London, GB`). */
function fillTemplate(template: string, keys: Record<string, string>, column: (name: string) => string | undefined): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_, inner: string) => (inner.startsWith('column:') ? (column(inner.slice(7)) ?? '') : (keys[inner] ?? '')));
  return filled.replace(/\s+,/g, ',').replace(/,(\s*,)+/g, ',').replace(/^[\s,]+|[\s,]+$/g, '').replace(/ {2,}/g, ' ');
}

/** Trim, default for blank, split a full name, then map: what a source value becomes. */
export function transformValue(spec: ValueSpec, raw: string): string {
  let value = raw.trim();
  if (value === '' && spec.default !== undefined) value = spec.default;
  if (spec.split && value !== '') {
    const space = value.indexOf(' ');
    value = spec.split === 'first' ? (space < 0 ? value : value.slice(0, space)) : space < 0 ? '' : value.slice(space + 1);
  }
  if (spec.map) {
    const mapped = spec.map[value];
    if (mapped !== undefined) return mapped;
    if (spec.otherwise !== undefined) return spec.otherwise;
  }
  return value;
}

function matches(rule: StatusRule, raw: string, mapping: Mapping): boolean {
  const value = raw.trim();
  if (rule.starts_with !== undefined) return value.startsWith(rule.starts_with);
  if (rule.equals !== undefined) return value === rule.equals;
  if (rule.present) return value !== '';
  if (rule.below !== undefined) {
    const number = parseDecimal(value, mapping.formats);
    return number !== undefined && number < BigInt(Math.round(rule.below * 1_000_000));
  }
  return false;
}

export type { MappedEntity };
export { MappingSourceError, selectSourceFiles };
