/**
 * The input files of docs/contract.md section 1. Column order in a file is free: files are matched by
 * header name. `key` is the column that identifies a record.
 */
export const ENTITIES = ['customers', 'products', 'transactions', 'transaction_items'] as const;
export type Entity = (typeof ENTITIES)[number];

export interface EntitySpec {
  entity: Entity;
  fileName: string;
  key: string;
  columns: readonly string[];
}

export const ENTITY_SPECS: Record<Entity, EntitySpec> = {
  customers: {
    entity: 'customers',
    fileName: 'customers.csv',
    key: 'customer_id',
    columns: [
      'customer_id',
      'first_name',
      'last_name',
      'email',
      'phone',
      'registration_date',
      'city',
      'state',
      'country',
      'age_group',
    ],
  },
  products: {
    entity: 'products',
    fileName: 'products.csv',
    key: 'product_id',
    columns: [
      'product_id',
      'product_name',
      'category',
      'sub_category',
      'price',
      'cost',
      'brand',
      'stock_quantity',
      'supplier_id',
    ],
  },
  transactions: {
    entity: 'transactions',
    fileName: 'transactions.csv',
    key: 'transaction_id',
    columns: [
      'transaction_id',
      'customer_id',
      'transaction_date',
      'transaction_time',
      'payment_method',
      'shipping_address',
      'total_amount',
    ],
  },
  transaction_items: {
    entity: 'transaction_items',
    fileName: 'transaction_items.csv',
    key: 'item_id',
    columns: [
      'item_id',
      'transaction_id',
      'product_id',
      'quantity',
      'unit_price',
      'discount_percentage',
      'line_total',
    ],
  },
};

export const AGE_GROUPS = ['18-25', '26-35', '36-45', '46-60', '60+'] as const;

const PART_FILE = /^(customers|products|transactions|transaction_items)(?:\.part-(\d{4,}))?\.csv$/;

/** Recognises `transactions.csv` and `transactions.part-0001.csv`; anything else is not an input file. */
export function parseInputFileName(fileName: string): { entity: Entity; part: number } | undefined {
  const match = PART_FILE.exec(fileName);
  if (!match) return undefined;
  return { entity: match[1] as Entity, part: match[2] ? Number(match[2]) : 0 };
}

export function partFileName(entity: Entity, part: number, parts: number): string {
  if (parts <= 1) return ENTITY_SPECS[entity].fileName;
  return `${entity}.part-${String(part + 1).padStart(4, '0')}.csv`;
}

/** The four file names a batch folder may hold, in entity order. */
export const INPUT_FILE_NAMES: readonly string[] = ENTITIES.map((entity) => ENTITY_SPECS[entity].fileName);

/**
 * The folder rule (docs/operations.md, "Running on your own folders"): a batch folder holds any
 * non-empty subset of the four entities. A folder of new orders only is a delta against what
 * production already holds, so no file is required; but a folder with none of them is a mistake
 * (a wrong path, files not yet copied), said in one line before any run starts.
 */
export function inputEntitiesOf(fileNames: Iterable<string>): Entity[] {
  const found = new Set<Entity>();
  for (const name of fileNames) {
    const recognised = parseInputFileName(name);
    if (recognised) found.add(recognised.entity);
  }
  return ENTITIES.filter((entity) => found.has(entity));
}

export function noInputFileMessage(folder: string): string {
  return `no input file in ${folder}: expected at least one of ${INPUT_FILE_NAMES.join(', ')} (or their .part-NNNN.csv parts)`;
}
