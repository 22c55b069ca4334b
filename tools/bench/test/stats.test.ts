// stats.test.ts -- medians, spreads, units and ratios of rows

import { describe, expect, it } from 'vitest';
import { quantile, ratioOf, summarize } from '../src/stats.js';

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([10, 20], 0.1)).toBeCloseTo(11);
  });

  it('is NaN for no samples', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('summarize', () => {
  it('shows time rows in a readable unit', () => {
    const s = summarize([1500, 2500, 2000], 'time', 64);
    expect(s).toMatchObject({ unit: 'µs', median: 2, min: 1.5, max: 2.5, n: 3 });
  });

  it('turns per-chunk times into GB/s, or MB/s below 1 GB/s', () => {
    expect(summarize([1000], 'bytes', 4096)).toMatchObject({ unit: 'GB/s', median: 4.096 });
    expect(summarize([8192], 'bytes', 4096)).toMatchObject({ unit: 'MB/s', median: 500 });
  });

  it('turns per-record times into records per second', () => {
    expect(summarize([1000, 2000, 4000], 'records', 64)).toMatchObject({
      unit: 'records/s',
      median: 500_000,
    });
  });
});

describe('ratioOf', () => {
  it('is a time ratio for time rows and a throughput ratio otherwise', () => {
    expect(ratioOf([300], [100], 'time')).toBe(3);
    expect(ratioOf([300], [100], 'bytes')).toBeCloseTo(1 / 3);
    expect(ratioOf([50, 50, 60], [100, 100, 100], 'records')).toBe(2);
  });
});
