export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median absolute deviation from the median. */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const center = median(values);
  return median(values.map((v) => Math.abs(v - center)));
}

/**
 * Iglewicz and Hoaglin's modified z-score, 0.6745 (x - median) / MAD: like a z-score, but one
 * wild day in the history cannot hide another. When more than half the history is identical the
 * MAD is 0; then the mean absolute deviation (scaled by 1.2533 to match) stands in, and when that
 * is 0 too any difference is infinitely unusual.
 */
export function robustZScore(value: number, history: readonly number[]): number {
  const center = median(history);
  const mad = medianAbsoluteDeviation(history);
  if (mad > 0) return (0.6745 * (value - center)) / mad;
  const meanAbsolute = history.reduce((sum, v) => sum + Math.abs(v - center), 0) / history.length;
  if (meanAbsolute > 0) return (value - center) / (1.2533 * meanAbsolute);
  if (value === center) return 0;
  return value > center ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}
