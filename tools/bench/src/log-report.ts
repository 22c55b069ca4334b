// log-report.ts -- workload 6 side by side: @pmem2/log, the C program and both Node peers of
// the same run, one line per file system, granularity, record size and group

import { ratioOf } from './stats.js';
import type { Peer, RowResult } from './types.js';

const PEERS: readonly Peer[] = ['c-log', 'js-log', 'node-fs', 'mmap-io', 'c-log-hwcrc'];

/** Records/s of a row (median), or null when it has no figures. */
function rate(r: RowResult | undefined): number | null {
  return r?.status === 'ok' && r.stats !== null ? r.stats.median : null;
}

function rateCell(r: RowResult | undefined): string {
  const x = rate(r);
  return x === null ? '–' : Math.round(x).toLocaleString('en-US');
}

/** `a`'s records/s over `b`'s, on medians of the same run. */
function ratioCell(a: RowResult | undefined, b: RowResult | undefined): string {
  if (rate(a) === null || rate(b) === null || a === undefined || b === undefined) return '–';
  return `${ratioOf(a.nsPerOp, b.nsPerOp, 'records').toFixed(2)}×`;
}

/**
 * The log rows regrouped: records/s of each peer, @pmem2/log's ratio to each of the three
 * others, the C program's own ratio to the two Node peers (what the file system allows a
 * mapping at all), and @pmem2/log's ratio to the C program built with @pmem2/native's CRC
 * (what the log owes to its CRC routine). Empty when the run has no log rows.
 */
export function logComparisonTable(rows: readonly RowResult[]): string {
  const log = rows.filter((r) => r.case.workload === 'log');
  const units = [...new Set(log.map((r) => r.case.id.replace(/\.[^.]+$/, '')))];
  if (units.length === 0) return '';
  const out = [
    '### 6b. append log, every peer of the same run (records/s, medians)',
    '',
    '"log/X" is @pmem2/log\'s records/s over X\'s; "C/X" is the C program\'s over X\'s. ' +
      'node:fs and mmap-io run at page granularity only. "C, native CRC" is the same C ' +
      "program with @pmem2/native's CRC-32 routine in place of zlib's crc32 (informational: " +
      "the targets are against zlib's, the C baseline).",
    '',
    '| fs | granularity | record | group | C libpmem2 log | @pmem2/log | node:fs | @riaskov/mmap-io | log/C | log/node:fs | log/mmap-io | C/node:fs | C/mmap-io | C, native CRC | log/C, native CRC |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const unit of units) {
    const [c, js, nodeFs, mmapIo, cHw] = PEERS.map((p) =>
      log.find((r) => r.case.id === `${unit}.${p}`),
    );
    const any = c ?? js ?? nodeFs ?? mmapIo;
    if (any === undefined) continue;
    const { fs, granularity, len, flags } = any.case;
    out.push(
      `| ${fs} | ${granularity} | ${len === 1024 ? '1 KiB' : `${len} B`} | ${flags} | ` +
        `${rateCell(c)} | ${rateCell(js)} | ${rateCell(nodeFs)} | ${rateCell(mmapIo)} | ` +
        `${ratioCell(js, c)} | ${ratioCell(js, nodeFs)} | ${ratioCell(js, mmapIo)} | ` +
        `${ratioCell(c, nodeFs)} | ${ratioCell(c, mmapIo)} | ${rateCell(cHw)} | ${ratioCell(js, cHw)} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
