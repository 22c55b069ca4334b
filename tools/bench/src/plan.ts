// plan.ts -- every row of a run: which workload, peer, file, size, batch and sample count

import type { BenchFiles } from './files.js';
import { logCases } from './log-plan.js';
import type { BenchCase, FsKind, GranularityMode, Metric, Peer, Workload } from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** PMEM2_F_MEM_NONTEMPORAL, libpmem2's value. */
export const NONTEMPORAL = 2;

/** How big and how long a run is. */
export interface PlanOptions {
  readonly quick: boolean;
}

/** The sizes of the files the harness creates, by run mode. */
export interface FileSizes {
  readonly persist: number;
  readonly memcpy: number;
  readonly append: number;
  readonly update: number;
}

/** mapNew + delete sizes of workload 1. */
export const MAP_SIZES = [4 * KiB, MiB, 64 * MiB, GiB] as const;
/** persist lengths of workload 2. */
export const PERSIST_LENGTHS = [64, 4 * KiB] as const;
/** memcpy chunk sizes of workload 3. */
export const MEMCPY_CHUNKS = [4 * KiB, 64 * KiB, 2 * MiB] as const;
/** Ranges per persistRanges call of the batch workload (c/bench.c BATCH_RANGES). */
export const BATCH_RANGES = 64;
/** Record size of workload 4. */
export const RECORD_SIZE = 64;
export const GRANULARITIES: readonly GranularityMode[] = ['PAGE', 'CACHE_LINE', 'BYTE'];
export const FILE_SYSTEMS: readonly FsKind[] = ['tmpfs', 'ext4'];

/** File sizes: the full run copies 256 MiB per memcpy sample, as issue 8 asks. */
export function fileSizes(options: PlanOptions): FileSizes {
  return options.quick
    ? { persist: MiB, memcpy: 32 * MiB, append: 4 * MiB, update: 16 * MiB }
    : { persist: MiB, memcpy: 256 * MiB, append: 16 * MiB, update: 64 * MiB };
}

/** Formats a byte count as the issue writes it: 64 B, 4 KiB, 2 MiB, 1 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GiB`;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} B`;
}

/**
 * Operations per sample for the small-op workloads, chosen so a sample takes a few
 * milliseconds: msync to ext4 costs about 1 ms here, msync on tmpfs about 1.5 µs, a cache-line
 * flush about 200 ns and an sfence a few ns.
 */
function smallOpBatch(fs: FsKind, granularity: GranularityMode, quick: boolean): number {
  const full =
    granularity === 'PAGE'
      ? fs === 'ext4'
        ? 8
        : 2000
      : granularity === 'CACHE_LINE'
        ? 20_000
        : 200_000;
  return quick ? Math.max(2, Math.floor(full / 20)) : full;
}

/**
 * Chunks copied per memcpy sample: one pass over the file, except where every chunk is
 * msync'ed to ext4's disk (about 1 ms per 4 KiB page and 100 MB/s here), where a sample is
 * capped near 100 ms: 64 × 4 KiB, 32 × 64 KiB or 8 × 2 MiB (a quarter of that in quick mode).
 */
function memcpyBatch(size: number, chunk: number, durableOnExt4: boolean, quick: boolean): number {
  const pass = size / chunk;
  if (!durableOnExt4) return pass;
  const cap = chunk <= 4 * KiB ? 64 : chunk <= 64 * KiB ? 32 : 8;
  return Math.min(pass, quick ? Math.max(2, cap / 4) : cap);
}

interface Counts {
  readonly samples: number;
  readonly warmup: number;
  /** See BenchCase.targetSampleMs. */
  readonly targetMs: number;
}

/**
 * Samples, warm-up samples and the time a sample should take. `slow` rows msync to ext4's
 * disk; a memcpy sample may take a whole pass over the file.
 */
function counts(quick: boolean, workload: Workload, slow: boolean): Counts {
  const copy = workload === 'memcpy';
  if (quick) return { samples: 3, warmup: 1, targetMs: copy ? 40 : slow ? 20 : 3 };
  if (copy) return { samples: slow ? 5 : 7, warmup: 1, targetMs: slow ? 300 : 400 };
  return { samples: slow ? 12 : 20, warmup: 2, targetMs: slow ? 60 : 20 };
}

/** Everything that differs between the rows of one comparison. */
interface CaseParams
  extends Pick<
    BenchCase,
    'workload' | 'fs' | 'granularity' | 'path' | 'size' | 'len' | 'flags' | 'batch' | 'metric'
  > {
  readonly counts: Counts;
  /** Short parameter tag used in ids, e.g. `64`, `4K.nt`. */
  readonly tag: string;
}

function makeCase(
  p: CaseParams,
  peer: Peer,
  label: string,
  baseline: { peer: Peer; tag?: string; granularity?: GranularityMode } | null,
): BenchCase {
  const idOf = (q: Peer, tag: string, g: GranularityMode): string =>
    `${p.workload}.${p.fs}.${g}.${tag}.${q}`;
  return {
    id: idOf(peer, p.tag, p.granularity),
    workload: p.workload,
    peer,
    fs: p.fs,
    granularity: p.granularity,
    path: p.path,
    size: p.size,
    len: p.len,
    flags: p.flags,
    batch: p.batch,
    targetSampleMs: p.counts.targetMs,
    samples: p.counts.samples,
    warmup: p.counts.warmup,
    metric: p.metric,
    baseline: baseline
      ? idOf(baseline.peer, baseline.tag ?? p.tag, baseline.granularity ?? p.granularity)
      : null,
    label,
  };
}

function mapCases(fs: FsKind, files: BenchFiles, quick: boolean): BenchCase[] {
  return MAP_SIZES.flatMap((size) => {
    const p: CaseParams = {
      workload: 'map',
      fs,
      granularity: 'PAGE',
      path: files.map(size),
      size,
      len: size,
      flags: 0,
      batch: quick ? 5 : 50,
      counts: counts(quick, 'map', false),
      metric: 'time',
      tag: formatBytes(size).replace(' ', ''),
    };
    const what = `mapNew + delete, ${formatBytes(size)}`;
    return [
      makeCase(p, 'c-pmem2', what, null),
      makeCase(p, 'js-pmem2', what, { peer: 'c-pmem2' }),
      makeCase(p, 'mmap-io', `map() only, ${formatBytes(size)} (no unmap API; GC frees)`, {
        peer: 'c-pmem2',
      }),
    ];
  });
}

function persistCases(
  fs: FsKind,
  granularity: GranularityMode,
  files: BenchFiles,
  quick: boolean,
): BenchCase[] {
  return PERSIST_LENGTHS.flatMap((len) => {
    const slow = fs === 'ext4' && granularity === 'PAGE';
    const p: CaseParams = {
      workload: 'persist',
      fs,
      granularity,
      path: files.persist,
      size: files.sizes.persist,
      len,
      flags: 0,
      batch: smallOpBatch(fs, granularity, quick) / (len > 64 && granularity === 'BYTE' ? 10 : 1),
      counts: counts(quick, 'persist', slow),
      metric: 'time',
      tag: formatBytes(len).replace(' ', ''),
    };
    const what = `store each line + persist ${formatBytes(len)}`;
    return [makeCase(p, 'c-pmem2', what, null), makeCase(p, 'js-pmem2', what, { peer: 'c-pmem2' })];
  });
}

function memcpyCases(
  fs: FsKind,
  granularity: GranularityMode,
  files: BenchFiles,
  quick: boolean,
): BenchCase[] {
  const size = files.sizes.memcpy;
  return MEMCPY_CHUNKS.flatMap((chunk) => {
    const durableSlow = fs === 'ext4' && granularity === 'PAGE';
    const chunkTag = formatBytes(chunk).replace(' ', '');
    const base = {
      workload: 'memcpy' as const,
      fs,
      granularity,
      path: files.memcpy,
      size,
      len: chunk,
      metric: 'bytes' as const,
      counts: counts(quick, 'memcpy', durableSlow),
    };
    const rows: BenchCase[] = [];
    for (const flags of [0, NONTEMPORAL]) {
      const p: CaseParams = {
        ...base,
        flags,
        batch: memcpyBatch(size, chunk, durableSlow, quick),
        tag: `${chunkTag}.${flags ? 'nt' : 'default'}`,
      };
      const what = `memcpy ${formatBytes(chunk)} chunks, ${flags ? 'NONTEMPORAL' : 'default flags'}`;
      rows.push(makeCase(p, 'c-pmem2', what, null));
      rows.push(makeCase(p, 'js-pmem2', what, { peer: 'c-pmem2' }));
    }
    if (granularity === 'PAGE') {
      const plain: CaseParams = {
        ...base,
        flags: 0,
        batch: memcpyBatch(size, chunk, false, quick),
        tag: `${chunkTag}.plain`,
      };
      rows.push(makeCase(plain, 'c-libc', `libc memcpy ${formatBytes(chunk)} chunks`, null));
      rows.push(
        makeCase(plain, 'js-buffer-copy', `Buffer.copy ${formatBytes(chunk)} chunks`, {
          peer: 'c-libc',
        }),
      );
      rows.push(
        makeCase(plain, 'node-fs', `fs.writeSync ${formatBytes(chunk)} chunks (no sync)`, {
          peer: 'c-libc',
        }),
      );
      const synced: CaseParams = {
        ...base,
        flags: 0,
        batch: memcpyBatch(size, chunk, durableSlow, quick),
        tag: `${chunkTag}.default`,
      };
      rows.push(
        makeCase(synced, 'mmap-io', `Buffer.copy + sync(MS_SYNC) ${formatBytes(chunk)} chunks`, {
          peer: 'c-pmem2',
        }),
      );
    }
    return rows;
  });
}

/** A per-record workload: what each operation writes and which peers run it at PAGE. */
interface RecordWorkload {
  readonly workload: 'append' | 'update';
  readonly len: number;
  readonly metric: Metric;
  readonly tag: string;
  /** The label of the C libpmem2 and @pmem2/map rows. */
  readonly what: string;
  /** The other peers, with their labels, at page granularity only. */
  readonly pagePeers: ReadonlyArray<readonly [Peer, string]>;
}

const APPEND: RecordWorkload = {
  workload: 'append',
  len: RECORD_SIZE,
  metric: 'records',
  tag: '64B',
  what: 'append 64 B record + persist it',
  pagePeers: [
    ['mmap-io', 'copy 64 B record + sync(its page, MS_SYNC)'],
    ['node-fs', 'fs.writeSync 64 B + fs.fdatasyncSync'],
  ],
};

const UPDATE: RecordWorkload = {
  workload: 'update',
  len: 8,
  metric: 'time',
  tag: '8B',
  what: 'random 8 B store (DataView) + persist',
  pagePeers: [['mmap-io', 'random 8 B store (DataView) + sync(its page)']],
};

/** The rows of a per-record workload; every row compares with C libpmem2. */
function recordCases(
  w: RecordWorkload,
  fs: FsKind,
  granularity: GranularityMode,
  files: BenchFiles,
  quick: boolean,
): BenchCase[] {
  const p: CaseParams = {
    workload: w.workload,
    fs,
    granularity,
    path: files[w.workload],
    size: files.sizes[w.workload],
    len: w.len,
    flags: 0,
    batch: smallOpBatch(fs, granularity, quick),
    counts: counts(quick, w.workload, fs === 'ext4' && granularity === 'PAGE'),
    metric: w.metric,
    tag: w.tag,
  };
  const rows = [makeCase(p, 'c-pmem2', w.what, null)];
  const peers = granularity === 'PAGE' ? w.pagePeers : [];
  for (const [peer, label] of [['js-pmem2', w.what] as const, ...peers]) {
    rows.push(makeCase(p, peer, label, { peer: 'c-pmem2' }));
  }
  return rows;
}

/**
 * Issue 17's batch rows: a store in each of 64 scattered lines, then one persistRanges of the
 * 64 lines (C: a loop of pmem2_flush_fn over them and one pmem2_drain_fn), on tmpfs.
 */
function batchCases(granularity: GranularityMode, files: BenchFiles, quick: boolean): BenchCase[] {
  const full = granularity === 'PAGE' ? 200 : granularity === 'CACHE_LINE' ? 500 : 20_000;
  const p: CaseParams = {
    workload: 'batch',
    fs: 'tmpfs',
    granularity,
    path: files.persist,
    size: files.sizes.persist,
    len: 64,
    flags: 0,
    batch: quick ? Math.max(2, full / 20) : full,
    counts: counts(quick, 'batch', false),
    metric: 'time',
    tag: `${BATCH_RANGES}x64B`,
  };
  const what = `store ${BATCH_RANGES} scattered lines + persistRanges of them`;
  return [makeCase(p, 'c-pmem2', what, null), makeCase(p, 'js-pmem2', what, { peer: 'c-pmem2' })];
}

/**
 * Issue 17's floor row: the cheapest call Node allows into native code, a no-argument N-API
 * function (binding.drain, one sfence), against C's drain function; CACHE_LINE on tmpfs.
 */
function floorCases(files: BenchFiles, quick: boolean): BenchCase[] {
  const p: CaseParams = {
    workload: 'floor',
    fs: 'tmpfs',
    granularity: 'CACHE_LINE',
    path: files.persist,
    size: files.sizes.persist,
    len: 64,
    flags: 0,
    batch: quick ? 10_000 : 200_000,
    counts: counts(quick, 'floor', false),
    metric: 'time',
    tag: 'drain',
  };
  const what = 'no-argument native call (drain: one sfence)';
  return [makeCase(p, 'c-pmem2', what, null), makeCase(p, 'js-pmem2', what, { peer: 'c-pmem2' })];
}

export function planCases(files: Record<FsKind, BenchFiles>, options: PlanOptions): BenchCase[] {
  const { quick } = options;
  const all: BenchCase[] = [];
  for (const fs of FILE_SYSTEMS) all.push(...mapCases(fs, files[fs], quick));
  for (const fs of FILE_SYSTEMS)
    for (const g of GRANULARITIES) all.push(...persistCases(fs, g, files[fs], quick));
  for (const fs of FILE_SYSTEMS)
    for (const g of GRANULARITIES) all.push(...memcpyCases(fs, g, files[fs], quick));
  for (const fs of FILE_SYSTEMS)
    for (const g of GRANULARITIES) all.push(...recordCases(APPEND, fs, g, files[fs], quick));
  for (const fs of FILE_SYSTEMS)
    for (const g of GRANULARITIES) all.push(...recordCases(UPDATE, fs, g, files[fs], quick));
  for (const fs of FILE_SYSTEMS)
    for (const g of GRANULARITIES) all.push(...logCases(fs, g, files[fs], quick));
  for (const g of GRANULARITIES) all.push(...batchCases(g, files.tmpfs, quick));
  all.push(...floorCases(files.tmpfs, quick));
  return all;
}
