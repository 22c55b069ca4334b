// stats.ts -- medians, percentiles and display units of a row's samples

import type { Metric, Summary } from './types.js';

/** Linear-interpolated quantile q (0..1) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

function timeUnit(ns: number): { unit: string; scale: number } {
  if (ns >= 1e6) return { unit: 'ms', scale: 1e-6 };
  if (ns >= 1e3) return { unit: 'µs', scale: 1e-3 };
  return { unit: 'ns', scale: 1 };
}

/**
 * Converts per-operation times to the row's display values: time per op for `time` rows,
 * GB/s (10^9 bytes; shown as MB/s below 1 GB/s) for `bytes` rows, records per second for `records` rows.
 */
export function displayValues(nsPerOp: readonly number[], metric: Metric, len: number): number[] {
  switch (metric) {
    case 'time':
      return [...nsPerOp];
    case 'bytes':
      return nsPerOp.map((ns) => len / ns);
    case 'records':
      return nsPerOp.map((ns) => 1e9 / ns);
  }
}

/** Median and spread of a row, in a readable unit. */
export function summarize(nsPerOp: readonly number[], metric: Metric, len: number): Summary {
  const values = displayValues(nsPerOp, metric, len).sort((a, b) => a - b);
  const median = quantile(values, 0.5);
  const { unit, scale } =
    metric === 'time'
      ? timeUnit(median)
      : metric === 'bytes'
        ? median >= 1
          ? { unit: 'GB/s', scale: 1 }
          : { unit: 'MB/s', scale: 1e3 }
        : { unit: 'records/s', scale: 1 };
  return {
    unit,
    median: median * scale,
    p10: quantile(values, 0.1) * scale,
    p90: quantile(values, 0.9) * scale,
    min: (values[0] as number) * scale,
    max: (values[values.length - 1] as number) * scale,
    n: values.length,
  };
}

/**
 * Ratio of a row to its baseline, both as the `q` quantile of per-op time (the median by
 * default): for `time` rows the time ratio (lower is better), for throughput rows the
 * throughput ratio (higher is better). With q = 0.1 it compares the fastest tenth of each
 * row's samples, which a busy machine disturbs least.
 */
export function ratioOf(
  row: readonly number[],
  baseline: readonly number[],
  metric: Metric,
  q = 0.5,
): number {
  const at = (xs: readonly number[]): number =>
    quantile(
      [...xs].sort((a, b) => a - b),
      q,
    );
  const t = at(row) / at(baseline);
  return metric === 'time' ? t : 1 / t;
}
