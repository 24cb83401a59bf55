/**
 * The conversions a mapping names (docs/mappings.md): decimals in the source's notation, ids that
 * went through a float column, date-times in the source's format and time zone. Each returns
 * undefined for a value it cannot read, so one bad value quarantines one line.
 */

/** Money and quantities are exact: integers of a millionth (UnitPrice has 3 decimals; 6 leave room). */
export const MICRO = 1_000_000n;
const MICRO_DIGITS = 6;

export interface DecimalFormat {
  decimalPoint: '.' | ',';
  thousandsSeparator: string;
}

/** `1,234.5` (or `1.234,5`) → 1234500000n micro-units; undefined when not a number or over 6 decimals. */
export function parseDecimal(text: string, format: DecimalFormat): bigint | undefined {
  let value = text.trim();
  if (value === '') return undefined;
  if (format.thousandsSeparator !== '') value = value.split(format.thousandsSeparator).join('');
  if (format.decimalPoint === ',') value = value.replace(',', '.');
  const match = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const fraction = match[3] ?? '';
  if (fraction.length > MICRO_DIGITS && /[1-9]/.test(fraction.slice(MICRO_DIGITS))) return undefined;
  const digits = BigInt((match[2] || '0') + fraction.slice(0, MICRO_DIGITS).padEnd(MICRO_DIGITS, '0'));
  return match[1] === '-' ? -digits : digits;
}

/** A whole number (`6`, `6.0`); undefined for anything else. */
export function parseInteger(text: string, format: DecimalFormat): number | undefined {
  const micro = parseDecimal(text, format);
  if (micro === undefined || micro % MICRO !== 0n) return undefined;
  const value = Number(micro / MICRO);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** micro-units → `12.5` style text with at least two decimals (`2.55`, `0.001`, `-11062.06`). */
export function formatMicro(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = abs / MICRO;
  let fraction = (abs % MICRO).toString().padStart(MICRO_DIGITS, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** cents → `12.50`. */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/**
 * round(quantity × unit_price × (1 − discount/100), 2) in cents, half away from zero: the contract's
 * line_total, which PostgreSQL's round() computes the same way when the transform checks it.
 */
export function lineTotalCents(quantity: number, unitPriceMicro: bigint, discountMicro: bigint): bigint {
  // quantity × price (micro) × (100 − discount) (micro) / 100 (micro) → micro² / 100; to cents: / 10^10.
  const scaled = BigInt(quantity) * unitPriceMicro * (100n * MICRO - discountMicro);
  const divisor = 100n * MICRO * 10_000n;
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const cents = (abs + divisor / 2n) / divisor;
  return negative ? -cents : cents;
}

/** `17850.0` → `17850` when the mapping says ids went through a float column; always trimmed. */
export function normalizeId(text: string, stripZeroFraction: boolean): string {
  const value = text.trim();
  return stripZeroFraction ? value.replace(/^(-?\d+)\.0+$/, '$1') : value;
}

interface CompiledFormat {
  regex: RegExp;
  fields: string[];
}

/** Reads date-times in one of the mapping's formats, as wall time in its zone, to UTC epoch ms. */
export class DateTimeReader {
  private readonly formats: CompiledFormat[];
  private readonly offsets = new Map<number, number>();
  private readonly zoneFormat: Intl.DateTimeFormat | undefined;

  constructor(formats: readonly string[], readonly timezone: string) {
    this.formats = formats.map(compileFormat);
    this.zoneFormat =
      timezone === 'UTC' || timezone === 'Etc/UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone: timezone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
  }

  /** UTC epoch milliseconds, or undefined when no format matches or the date is not a real one. */
  read(text: string): number | undefined {
    const value = text.trim();
    for (const format of this.formats) {
      const match = format.regex.exec(value);
      if (!match) continue;
      const parts: Record<string, string> = {};
      format.fields.forEach((field, i) => (parts[field] = match[i + 1]));
      const year = Number(parts.Y);
      const month = Number(parts.M);
      const day = Number(parts.D);
      const hour = Number(parts.H ?? 0);
      const minute = Number(parts.m ?? 0);
      const second = Number(parts.s ?? 0);
      if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
      const wall = Date.UTC(year, month - 1, day, hour, minute, second);
      if (new Date(wall).getUTCDate() !== day) return undefined;
      if (parts.Z !== undefined) {
        const zone = /^([+-])(\d\d):?(\d\d)$/.exec(parts.Z);
        if (parts.Z === 'Z' || parts.Z === 'UTC') return wall;
        if (!zone) return undefined;
        const minutes = (Number(zone[2]) * 60 + Number(zone[3])) * (zone[1] === '-' ? -1 : 1);
        return wall - minutes * 60_000;
      }
      return this.zoneFormat ? this.wallToUtc(wall) : wall;
    }
    return undefined;
  }

  /** The zone's offset at a wall time, cached per hour (zones change offsets on the hour or half hour). */
  private wallToUtc(wall: number): number {
    const guess = wall - this.offsetAt(wall);
    // Across a DST change the offset at the guess may differ: one correction settles it.
    return wall - this.offsetAt(guess);
  }

  private offsetAt(instant: number): number {
    const bucket = Math.floor(instant / 1_800_000);
    const cached = this.offsets.get(bucket);
    if (cached !== undefined) return cached;
    const at = bucket * 1_800_000;
    const parts = Object.fromEntries(this.zoneFormat!.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    const offset = local - at;
    this.offsets.set(bucket, offset);
    return offset;
  }
}

function compileFormat(format: string): CompiledFormat {
  const fields: string[] = [];
  let pattern = '';
  let last = 0;
  for (const match of format.matchAll(/YYYY|MM|M|DD|D|HH|H|mm|ss|Z/g)) {
    pattern += escapeRegex(format.slice(last, match.index)).replace(/ /g, '\\s+');
    const token = match[0];
    const digits: Record<string, string> = { YYYY: '(\\d{4})', MM: '(\\d{2})', M: '(\\d{1,2})', DD: '(\\d{2})', D: '(\\d{1,2})', HH: '(\\d{2})', H: '(\\d{1,2})', mm: '(\\d{2})', ss: '(\\d{2})', Z: '(Z|UTC|[+-]\\d\\d:?\\d\\d)' };
    pattern += digits[token];
    fields.push(token === 'mm' ? 'm' : token === 'ss' ? 's' : token[0]);
    last = match.index + token.length;
  }
  pattern += escapeRegex(format.slice(last)).replace(/ /g, '\\s+');
  return { regex: new RegExp(`^${pattern}$`), fields };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** UTC epoch ms → `YYYY-MM-DD` and `HH:MM:SS`: the contract's transaction_date and transaction_time. */
export function utcDateTime(epoch: number): { date: string; time: string } {
  const iso = new Date(epoch).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}
