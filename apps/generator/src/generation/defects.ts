import type { Entity } from '@ecom/contracts';
import { customerId, productId, transactionId } from './model';
import { RecordRandom, streamKey } from './random';

/**
 * Defect injection (`--defects RATE`): realistic damage a shop export carries, written on purpose
 * and listed in a manifest, so a test can hold the pipeline to finding every defect under the
 * right reason and nothing else.
 *
 * Each record draws its own defect from a stream of its own, like every other generated value:
 * the same seed and rate give the same defects whatever the parts and threads. That also lets a
 * transactions part know, without reading other files, whether the customer or a product it
 * refers to was damaged — which is what makes the consequences (an order of a rejected customer
 * is an orphan) predictable, and so part of the manifest.
 */

/** Where a reject is recorded: the ingestor (unreadable lines) or the transformer (bad values). */
export type RejectStage = 'ingest' | 'transform';

/** One line the pipeline must quarantine, and why. */
export interface ExpectedReject {
  /** 1-based physical line the record starts on; the header is line 1. */
  line: number;
  stage: RejectStage;
  reason: string;
  /** What was injected (a defect kind), or 'consequence' for a line that is only collateral. */
  kind: string;
  /** The record's business key as written (may be blank when the defect blanks it). */
  key: string;
  /** For a consequence: the damaged record it follows from, e.g. "customers CUST00000012". */
  causedBy?: string;
}

/** A valid value that is hard to carry (quotes, commas, line breaks, emoji, other scripts, length). */
export interface TrickyValue {
  line: number;
  key: string;
  column: string;
  value: string;
  /** Set for formula-like text (FORMULA_LIKE_VALUES): stored as given, exported neutralised. */
  kind?: typeof FORMULA_LIKE_KIND;
  /** How every CSV export must show the value (formula-like text: with a quote in front). */
  exportedAs?: string;
}

/**
 * A categorical value written in another spelling (case, spaces, an alias) that must load, under
 * the canonical spelling `value` (config/categorical-values.yaml), into production.
 */
export interface CanonicalValue {
  line: number;
  key: string;
  column: string;
  /** As written in the file. */
  written: string;
  /** As production must hold it. */
  value: string;
  kind: typeof SPELLING_VARIANT;
}

/** What one written file holds: its records, the lines it must lose, the values it must keep exactly. */
export interface FileManifest {
  file: string;
  entity: Entity;
  /** Data records written (the header not counted); a record may span several lines. */
  records: number;
  rejects: ExpectedReject[];
  tricky: TrickyValue[];
  /** Lines that load, with a value production must hold in its canonical spelling. */
  canonical: CanonicalValue[];
}

/**
 * Kinds whose line loads: a categorical value in another spelling, expected in production under
 * its canonical one (the manifest's `canonical` list), never quarantined.
 */
export const SPELLING_VARIANT = 'spelling_variant';
export const LOADS_CANONICAL = 'loads_canonical';

/**
 * Other names of generated values, as config/categorical-values.yaml lists them (a generator test
 * holds the two together): a spelling variant may be one of these.
 */
export const SPELLING_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'United States': ['USA', 'US', 'United States of America'],
  'United Kingdom': ['UK', 'Great Britain'],
  Germany: ['Deutschland'],
  'Cash on Delivery': ['COD', 'Cash On Delivery'],
  'Digital Wallet': ['E-Wallet'],
  'Net Banking': ['Netbanking', 'Internet Banking'],
  'Home & Kitchen': ['Home and Kitchen'],
  'Sports & Outdoors': ['Sports and Outdoors'],
  'Beauty & Personal Care': ['Beauty and Personal Care'],
  'Toys & Games': ['Toys and Games'],
};

/** Payment methods no shop export should carry: quarantined as unknown_value. */
export const UNKNOWN_PAYMENT_METHODS = ['Bitcoin', 'Cheque', 'Store Credit', 'Barter', 'Gift Voucher'] as const;

/** Defects per entity, with the reason code the pipeline gives each (see sql/transform/*.sql). */
export const DEFECT_REASONS = {
  customers: {
    exact_duplicate: 'duplicate_line',
    conflicting_duplicate: 'duplicate_superseded',
    missing_required: 'missing_required',
    malformed_email: 'invalid_email',
    unparseable_date: 'invalid_date',
    future_date: 'future_date',
    stray_quote: 'parse_error',
    field_count: 'field_count',
    spelling_variant: LOADS_CANONICAL,
    // A later version of the record that is invalid: it is rejected, the earlier valid one loads.
    invalid_later_duplicate: 'invalid_email',
  },
  products: {
    exact_duplicate: 'duplicate_line',
    conflicting_duplicate: 'duplicate_superseded',
    missing_required: 'missing_required',
    non_numeric_price: 'invalid_number',
    negative_price: 'non_positive_price',
    absurd_price: 'implausible_value',
    cost_not_below_price: 'cost_not_below_price',
    stray_quote: 'parse_error',
    field_count: 'field_count',
    spelling_variant: LOADS_CANONICAL,
    invalid_later_duplicate: 'non_positive_price',
  },
  transactions: {
    exact_duplicate: 'duplicate_line',
    conflicting_duplicate: 'duplicate_superseded',
    missing_required: 'missing_required',
    unparseable_date: 'invalid_date',
    future_date: 'future_date',
    before_registration: 'before_registration',
    wrong_total: 'total_amount_mismatch',
    unknown_customer: 'orphan_customer',
    stray_quote: 'parse_error',
    field_count: 'field_count',
    spelling_variant: LOADS_CANONICAL,
    unknown_payment_method: 'unknown_value',
    invalid_later_duplicate: 'invalid_date',
    // One line of the order damaged (its own reason, invalid_number); the order goes whole: the
    // header as order_line_rejected, its other lines as order_rejected.
    partly_bad_lines: 'order_line_rejected',
  },
  // Item lines get no unreadable-line defects: a lost item line would change its order's total
  // as the transformer sees it, turning one defect into a different one on another file.
  transaction_items: {
    exact_duplicate: 'duplicate_line',
    conflicting_duplicate: 'duplicate_superseded',
    missing_required: 'missing_required',
    non_numeric_quantity: 'invalid_number',
    non_positive_quantity: 'non_positive_quantity',
    negative_price: 'negative_value',
    absurd_quantity: 'implausible_value',
    discount_out_of_range: 'discount_out_of_range',
    wrong_line_total: 'line_total_mismatch',
    unknown_product: 'orphan_product',
    unknown_transaction: 'orphan_transaction',
    invalid_later_duplicate: 'invalid_number',
  },
} as const satisfies Record<Entity, Record<string, string>>;

export type DefectKind<E extends Entity> = keyof (typeof DEFECT_REASONS)[E] & string;

const INGEST_REASONS: ReadonlySet<string> = new Set(['parse_error', 'field_count']);

export function rejectStage(reason: string): RejectStage {
  return INGEST_REASONS.has(reason) ? 'ingest' : 'transform';
}

/**
 * Duplicates leave one good copy that loads, a spelling variant loads canonical; every other defect
 * keeps the record out of production.
 */
export function keepsRecord(kind: string): boolean {
  return kind === 'exact_duplicate' || kind === 'conflicting_duplicate' || kind === SPELLING_VARIANT || kind === 'invalid_later_duplicate';
}

/**
 * Another spelling of a canonical value: upper or lower case, padded with doubled inner spaces, or
 * an alias; never the value itself.
 */
export function spellingVariant(value: string, random: RecordRandom): string {
  const candidates = [
    value.toUpperCase(),
    value.toLowerCase(),
    `  ${value.replaceAll(' ', '   ')} `,
    ...(SPELLING_ALIASES[value] ?? []),
  ].filter((candidate) => candidate !== value);
  return candidates[random.below(candidates.length)];
}

/**
 * Order defects decided at the order level (after its lines): the order's lines carry no defect of
 * their own, so the order's one outcome stays predictable.
 */
export function isOrderLevel(kind: string): boolean {
  return kind === 'wrong_total' || kind === 'partly_bad_lines';
}

/** Ids no generated record has (the generator never makes this many), for orphan references. */
const UNKNOWN_OFFSET = 90_000_000;
export const unknownCustomerId = (index: number): string => customerId(UNKNOWN_OFFSET + (index % 9_000_000));
export const unknownProductId = (index: number): string => productId(900_000 + (index % 90_000));
export const unknownTransactionId = (index: number): string => transactionId(UNKNOWN_OFFSET + index);

/** Hard but valid values, per column, chosen to survive the transformer's cleaning unchanged. */
export const TRICKY_VALUES: Readonly<Record<Entity, Readonly<Record<string, readonly string[]>>>> = {
  customers: {
    // Names are title-cased by the transformer: these are already in that form.
    first_name: ['José', 'Zoë', 'Łukasz', 'Siobhán', 'Anne-Marie', 'Αλέξανδρος', 'Дмитрий', '李'],
    last_name: ["O'Connor", 'Müller-Lüdenscheidt', 'Nguyễn', 'Ødegård', 'Ñúñez', '王', 'Ибрагимова'],
    city: ['São Paulo', 'Zürich', 'Kraków, Old Town', '東京', 'Москва', 'Reykjavík'],
  },
  products: {
    product_name: [
      'Deluxe "Pro" Headphones, 2-pack',
      '🎧 Studio Monitor Headphones ✨',
      'Crème Brûlée Torch — Édition Spéciale',
      'ワイヤレスイヤホン 第3世代',
      'Беспроводные наушники',
      'سماعات لاسلكية',
      'Two-line\nproduct name, with comma',
      `Ultra ${'Long '.repeat(80)}Cable`,
    ],
    brand: ['Möbius & Söhne', 'Ōkami "Wolf" Co.', '三星'],
  },
  transactions: {
    shipping_address: [
      'Flat 3, "The Old Mill"\n12 High Street, Leeds',
      '北京市朝阳区建国路88号',
      'Calle Mayor 5, 2º Izq., Madrid 🏠',
      'ул. Ленина, д. 10, кв. 5, Москва',
      '221B Baker Street,\r\nLondon',
    ],
  },
  transaction_items: {},
};

/**
 * The defect (and tricky value) decisions of one data set: pure functions of (seed, rate, entity,
 * record index).
 */
export class DefectPlan {
  private readonly random = new RecordRandom();
  private readonly detailRandom = new RecordRandom();
  private readonly keys: Record<Entity | 'tricky', number>;

  constructor(
    seed: number,
    readonly rate: number,
  ) {
    this.keys = {
      customers: streamKey(seed, 'defects.customers'),
      products: streamKey(seed, 'defects.products'),
      transactions: streamKey(seed, 'defects.transactions'),
      transaction_items: streamKey(seed, 'defects.transaction_items'),
      tricky: streamKey(seed, 'defects.tricky'),
    };
  }

  /** The defect of record `index` of `entity` (items: transactionIndex * 100 + line), if any. */
  defectOf<E extends Entity>(entity: E, index: number): DefectKind<E> | undefined {
    const random = this.random.reseed(this.keys[entity], index);
    if (random.float() >= this.rate) return undefined;
    const kinds = Object.keys(DEFECT_REASONS[entity]) as Array<DefectKind<E>>;
    return kinds[random.below(kinds.length)];
  }

  /** True when the record never reaches production, so records referring to it are orphans. */
  rejects(entity: 'customers' | 'products' | 'transactions', index: number): boolean {
    const kind = this.defectOf(entity, index);
    return kind !== undefined && !keepsRecord(kind);
  }

  /** A tricky value for one column of a defect-free record, if the record gets one. */
  trickyOf(entity: Entity, index: number): { column: string; value: string; kind?: typeof FORMULA_LIKE_KIND } | undefined {
    const columns = trickyColumns(entity);
    if (columns.length === 0) return undefined;
    const random = this.random.reseed(this.keys.tricky, index * 4 + ['customers', 'products', 'transactions'].indexOf(entity));
    if (random.float() >= this.rate) return undefined;
    const { column, values, kind } = columns[random.below(columns.length)];
    const value = values[random.below(values.length)];
    return kind ? { column, value, kind } : { column, value };
  }

  /** A second draw for the details of a defect (which column, which bad value). */
  detail(entity: Entity, index: number): RecordRandom {
    return this.detailRandom.reseed(this.keys[entity] ^ 0x5bd1e995, index);
  }
}

export function itemDefectIndex(transactionIndex: number, line: number): number {
  return transactionIndex * 100 + line;
}

/**
 * Formula-like text (issue 12): valid values a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@` first). Production keeps them exactly; every CSV export shows them with a single quote in
 * front, quoted (libs/contracts csv-safe.ts). Drawn like the other tricky values, as one more
 * column choice per entity. No tab or CR first: the transformer trims those, so they could not
 * arrive as given.
 */
export const FORMULA_LIKE_KIND = 'formula_like';

export const FORMULA_LIKE_VALUES: Readonly<Partial<Record<Entity, Readonly<Record<string, readonly string[]>>>>> = {
  customers: { city: ['=Springfield', '@Home Town', '+Plus Ville', '-Minus Bay'] },
  products: {
    product_name: ['=1+2 Charging Cable', '=HYPERLINK("http://evil.example","Gift Card")', '@Home Smart Speaker', '+Plus Size Jacket', '-20% Sale Mug'],
  },
  transactions: {
    shipping_address: ["=cmd|' /C calc'!A0, 1 Main Street", '@Office, 4 Elm Road, Leeds', '+44 Baker Street, London', '-1 Basement, 7 Low Road'],
  },
};

/** How a CSV export shows a formula-like value: a quote in front (the cell is quoted too). */
export function exportedFormula(value: string): string {
  return `'${value}`;
}

function trickyColumns(entity: Entity): Array<{ column: string; values: readonly string[]; kind?: typeof FORMULA_LIKE_KIND }> {
  return [
    ...Object.entries(TRICKY_VALUES[entity]).map(([column, values]) => ({ column, values })),
    ...Object.entries(FORMULA_LIKE_VALUES[entity] ?? {}).map(([column, values]) => ({ column, values, kind: FORMULA_LIKE_KIND })),
  ];
}
