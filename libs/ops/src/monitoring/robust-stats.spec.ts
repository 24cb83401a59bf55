import { median, medianAbsoluteDeviation, robustZScore } from './robust-stats';

describe('robust z-score of a daily count', () => {
  it('uses the median and MAD, so one wild day in the history does not hide another', () => {
    const history = [100, 98, 103, 101, 97, 99, 102, 5000];
    expect(median(history)).toBe(100.5);
    expect(medianAbsoluteDeviation(history)).toBe(2);
    expect(robustZScore(10, history)).toBeCloseTo((0.6745 * (10 - 100.5)) / 2, 6);
    expect(Math.abs(robustZScore(104, history))).toBeLessThan(3.5);
  });

  it('falls back to the mean absolute deviation when most days are equal, and to infinity when all are', () => {
    expect(robustZScore(100, [100, 100, 100, 100, 120])).toBe(0);
    expect(robustZScore(60, [100, 100, 100, 100, 120])).toBeCloseTo(-40 / (1.2533 * 4), 6);
    expect(robustZScore(99, [100, 100, 100])).toBe(Number.NEGATIVE_INFINITY);
  });
});
