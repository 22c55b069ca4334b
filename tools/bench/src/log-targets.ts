// log-targets.ts -- issue 19's targets: at groups of 16 or more, @pmem2/log reaches 0.8x the C
// program's records/s and beats node:fs and @riaskov/mmap-io

import { ratioOf } from './stats.js';
import type { TargetResult } from './targets.js';
import type { RowResult } from './types.js';

const rowName = (r: RowResult): string => `${r.case.label} · ${r.case.fs} · ${r.case.granularity}`;

const ratio = (a: RowResult | undefined, b: RowResult | undefined, q = 0.5): number | null =>
  a?.status === 'ok' && b?.status === 'ok' ? ratioOf(a.nsPerOp, b.nsPerOp, 'records', q) : null;

// `c` is the C program's row of the same unit: against a Node peer, the row names C's own
// ratio to that peer too, so a target no mapping can meet on that file system reads as such.
function judged(
  target: string,
  r: RowResult,
  other: RowResult | undefined,
  min: number,
  bound: string,
  c?: RowResult,
): TargetResult {
  const measured = ratio(r, other);
  const measuredP10 = ratio(r, other, 0.1);
  const status =
    measured === null || !Number.isFinite(measured)
      ? 'not measured'
      : measured >= min
        ? 'met'
        : 'missed';
  const cRatio = c === undefined ? null : ratio(c, other);
  const row = cRatio === null ? rowName(r) : `${rowName(r)} (C program: ${cRatio.toFixed(2)}×)`;
  return { target, row, measured, measuredP10, bound, status };
}

/** One line per @pmem2/log row with a group of 16 or more, and per Node peer it must beat. */
export function logTargets(rows: readonly RowResult[]): TargetResult[] {
  const out: TargetResult[] = [];
  const ours = rows.filter((r) => r.case.peer === 'js-log' && r.case.flags >= 16);
  const twin = (r: RowResult, peer: string) =>
    rows.find((p) => p.case.id === r.case.id.replace(/js-log$/, peer));
  for (const r of ours) {
    const c = twin(r, 'c-log');
    out.push(judged('log, groups of 16 or more, vs C', r, c, 0.8, '>= 0.8x C records/s'));
    for (const peer of ['node-fs', 'mmap-io']) {
      const other = twin(r, peer);
      if (other !== undefined)
        out.push(
          judged(
            `log, groups of 16 or more, vs ${peer}`,
            r,
            other,
            1,
            `>= 1x ${peer}'s records/s`,
            c,
          ),
        );
    }
  }
  return out;
}
