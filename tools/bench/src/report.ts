// report.ts -- the Markdown tables of a run: medians with spread, ratio to C, targets

import { logComparisonTable } from './log-report.js';
import { type MachineInfo, machineLine } from './machine.js';
import type { TargetResult } from './targets.js';
import type { Peer, RowResult, Workload } from './types.js';

/** How each peer is named in tables and the chart. */
export const PEER_NAMES: Readonly<Record<Peer, string>> = {
  'c-pmem2': 'C libpmem2',
  'c-libc': 'C memcpy',
  'c-log': 'C libpmem2 log',
  'c-log-hwcrc': 'C libpmem2 log, CRC as @pmem2/native',
  'js-pmem2': '@pmem2/map',
  'js-buffer-copy': 'Buffer.copy',
  'js-log': '@pmem2/log',
  'mmap-io': '@riaskov/mmap-io',
  'node-fs': 'node:fs',
};

const WORKLOAD_TITLES: Readonly<Record<Workload, string>> = {
  map: '1. mapNew + delete (time per pair)',
  persist: '2. persist (time per store + persist)',
  memcpy: '3. memcpy into the mapping (throughput)',
  append: '4. append 64 B records, persisting each (records/s)',
  update: '5. random 8 B updates through a DataView + persist (time per update)',
  log: '6. append log with group commit: records + one persist a group (records/s)',
  batch: '7. persistRanges of 64 scattered lines (time per batch)',
  floor: '8. the N-API floor: a native call without arguments (time per call)',
};

/** Three significant digits, no exponent. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

function ratioCell(r: RowResult): string {
  if (r.case.baseline === null) return 'reference';
  if (r.ratio === null) return '–';
  return `${r.ratio.toFixed(2)}× ${r.case.metric === 'time' ? 'time' : 'thr'}`;
}

function ratioP10Cell(r: RowResult): string {
  if (r.case.baseline === null || r.ratioP10 === null) return '';
  return `${r.ratioP10.toFixed(2)}×`;
}

function figureCells(r: RowResult): [string, string] {
  if (r.stats === null) return [r.status === 'ok' ? '–' : r.status, r.reason ?? ''];
  const s = r.stats;
  return [
    `${fmt(s.median)} ${s.unit}`,
    `${fmt(s.p10)}–${fmt(s.p90)} (${fmt(s.min)}–${fmt(s.max)}), n=${s.n}`,
  ];
}

function granularityCell(r: RowResult): string {
  if (!['c-pmem2', 'js-pmem2', 'c-log', 'c-log-hwcrc', 'js-log'].includes(r.case.peer)) return '–';
  const eff = r.effectiveGranularity;
  return eff === null || eff === r.case.granularity
    ? r.case.granularity
    : `${r.case.granularity} (got ${eff})`;
}

/** The results table, one section per workload. */
export function resultsTable(rows: readonly RowResult[]): string {
  const out: string[] = [];
  for (const workload of Object.keys(WORKLOAD_TITLES) as Workload[]) {
    const section = rows.filter((r) => r.case.workload === workload);
    if (section.length === 0) continue;
    out.push(`### ${WORKLOAD_TITLES[workload]}`, '');
    out.push(
      '| fs | granularity | operation | peer | median | p10–p90 (min–max) | vs C | vs C, fastest tenth |',
    );
    out.push('|---|---|---|---|---:|---|---:|---:|');
    for (const r of section) {
      const [median, spread] = figureCells(r);
      out.push(
        `| ${r.case.fs} | ${granularityCell(r)} | ${r.case.label} | ${PEER_NAMES[r.case.peer]} | ${median} | ${spread} | ${ratioCell(r)} | ${ratioP10Cell(r)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

/** The targets of issue 8 with met / missed per row. */
export function targetsTable(targets: readonly TargetResult[]): string {
  const out = [
    '| target | row | bound | measured (medians) | result | fastest tenth (not judged) |',
    '|---|---|---|---:|---|---:|',
  ];
  for (const t of targets) {
    const measured = t.measured === null ? '–' : `${t.measured.toFixed(2)}×`;
    const p10 = t.measuredP10 === null ? '–' : `${t.measuredP10.toFixed(2)}×`;
    const result =
      t.status === 'met' ? 'met' : t.status === 'missed' ? '**missed**' : 'not measured';
    out.push(`| ${t.target} | ${t.row} | ${t.bound} | ${measured} | ${result} | ${p10} |`);
  }
  const met = targets.filter((t) => t.status === 'met').length;
  const missed = targets.filter((t) => t.status === 'missed').length;
  const none = targets.length - met - missed;
  out.push('', `${met} met, ${missed} missed, ${none} not measured.`);
  return out.join('\n');
}

/** The whole report: machine, how to read it, results and targets. */
export function fullReport(
  rows: readonly RowResult[],
  targets: readonly TargetResult[],
  machine: MachineInfo,
  meta: {
    readonly mode: string;
    readonly startedAt: string;
    readonly seconds: number;
    readonly rounds: number;
    readonly revision: string;
  },
): string {
  return [
    `## Benchmark results (${meta.mode} run, ${meta.startedAt}, ${Math.round(meta.seconds)} s, ${meta.rounds} round(s))`,
    '',
    `Machine: ${machineLine(machine)}. Source: commit ${meta.revision}.`,
    '',
    'Each sample times a batch of operations and divides; medians and spreads are over the samples of every round. ' +
      '"vs C" is the ratio of medians to the matching C row of the same run: "× time" (lower is better) for ' +
      'time rows, "× thr" (higher is better) for throughput rows. @pmem2/map, libpmem2 and Buffer.copy rows ' +
      'compare with C libpmem2 / C memcpy; mmap-io and node:fs rows compare with C libpmem2 at page granularity ' +
      '(node:fs memcpy rows with C memcpy). "vs C, fastest tenth" is the same ratio on the p10 of ' +
      'per-operation time of both rows: what each side does when the shared machine leaves it alone. ' +
      'The targets are judged on medians.',
    '',
    resultsTable(rows),
    logComparisonTable(rows),
    '### Targets (issues 8 and 17)',
    '',
    targetsTable(targets),
    '',
  ].join('\n');
}
