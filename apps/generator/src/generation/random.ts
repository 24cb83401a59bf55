/**
 * Counter-based randomness: every record draws from a generator seeded by (seed, stream, record
 * index), so a record's content depends on nothing but its own index. That is what makes the
 * files identical however the rows are split into parts and whatever order the parts run in, and
 * what lets a transaction part recompute a customer's or product's attributes without reading
 * their files.
 */

/** A 32-bit avalanche mix (lowbias32): nearby inputs give unrelated outputs. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a of a label, so each stream's key is readable in the code. */
function labelHash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The key of one independent stream of records (customers, products, orders...) under a seed. */
export function streamKey(seed: number, label: string): number {
  return mix32(mix32(seed) ^ labelHash(label));
}

const TWO_POW_32 = 4294967296;

/** sfc32, re-seeded per record; one instance is reused to avoid allocating per row. */
export class RecordRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  /** Positions the generator at the start of record `index` of the stream `key`. */
  reseed(key: number, index: number): this {
    const h = mix32(key ^ mix32(index + 0x9e3779b9));
    this.a = h;
    this.b = mix32(h ^ 0x85ebca6b);
    this.c = mix32(h + key);
    this.d = 1;
    // A few rounds spread the seed words through the whole state.
    for (let i = 0; i < 6; i++) this.next();
    return this;
  }

  /** A uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** A standard normal draw (Box-Muller; one of the pair is dropped to keep draws per record fixed). */
  normal(): number {
    const u = 1 - this.float(); // (0, 1]: log never sees 0
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Index drawn from a cumulative weight table (see cumulative()). */
  weighted(cumulativeWeights: Float64Array | readonly number[]): number {
    return this.weightedPrefix(cumulativeWeights, 0, cumulativeWeights.length);
  }

  /**
   * Index in [from, to) drawn by weight from a cumulative table: the slice's mass is
   * cum[to-1] - cum[from-1], so a prefix or any window of a table built once can be sampled.
   */
  weightedPrefix(cumulativeWeights: Float64Array | readonly number[], from: number, to: number): number {
    const base = from > 0 ? cumulativeWeights[from - 1] : 0;
    const u = base + this.float() * (cumulativeWeights[to - 1] - base);
    let lo = from;
    let hi = to - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulativeWeights[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Running sums of weights, for RecordRandom.weighted. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}
