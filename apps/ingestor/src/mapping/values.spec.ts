import { DateTimeReader, formatCents, formatMicro, lineTotalCents, normalizeId, parseDecimal, parseInteger, utcDateTime } from './values';

const DOT = { decimalPoint: '.', thousandsSeparator: '' } as const;
const COMMA = { decimalPoint: ',', thousandsSeparator: '.' } as const;

describe('the conversions a mapping names', () => {
  it('reads decimals exactly in the source notation, and refuses what is not one', () => {
    expect(parseDecimal('2.55', DOT)).toBe(2_550_000n);
    expect(parseDecimal('0.001', DOT)).toBe(1_000n);
    expect(parseDecimal('-11062.06', DOT)).toBe(-11_062_060_000n);
    expect(parseDecimal(' 27.5 ', DOT)).toBe(27_500_000n);
    expect(parseDecimal('1.234,50', COMMA)).toBe(1_234_500_000n);
    expect(parseDecimal('1,234.50', { decimalPoint: '.', thousandsSeparator: ',' })).toBe(1_234_500_000n);
    for (const bad of ['', 'abc', '1.2.3', '12,5', '0.0000001', '.', '-']) expect(parseDecimal(bad, DOT)).toBeUndefined();
    expect(formatMicro(1_000n)).toBe('0.001');
    expect(formatMicro(27_500_000n)).toBe('27.50');
    expect(formatMicro(-896_812_490_000n)).toBe('-896812.49');
  });

  it('reads quantities as whole numbers only', () => {
    expect(parseInteger('80995', DOT)).toBe(80995);
    expect(parseInteger('-6', DOT)).toBe(-6);
    expect(parseInteger('6.0', DOT)).toBe(6);
    expect(parseInteger('6.5', DOT)).toBeUndefined();
    expect(parseInteger('six', DOT)).toBeUndefined();
  });

  it('rounds a line total to the cent half away from zero, as PostgreSQL round() does', () => {
    expect(formatCents(lineTotalCents(6, 2_550_000n, 0n))).toBe('15.30');
    expect(formatCents(lineTotalCents(5, 1_000n, 0n))).toBe('0.01'); // 0.005
    expect(formatCents(lineTotalCents(4, 1_000n, 0n))).toBe('0.00'); // 0.004
    expect(formatCents(lineTotalCents(-5, 1_000n, 0n))).toBe('-0.01');
    expect(formatCents(lineTotalCents(3, 9_990_000n, 10_000_000n))).toBe('26.97'); // 29.97 less 10%
  });

  it('turns float-written ids back into ids, and only when the mapping says so', () => {
    expect(normalizeId('17850.0', true)).toBe('17850');
    expect(normalizeId(' 17850.00 ', true)).toBe('17850');
    expect(normalizeId('17850.5', true)).toBe('17850.5');
    expect(normalizeId('85123A', true)).toBe('85123A');
    expect(normalizeId('17850.0', false)).toBe('17850.0');
  });

  it('reads date-times in any of the formats, as wall time of the source zone, to UTC', () => {
    const london = new DateTimeReader(['YYYY-MM-DD HH:mm:ss', 'M/D/YYYY H:mm'], 'Europe/London');
    const at = (text: string) => {
      const epoch = london.read(text);
      return epoch === undefined ? undefined : utcDateTime(epoch);
    };
    expect(at('2010-12-01 08:26:00')).toEqual({ date: '2010-12-01', time: '08:26:00' }); // GMT
    expect(at('12/1/2010 8:26')).toEqual({ date: '2010-12-01', time: '08:26:00' }); // UCI's own layout
    expect(at('2011-07-06 13:18:00')).toEqual({ date: '2011-07-06', time: '12:18:00' }); // BST
    expect(at('7/6/2011 0:30')).toEqual({ date: '2011-07-05', time: '23:30:00' }); // BST moves it a day back
    for (const bad of ['2011-02-30 10:00:00', '13/1/2010 8:26', '2010-12-01', 'yesterday', '2010-12-01 24:00:00']) expect(at(bad)).toBeUndefined();
  });

  it('takes a written offset over the zone', () => {
    const shop = new DateTimeReader(['YYYY-MM-DD HH:mm:ss Z'], 'UTC');
    expect(utcDateTime(shop.read('2024-03-05 21:30:00 -0500')!)).toEqual({ date: '2024-03-06', time: '02:30:00' });
    expect(utcDateTime(shop.read('2024-04-02 12:00:00 +01:00')!)).toEqual({ date: '2024-04-02', time: '11:00:00' });
    expect(shop.read('2024-04-02 12:00:00')).toBeUndefined();
  });
});
