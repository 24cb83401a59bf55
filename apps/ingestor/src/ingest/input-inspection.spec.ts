import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ENTITY_SPECS } from '@ecom/contracts';
import { HEADER_PROBE_BYTES, inspectInputFile } from './input-inspection';

const HEADER = ENTITY_SPECS.customers.columns.join(',');
const ROW = 'C1,Ann,Lee,ann@example.com,555,2024-01-01,Pune,MH,India,26-35';

describe('inspectInputFile: what the plan finds wrong with a file before anything lands', () => {
  let dir: string;
  let seq = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecom-inspection-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function inspect(content: string | Buffer): Promise<string | undefined> {
    const path = join(dir, `customers-${++seq}.csv`);
    writeFileSync(path, content);
    return inspectInputFile(path, 'customers');
  }

  it('accepts a contract header in any order and case, with a BOM, extra columns, CRLF or no line end', async () => {
    expect(await inspect(`${HEADER}\n${ROW}\n`)).toBeUndefined();
    expect(await inspect(`\uFEFF${HEADER}\r\n${ROW}\r\n`)).toBeUndefined();
    expect(await inspect([...ENTITY_SPECS.customers.columns].reverse().join(',').toUpperCase() + ',loyalty_tier\n')).toBeUndefined();
    expect(await inspect(HEADER)).toBeUndefined();
    expect(await inspect(`"customer_id","first_name",${HEADER.split(',').slice(2).join(',')}\n`)).toBeUndefined();
  });

  it('names line 1 and what is wrong with a header that does not fit the contract', async () => {
    expect(await inspect('')).toBe('line 1: the file is empty (no header line)');
    expect(await inspect('\uFEFF')).toBe('line 1: the file is empty (no header line)');
    expect(await inspect(`\n${HEADER}\n`)).toBe('line 1: the header line is blank');
    expect(await inspect(HEADER.replace(',email', '') + '\n')).toBe('line 1: missing column email');
    expect(await inspect(HEADER.replace(',email,phone', '') + '\n')).toBe('line 1: missing columns email, phone');
    expect(await inspect(`${HEADER},EMAIL\n`)).toBe('line 1: duplicated column email');
    expect(await inspect(HEADER.replaceAll(',', ';') + '\n')).toBe(
      "line 1: the header is one column separated by ';': input files must be comma-separated",
    );
    expect(await inspect(HEADER.replaceAll(',', '\t') + '\n')).toBe(
      'line 1: the header is one column separated by tabs: input files must be comma-separated',
    );
    expect(await inspect(`"customer_id,${HEADER}\n`)).toMatch(/^line 1: the header cannot be parsed: Quote Not Closed/);
  });

  it('calls binary, UTF-16 and non-UTF-8 files what they are instead of reporting missing columns', async () => {
    expect(await inspect(gzipSync(`${HEADER}\n${ROW}\n`))).toBe('line 1: binary data (byte 0x1f at offset 0): not a CSV text file');
    expect(await inspect(Buffer.from(`\uFEFF${HEADER}\n`, 'utf16le'))).toBe('line 1: the file is UTF-16 text: input files must be UTF-8');
    expect(await inspect(Buffer.concat([Buffer.from('customer_id,f'), Buffer.from([0xe9]), Buffer.from('\n')]))).toBe(
      'line 1: the header is not valid UTF-8: not a CSV text file',
    );
    expect(await inspect('x'.repeat(HEADER_PROBE_BYTES + 10))).toBe('line 1: no line break in the first 256 KiB: not a CSV header');
  });

  it('says when the file cannot be read', async () => {
    expect(await inspectInputFile(join(dir, 'nothing-here.csv'), 'customers')).toBe('cannot be read (ENOENT)');
  });
});
