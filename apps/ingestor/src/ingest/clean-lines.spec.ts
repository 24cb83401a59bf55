import { parse } from 'csv-parse/sync';
import { countCleanLines, numberLines } from './clean-lines';

const count = (text: string, width = 3) => {
  const bytes = Buffer.from(text);
  return countCleanLines(bytes, 0, bytes.length, width);
};

describe('countCleanLines: which lines may go to COPY (FORMAT csv) untouched', () => {
  it('counts lines of plain and RFC 4180 quoted fields, LF or CRLF, with or without a last line end', () => {
    expect(count('a,b,c\n')).toBe(1);
    expect(count('a,b,c\r\nd,e,f\r\n')).toBe(2);
    expect(count('a,b,c\nd,e,f')).toBe(2);
    expect(count('"a,1","b ""q""",c\n')).toBe(1);
    expect(count(',,\n"",,""\n')).toBe(2);
    expect(count('a,b,"c"')).toBe(1);
    expect(count('')).toBe(0);
  });

  it('counts empty lines as lines and as blank, wherever they are', () => {
    const blank = { lines: 0 };
    const bytes = Buffer.from('a,b,c\n\r\nd,e,f\n\n');
    expect(countCleanLines(bytes, 0, bytes.length, 3, blank)).toBe(4);
    expect(blank.lines).toBe(2);
    expect(numberLines(bytes, 0, bytes.length, 2, 4).toString()).toBe('2,a,b,c\n4,d,e,f\n');
  });

  it('refuses what the exact path must judge: counts, lines of spaces, stray quotes, quoted breaks, CR, NUL', () => {
    expect(count('a,b\n')).toBe(-1);
    expect(count('a,b,c,d\n')).toBe(-1);
    expect(count('a,b,c\n  \n')).toBe(-1);
    expect(count('a,b"x,c\n')).toBe(-1);
    expect(count('"a"x,b,c\n')).toBe(-1);
    expect(count('"a,b,c\n')).toBe(-1);
    expect(count('"a\nb",b,c\n')).toBe(-1);
    expect(count('a,b,c\rd,e,f\n')).toBe(-1);
    expect(count('a,b\r,c\n')).toBe(-1);
    expect(count('a,\u0000,c\n')).toBe(-1);
    expect(count('a,b,c\r')).toBe(-1);
    expect(count('\\.\n', 1)).toBe(1); // one field; the caller's widths are never 1
  });

  it('says clean only where csv-parse reads the same fields, line by line', () => {
    const samples = ['x,"y, z",""', ' a , b ,c ', '"",",",""""', 'ä,😀,"é""è"', 'a,b,', ',,'];
    for (const line of samples) {
      expect(count(`${line}\n`)).toBe(1);
      expect(parse(line, { relax_column_count: true })[0]).toHaveLength(3);
    }
  });
});

describe('numberLines', () => {
  it('puts the line number in front of each line and ends every line in LF', () => {
    const bytes = Buffer.from('a,b\r\nc,d\ne,f');
    const out = numberLines(bytes, 0, bytes.length, 9, 3);
    expect(out.toString()).toBe('9,a,b\n10,c,d\n11,e,f\n');
  });
});
