// targets.ts -- the targets table of issues 8 and 17, checked against one run's rows

import { logTargets } from './log-targets.js';
import { MEMCPY_CHUNKS, NONTEMPORAL } from './plan.js';
import { ratioOf } from './stats.js';
import type { BenchCase, RowResult } from './types.js';

/** One target checked on one row. */
export interface TargetResult {
  readonly target: string;
  readonly row: string;
  /** The measured ratio, or null when the row (or its comparison) has no figures. */
  readonly measured: number | null;
  /** The same ratio on the fastest tenth of the samples (for reading noise; not judged). */
  readonly measuredP10: number | null;
  /** e.g. "<= 1.5x C time". */
  readonly bound: string;
  readonly status: 'met' | 'missed' | 'not measured';
}

interface TargetSpec {
  readonly target: string;
  readonly select: (r: RowResult) => boolean;
  /** The limit on the row's ratio to C: `max` for time ratios, `min` for throughput ratios. */
  readonly limit: { readonly max: number } | { readonly min: number };
}

/** The js-pmem2 rows whose case has every field of `match` (and passes `also`, when given). */
function jsRows(
  match: Partial<BenchCase>,
  also: (c: BenchCase) => boolean = () => true,
): (r: RowResult) => boolean {
  const fields = Object.entries(match) as [keyof BenchCase, unknown][];
  return (r) =>
    r.case.peer === 'js-pmem2' && fields.every(([k, v]) => r.case[k] === v) && also(r.case);
}
const CHUNK_64K = MEMCPY_CHUNKS[1];
const CHUNK_2M = MEMCPY_CHUNKS[2];

const SPECS: readonly TargetSpec[] = [
  {
    target: 'mapNew + delete, every size',
    select: jsRows({ workload: 'map' }),
    limit: { max: 1.5 },
  },
  {
    target: 'persist 4 KiB, page granularity, tmpfs',
    select: jsRows({ workload: 'persist', len: 4096, granularity: 'PAGE', fs: 'tmpfs' }),
    limit: { max: 1.25 },
  },
  {
    target: 'persist 64 B, forced cache_line',
    select: jsRows({ workload: 'persist', len: 64, granularity: 'CACHE_LINE' }),
    limit: { max: 1.15 },
  },
  {
    target: 'persist 64 B, forced byte',
    select: jsRows({ workload: 'persist', len: 64, granularity: 'BYTE' }),
    limit: { max: 3 },
  },
  {
    target: 'persistRanges of 64 ranges (vs C loop of flushes + one drain)',
    select: jsRows({ workload: 'batch' }),
    limit: { max: 1.2 },
  },
  {
    target: 'memcpy 2 MiB chunks (cache_line/byte, NONTEMPORAL)',
    select: jsRows(
      { workload: 'memcpy', len: CHUNK_2M, flags: NONTEMPORAL },
      (c) => c.granularity !== 'PAGE',
    ),
    limit: { min: 0.95 },
  },
  {
    target: 'memcpy 64 KiB chunks',
    select: jsRows({ workload: 'memcpy', len: CHUNK_64K }),
    limit: { min: 0.9 },
  },
];

function rowName(r: RowResult): string {
  return `${r.case.label} · ${r.case.fs} · ${r.case.granularity}`;
}

function judge(
  target: string,
  row: string,
  ratio: number | null,
  ratioP10: number | null,
  spec: TargetSpec['limit'],
): TargetResult {
  const bound = 'max' in spec ? `<= ${spec.max}x C time` : `>= ${spec.min}x C throughput`;
  if (ratio === null || !Number.isFinite(ratio)) {
    return { target, row, measured: null, measuredP10: null, bound, status: 'not measured' };
  }
  const met = 'max' in spec ? ratio <= spec.max : ratio >= spec.min;
  return {
    target,
    row,
    measured: ratio,
    measuredP10: ratioP10,
    bound,
    status: met ? 'met' : 'missed',
  };
}

/** The append target compares @pmem2/map with mmap-io, not with C. */
function appendTargets(rows: readonly RowResult[]): TargetResult[] {
  const target = 'append-and-persist records, page granularity';
  const ours = rows.filter(jsRows({ workload: 'append', granularity: 'PAGE' }));
  return ours.map((r) => {
    const peer = rows.find(
      (p) => p.case.peer === 'mmap-io' && p.case.workload === 'append' && p.case.fs === r.case.fs,
    );
    const both = r.status === 'ok' && peer?.status === 'ok';
    const ratio = both ? ratioOf(r.nsPerOp, peer.nsPerOp, 'records') : null;
    const ratioP10 = both ? ratioOf(r.nsPerOp, peer.nsPerOp, 'records', 0.1) : null;
    const result = judge(target, rowName(r), ratio, ratioP10, { min: 1 });
    return { ...result, bound: ">= 1x mmap-io's records/s" };
  });
}

/** Every target of the issue, one line per row it applies to. */
export function checkTargets(rows: readonly RowResult[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const spec of SPECS) {
    for (const r of rows.filter(spec.select)) {
      out.push(judge(spec.target, rowName(r), r.ratio, r.ratioP10, spec.limit));
    }
  }
  out.push(...appendTargets(rows));
  out.push(...logTargets(rows));
  return out;
}
