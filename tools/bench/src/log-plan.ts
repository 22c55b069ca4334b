// log-plan.ts -- the rows of workload 6: an append log with group commit, records per second
//
// One operation appends one record of 64 B or 1 KiB; every `group`th (1, 16, 256) commits
// the group with one persist. The group travels in the case's `flags` field (the C runner's
// line format is bench.c's). Peers: C (c/log_bench.c, the same protocol on libpmem2) and
// @pmem2/log at every granularity; at page granularity also node:fs (one writeSync and one
// fdatasync a group) and @riaskov/mmap-io (stores into its mapping, one sync(MS_SYNC) a group).

import * as path from 'node:path';
import type { BenchFiles } from './files.js';
import type { BenchCase, FsKind, GranularityMode, Peer } from './types.js';

/** Payload sizes of the log rows. */
export const LOG_PAYLOADS = [64, 1024] as const;
/** Records per commit of the log rows. */
export const LOG_GROUPS = [1, 16, 256] as const;

/** The log's area: the log starts over (untimed) when a sample would pass its end. */
function areaSize(fs: FsKind, quick: boolean): number {
  const MiB = 1024 * 1024;
  return ((fs === 'tmpfs' ? 64 : 16) * MiB) / (quick ? 4 : 1);
}

/**
 * Records per sample at most: about a sample's target time of the fastest peer, and never
 * more than half the area holds (the log starts over between samples, not inside one).
 */
function maxBatch(
  fs: FsKind,
  granularity: GranularityMode,
  len: number,
  group: number,
  quick: boolean,
): number {
  const slow = fs === 'ext4' && granularity === 'PAGE';
  const full = slow ? 16 * group : 200_000;
  const wanted = quick ? Math.max(group, Math.floor(full / 20)) : full;
  const fit = Math.floor(areaSize(fs, quick) / 2 / (Math.ceil((16 + len) / 8) * 8 + 32));
  return Math.max(1, Math.min(wanted, fit));
}

const PAGE_PEERS: ReadonlyArray<readonly [Peer, string]> = [
  ['node-fs', 'fs.writeSync + fs.fdatasyncSync a group'],
  ['mmap-io', 'stores + sync(MS_SYNC) a group'],
];

/** Every log row of one file system and granularity. */
export function logCases(
  fs: FsKind,
  granularity: GranularityMode,
  files: BenchFiles,
  quick: boolean,
): BenchCase[] {
  const slow = fs === 'ext4' && granularity === 'PAGE';
  const rows: BenchCase[] = [];
  for (const len of LOG_PAYLOADS) {
    for (const group of LOG_GROUPS) {
      const tag = `${len}B.g${group}`;
      const id = (peer: Peer) => `log.${fs}.${granularity}.${tag}.${peer}`;
      const row = (peer: Peer, label: string): BenchCase => ({
        id: id(peer),
        workload: 'log',
        peer,
        fs,
        granularity,
        path: path.join(files.dir, `log-${peer}`),
        size: areaSize(fs, quick),
        len,
        flags: group,
        batch: maxBatch(fs, granularity, len, group, quick),
        targetSampleMs: quick ? (slow ? 20 : 3) : slow ? 60 : 20,
        samples: quick ? 3 : slow ? 12 : 20,
        warmup: quick ? 1 : 2,
        metric: 'records',
        baseline: peer === 'c-log' ? null : id('c-log'),
        label: `${label}, ${len === 1024 ? '1 KiB' : `${len} B`}, groups of ${group}`,
      });
      rows.push(
        row('c-log', 'append + commit'),
        row('c-log-hwcrc', 'append + commit, @pmem2/native CRC'),
        row('js-log', 'append + commit'),
      );
      if (granularity === 'PAGE')
        for (const [peer, label] of PAGE_PEERS) rows.push(row(peer, label));
    }
  }
  return rows;
}
