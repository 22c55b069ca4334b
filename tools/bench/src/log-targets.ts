// log-targets.ts -- issue 19's targets: at groups of 16 or more, @pmem2/log reaches 0.8x the C
// program's records/s and beats node:fs and @riaskov/mmap-io

import { ratioOf } from './stats.js';
import type { TargetResult } from './targets.js';
import type { RowResult } from './types.js';

const rowName = (r: RowResult): string => `${r.case.label} · ${r.case.fs} · ${r.case.granularity}`;

function judged(
  target: string,
  r: RowResult,
  other: RowResult | undefined,
  min: number,
  bound: string,
): TargetResult {
  const both = r.status === 'ok' && other?.status === 'ok';
  const measured = both ? ratioOf(r.nsPerOp, other.nsPerOp, 'records') : null;
  const measuredP10 = both ? ratioOf(r.nsPerOp, other.nsPerOp, 'records', 0.1) : null;
  const status =
    measured === null || !Number.isFinite(measured)
      ? 'not measured'
      : measured >= min
        ? 'met'
        : 'missed';
  return { target, row: rowName(r), measured, measuredP10, bound, status };
}

/** One line per @pmem2/log row with a group of 16 or more, and per Node peer it must beat. */
export function logTargets(rows: readonly RowResult[]): TargetResult[] {
  const out: TargetResult[] = [];
  const ours = rows.filter((r) => r.case.peer === 'js-log' && r.case.flags >= 16);
  const twin = (r: RowResult, peer: string) =>
    rows.find((p) => p.case.id === r.case.id.replace(/js-log$/, peer));
  for (const r of ours) {
    out.push(
      judged('log, groups of 16 or more, vs C', r, twin(r, 'c-log'), 0.8, '>= 0.8x C records/s'),
    );
    for (const peer of ['node-fs', 'mmap-io']) {
      const other = twin(r, peer);
      if (other !== undefined)
        out.push(
          judged(`log, groups of 16 or more, vs ${peer}`, r, other, 1, `>= 1x ${peer}'s records/s`),
        );
    }
  }
  return out;
}
