import type { GeneratorModel, YearSpan } from '@ecom/config';
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

/** How much trade a calendar day gets relative to others. */
export type DayWeight = (day: number) => number;
export const flatDays: DayWeight = () => 1;

/** The day after the fourth Thursday of November (US Thanksgiving), as an epoch day. */
export function blackFriday(year: number): number {
  const novemberFirst = Date.UTC(year, 10, 1) / DAY_MS;
  const weekday = new Date(novemberFirst * DAY_MS).getUTCDay(); // 0 = Sunday
  const firstThursday = novemberFirst + ((4 - weekday + 7) % 7);
  return firstThursday + 21 + 1;
}

/** MM-DD of an epoch day, to compare with configured year spans. */
function monthDay(day: number): string {
  return isoDate(day).slice(5);
}

function inSpan(md: string, span: YearSpan): boolean {
  return span.from <= span.to ? md >= span.from && md <= span.to : md >= span.from || md <= span.to;
}

/**
 * The shop's calendar: month × weekday × spikes, and whether a day is a promotion day. Pure
 * functions of the date, so a daily delta sees the same seasons as the base data set.
 */
export class ShopCalendar {
  private readonly blackFridays = new Map<number, number>();

  constructor(private readonly model: GeneratorModel) {}

  private blackFridayOf(day: number): number {
    const year = new Date(day * DAY_MS).getUTCFullYear();
    let bf = this.blackFridays.get(year);
    if (bf === undefined) {
      bf = blackFriday(year);
      this.blackFridays.set(year, bf);
    }
    return bf;
  }

  readonly dayWeight: DayWeight = (day) => {
    const date = new Date(day * DAY_MS);
    const mondayFirst = (date.getUTCDay() + 6) % 7;
    let weight = this.model.monthWeights[date.getUTCMonth()] * this.model.weekdayWeights[mondayFirst];
    const bf = this.blackFridayOf(day);
    if (day === bf) weight *= this.model.blackFridayWeight;
    if (day === bf + 3) weight *= this.model.cyberMondayWeight;
    const md = monthDay(day);
    for (const event of this.model.events) if (inSpan(md, event)) weight *= event.weight;
    return weight;
  };

  /** Black Friday through Cyber Monday, and the configured promotion spans. */
  isPromotion(day: number): boolean {
    const bf = this.blackFridayOf(day);
    if (day >= bf && day <= bf + 3) return true;
    const md = monthDay(day);
    return this.model.promotions.some((span) => inSpan(md, span));
  }
}

/**
 * The days orders may fall on, with their weights. Date strings are formatted once per day,
 * not once per row.
 */
export class OrderCalendar {
  private readonly cumulativeWeights: Float64Array;
  private readonly labels: string[];
  private readonly promotions: Uint8Array;
  private readonly laterLabels = new Map<number, string>();

  constructor(
    readonly firstDay: number,
    readonly lastDay: number,
    weight: DayWeight = flatDays,
    isPromotion: (day: number) => boolean = () => false,
  ) {
    const days = lastDay - firstDay + 1;
    this.cumulativeWeights = new Float64Array(days);
    this.labels = new Array<string>(days);
    this.promotions = new Uint8Array(days);
    let sum = 0;
    for (let i = 0; i < days; i++) {
      sum += weight(firstDay + i);
      this.cumulativeWeights[i] = sum;
      this.labels[i] = isoDate(firstDay + i);
      this.promotions[i] = isPromotion(firstDay + i) ? 1 : 0;
    }
  }

  /** Sum of the day weights over the window. */
  get totalWeight(): number {
    return this.cumulativeWeights[this.cumulativeWeights.length - 1];
  }

  isPromotion(day: number): boolean {
    return this.promotions[day - this.firstDay] === 1;
  }

  /** A day in [firstDay, lastDay] drawn by weight. */
  orderDay(random: RecordRandom): number {
    return this.firstDay + random.weighted(this.cumulativeWeights);
  }

  /** Days outside the window (a delta's) are formatted once too. */
  label(day: number): string {
    const inside = this.labels[day - this.firstDay];
    if (inside !== undefined) return inside;
    let label = this.laterLabels.get(day);
    if (label === undefined) {
      label = isoDate(day);
      this.laterLabels.set(day, label);
    }
    return label;
  }
}

/** HH:MM:SS of a second of the day. */
export function clockTime(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`;
}
