import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { analysisToCsv } from './analysis-format';
import { isFormulaLike, neutraliseFormula, spreadsheetSafeCsv } from './csv-safe';

describe('spreadsheet-safe CSV exports (OWASP CSV injection)', () => {
  it('takes text starting with =, +, -, @, tab or CR for a formula, but not a plain number', () => {
    for (const text of ['=1+2', '=HYPERLINK("http://x.example","go")', '+A1', '-A1+2', '@SUM(A1:A2)', '\tcmd', '\r=1', '＝1', '-', '+', '- 12', '--3']) {
      expect({ text, formula: isFormulaLike(text) }).toEqual({ text, formula: true });
    }
    for (const text of ['-12.50', '+3', '-0.5', '-.5', '1e-5', '-2E+3', '12', 'Desk', ' =1', '', "'=1", 'a=b']) {
      expect({ text, formula: isFormulaLike(text) }).toEqual({ text, formula: false });
    }
    expect(neutraliseFormula('@Home')).toBe("'@Home");
    expect(neutraliseFormula('-12.50')).toBe('-12.50');
  });

  it('prefixes a quote and quotes the cell; numbers, plain text and stored values stay as they are', () => {
    const rows = [
      { name: '=1+2', amount: -12.5, text_amount: '-12.50', note: 'plain' },
      { name: '@SUM(A1:A9)', amount: 3, text_amount: '+3', note: '-minus, "quoted"' },
      { name: '\tTabbed', amount: 0, text_amount: '0', note: '\r=CR' },
    ];
    const csv = stringify(rows, spreadsheetSafeCsv({ header: true, columns: ['name', 'amount', 'text_amount', 'note'] }));
    expect(csv).toBe(
      'name,amount,text_amount,note\n' +
        `"'=1+2",-12.5,-12.50,plain\n` +
        `"'@SUM(A1:A9)",3,+3,"'-minus, ""quoted"""\n` +
        `"'\tTabbed",0,0,"'\r=CR"\n`,
    );
    // Read back, each cell is the value with one quote in front: nothing lost, nothing run.
    expect(parse(csv, { columns: true })).toEqual([
      { name: "'=1+2", amount: '-12.5', text_amount: '-12.50', note: 'plain' },
      { name: "'@SUM(A1:A9)", amount: '3', text_amount: '+3', note: `'-minus, "quoted"` },
      { name: "'\tTabbed", amount: '0', text_amount: '0', note: "'\r=CR" },
    ]);
    expect(rows[0].name).toBe('=1+2');
  });

  it('is what analysis exports use, booleans still as true / false', () => {
    const csv = analysisToCsv({
      columns: ['product_name', 'revenue', 'is_weekend'],
      rows: [
        { product_name: '=cmd|" /C calc"!A0', revenue: -4.25, is_weekend: true },
        { product_name: '-20% Sale Mug', revenue: '-4.25', is_weekend: false },
      ],
    });
    expect(csv).toBe(`product_name,revenue,is_weekend\n"'=cmd|"" /C calc""!A0",-4.25,true\n"'-20% Sale Mug",-4.25,false\n`);
  });
});
