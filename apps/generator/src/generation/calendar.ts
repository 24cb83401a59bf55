import type { RecordRandom } from './random';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 (UTC) of a valid ISO date, or undefined. */
export function epochDay(isoDate: string): number | undefined {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Rejects dates that Date.UTC silently rolls over, like 2024-02-31.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * How much trade a calendar day gets relative to others. Flat for now; seasonality (holiday
 * peaks, weekday patterns) plugs in here without touching the rest of the generator.
 */
export type DayWeight = (day: number) => number;
export const flatDays: DayWeight = () => 1;

/**
 * The days orders may fall on, with their weights. Date strings are formatted once per day,
 * not once per row.
 */
export class OrderCalendar {
  private readonly cumulativeWeights: Float64Array;
  private readonly labels: string[];

  constructor(
    readonly firstDay: number,
    readonly lastDay: number,
    weight: DayWeight = flatDays,
  ) {
    const days = lastDay - firstDay + 1;
    this.cumulativeWeights = new Float64Array(days);
    this.labels = new Array<string>(days);
    let sum = 0;
    for (let i = 0; i < days; i++) {
      sum += weight(firstDay + i);
      this.cumulativeWeights[i] = sum;
      this.labels[i] = isoDate(firstDay + i);
    }
  }

  /** A day in [firstDay, lastDay] drawn by weight. */
  orderDay(random: RecordRandom): number {
    return this.firstDay + random.weighted(this.cumulativeWeights);
  }

  label(day: number): string {
    return this.labels[day - this.firstDay] ?? isoDate(day);
  }
}

/** HH:MM:SS of a second of the day. */
export function clockTime(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`;
}
