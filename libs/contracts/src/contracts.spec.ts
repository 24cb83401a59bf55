import {
  ENTITY_SPECS,
  GeneratePartPayload,
  InvalidPayloadError,
  RunJobPayload,
  analysisToCsv,
  nextStage,
  inputEntitiesOf,
  noInputFileMessage,
  parseInputFileName,
  parsePayload,
  partFileName,
  partJobId,
  stageJobId,
} from './index';

describe('contracts shared by every stage', () => {
  it('chains the six stages in order and ends after analytics', () => {
    expect(nextStage('generate')).toBe('ingest');
    expect(nextStage('ingest')).toBe('validate');
    expect(nextStage('warehouse')).toBe('analytics');
    expect(nextStage('analytics')).toBeUndefined();
  });

  it('builds deterministic job ids without the colon BullMQ forbids', () => {
    expect(stageJobId('r1', 'validate')).toBe('r1-validate');
    expect(partJobId('r1', 'ingest', 'transactions.part-0002.csv')).toBe('r1-ingest-transactions.part-0002.csv');
    expect(partJobId('r1', 'ingest', 'a:b/c')).toBe('r1-ingest-a_b_c');
  });

  it('recognises input files and their parts, and names parts the same way', () => {
    expect(parseInputFileName('customers.csv')).toEqual({ entity: 'customers', part: 0 });
    expect(parseInputFileName('transaction_items.part-0003.csv')).toEqual({ entity: 'transaction_items', part: 3 });
    expect(parseInputFileName('transactions.CSV')).toBeUndefined();
    expect(parseInputFileName('notes.txt')).toBeUndefined();
    expect(partFileName('transactions', 0, 1)).toBe('transactions.csv');
    expect(partFileName('transactions', 1, 3)).toBe('transactions.part-0002.csv');
    expect(parseInputFileName(partFileName('transaction_items', 9, 12))).toEqual({ entity: 'transaction_items', part: 10 });
  });

  it('finds which entities a folder delivers: any non-empty subset is a batch, none is said in one line', () => {
    expect(inputEntitiesOf(['transaction_items.part-0002.csv', 'transactions.csv', 'notes.txt'])).toEqual(['transactions', 'transaction_items']);
    expect(inputEntitiesOf(['products.csv'])).toEqual(['products']);
    expect(inputEntitiesOf(['orders.csv', 'Customers.CSV', 'README.md'])).toEqual([]);
    expect(noInputFileMessage('data/in')).toBe(
      'no input file in data/in: expected at least one of customers.csv, products.csv, transactions.csv, transaction_items.csv (or their .part-NNNN.csv parts)',
    );
  });

  it('keeps the docs/contract.md column lists', () => {
    expect(ENTITY_SPECS.transaction_items.columns).toEqual([
      'item_id',
      'transaction_id',
      'product_id',
      'quantity',
      'unit_price',
      'discount_percentage',
      'line_total',
    ]);
    expect(ENTITY_SPECS.customers.key).toBe('customer_id');
  });

  it('rejects a malformed job payload with a message naming the field and the job', () => {
    expect(parsePayload(RunJobPayload, { runId: 'abc-1' }, 'validate job 1').runId).toBe('abc-1');
    expect(() => parsePayload(RunJobPayload, { runId: 'a b;drop' }, 'validate job 7')).toThrow(
      new InvalidPayloadError('invalid RunJobPayload in validate job 7: runId: runId must be 1-64 letters, digits, _ or -'),
    );
    expect(() => parsePayload(GeneratePartPayload, { runId: 'r', entity: 'orders', part: -1 }, 'generate job 2')).toThrow(
      /entity: entity must be one of the following values.*part: part must not be less than 0/,
    );
  });

  it('exports an analysis as RFC 4180 CSV in the analysis column order', () => {
    const csv = analysisToCsv({
      columns: ['product_id', 'product_name', 'revenue'],
      rows: [
        { revenue: 10.5, product_name: 'Desk, "oak"', product_id: 'P1' },
        { revenue: 3, product_name: 'Lamp\nsmall', product_id: 'P2' },
      ],
    });
    expect(csv).toBe('product_id,product_name,revenue\nP1,"Desk, ""oak""",10.5\nP2,"Lamp\nsmall",3\n');
  });
});
