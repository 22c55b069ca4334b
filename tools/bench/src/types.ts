// types.ts -- the shapes shared by the planner, the runners and the report

/** The five workloads of issue 8, issue 19's append log with group commit, and issue 17's
 * batch persist and N-API floor. */
export type Workload =
  | 'map'
  | 'persist'
  | 'memcpy'
  | 'append'
  | 'update'
  | 'log'
  | 'batch'
  | 'floor';

/** Who runs a case: the C runners' four peers and the JS runner's five. */
export type Peer =
  | 'c-pmem2'
  | 'c-libc'
  | 'c-log'
  | 'c-log-hwcrc'
  | 'js-pmem2'
  | 'js-buffer-copy'
  | 'js-log'
  | 'mmap-io'
  | 'node-fs';

/** The file system a case's file lives on. */
export type FsKind = 'tmpfs' | 'ext4';

/** The granularity forced with PMEM2_FORCE_GRANULARITY in the runner process. */
export type GranularityMode = 'PAGE' | 'CACHE_LINE' | 'BYTE';

/** How a row is read: time per operation (lower is better) or bytes/records per second. */
export type Metric = 'time' | 'bytes' | 'records';

/**
 * One measured row: a workload run by one peer with one set of parameters. The same case is
 * sent to the C runner (as a text line) and to the JS runner (as JSON).
 */
export interface BenchCase {
  /** Unique id without spaces, e.g. `persist.tmpfs.CACHE_LINE.64.js-pmem2`. */
  readonly id: string;
  readonly workload: Workload;
  readonly peer: Peer;
  readonly fs: FsKind;
  readonly granularity: GranularityMode;
  /** The file the case maps or writes. */
  readonly path: string;
  /** The mapping's (and file's) size in bytes. */
  readonly size: number;
  /** Bytes per operation: persist length, copy chunk, record size, 8 for updates, size for map. */
  readonly len: number;
  /** PMEM2_F_MEM_* flags for memcpy (0 or NONTEMPORAL); records per commit for log rows. */
  readonly flags: number;
  /** Operations per sample at most (a memcpy pass, or enough for the fastest peer). */
  readonly batch: number;
  /**
   * The wall time a sample should take: each runner measures the operation first and uses
   * fewer than `batch` operations per sample when they would take longer than this.
   */
  readonly targetSampleMs: number;
  readonly samples: number;
  /** Untimed samples before the timed ones. */
  readonly warmup: number;
  readonly metric: Metric;
  /** The id of the row this one's ratio is computed against, or null for a C reference row. */
  readonly baseline: string | null;
  /** Human label of the operation, e.g. "persist 64 B" or "copy + sync(MS_SYNC)". */
  readonly label: string;
}

/** What a runner prints for one case. */
export type RunnerResult =
  | {
      readonly id: string;
      readonly granularity: string;
      /** Operations per sample the runner chose (see BenchCase.targetSampleMs). */
      readonly batch: number;
      readonly samplesNs: readonly number[];
    }
  | { readonly id: string; readonly error: string }
  | { readonly id: string; readonly unavailable: string };

/** A finished row: the case, its samples (per operation) and how it compares. */
export interface RowResult {
  readonly case: BenchCase;
  /** 'ok', or why the row has no figures ("not available yet: …", "skipped: …", "error: …"). */
  readonly status: 'ok' | 'unavailable' | 'skipped' | 'error';
  readonly reason: string | null;
  /** The effective granularity the runner saw (pmem2_map_get_store_granularity). */
  readonly effectiveGranularity: string | null;
  /** The batch each runner process chose (one entry per round). */
  readonly batches: readonly number[];
  /** Nanoseconds per operation, one entry per sample, over every round. */
  readonly nsPerOp: readonly number[];
  readonly stats: Summary | null;
  /** Ratio of this row to its baseline: time ratio for `time` rows, throughput ratio otherwise. */
  readonly ratio: number | null;
  /** The same ratio computed on the fastest tenth (p10 of per-op time) of both rows. */
  readonly ratioP10: number | null;
}

/** Median and spread of a row in the row's display unit. */
export interface Summary {
  readonly unit: string;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}
