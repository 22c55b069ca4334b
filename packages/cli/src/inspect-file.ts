// inspect-file.ts -- `pmem2 info`: what libpmem2 would decide for a file

import { type PersistInfo, persistInfo } from '@pmem2/map';
import { autoFlush, Source } from '@pmem2/source';
import { type EnvironmentOverride, environmentOverrides } from './environment.js';
import { GRANULARITY_NAMES } from './granularity-reason.js';
import { type GranularityRefusal, probeGranularity } from './probe-granularity.js';

/** The store granularity a shared mapping of the file gets, and why. */
export interface GranularityInfo {
  /** `'BYTE'`, `'CACHE_LINE'` or `'PAGE'`: what `pmem2_map_get_store_granularity` returns. */
  readonly effective: (typeof GRANULARITY_NAMES)[number];
  /** What detection alone gives, without `PMEM2_FORCE_GRANULARITY`. */
  readonly detected: (typeof GRANULARITY_NAMES)[number];
  /** The rule of libpmem2 that decided, in one sentence. */
  readonly reason: string;
  /** mmap accepted MAP_SYNC (the file is on a DAX file system, or is device DAX). */
  readonly mapSync: boolean;
  /** `PMEM2_FORCE_GRANULARITY` decided (it is set to a value libpmem2 accepts). */
  readonly forced: boolean;
  /** Finer granularities `pmem2_map_new` refused, with libpmem2's text. */
  readonly refused: readonly GranularityRefusal[];
}

/** Everything `pmem2 info` reports about one file. */
export interface FileInfo {
  readonly path: string;
  /** `pmem2_source` type: `'regular'` or `'devdax'`. */
  readonly type: string;
  /** `pmem2_source_size`, in bytes. */
  readonly size: number;
  /** `pmem2_source_alignment`, in bytes: offsets and lengths must be multiples of it. */
  readonly alignment: number;
  /** The granularity, or `null` when the file cannot be mapped (empty). */
  readonly granularity: GranularityInfo | null;
  /** Why {@link FileInfo.granularity} is `null`, if it is. */
  readonly granularityUnavailable: string | null;
  /** `pmem2_auto_flush() == 1`: every NVDIMM region flushes CPU caches on power loss. */
  readonly eADR: boolean;
  /** The flush instruction and copy routines chosen at load time. */
  readonly cpu: PersistInfo;
  /** The libpmem2 environment variables set in this process. */
  readonly environment: readonly EnvironmentOverride[];
}

/**
 * Inspects a file as `pmem2_map_new` would see it: type, size, alignment, store granularity
 * and why, eADR, the CPU's flush instruction and non-temporal copy routine, and the
 * environment variables in force.
 *
 * @remarks
 * Opens the file read-only with {@link @pmem2/source!Source.fromPath} and maps at most one
 * alignment unit of it shared and read-only (see {@link probeGranularity}); nothing is
 * written. An empty file has no granularity (`pmem2_map_new` refuses it with
 * `PMEM2_E_SOURCE_EMPTY`): {@link FileInfo.granularity} is `null` and
 * {@link FileInfo.granularityUnavailable} says so.
 *
 * @param path - a regular file or a device DAX character device.
 * @returns the report.
 * @throws {@link @pmem2/errors!Pmem2Error} from opening the source (`ENOENT`, `EACCES`,
 *   `PMEM2_E_INVALID_FILE_TYPE` for a directory or block device, …) or from mapping it
 *   (`PMEM2_E_NO_ACCESS`, `-errno` of mmap).
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { inspectFile } from '@pmem2/cli';
 * const path = join(tmpdir(), `inspect-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(8192));
 * const info = inspectFile(path);
 * info.alignment; // 4096 on x86-64
 * info.granularity?.effective; // 'PAGE' unless the file is on DAX
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_source_from_fd(3), pmem2_source_size(3), pmem2_source_alignment(3),
 *   pmem2_map_new(3), pmem2_map_get_store_granularity(3)
 */
export function inspectFile(path: string): FileInfo {
  const source = Source.fromPath(path, { readOnly: true });
  try {
    const size = source.size();
    const alignment = source.alignment();
    const eADR = autoFlush() === 1;
    const environment = environmentOverrides();
    let granularity: GranularityInfo | null = null;
    let granularityUnavailable: string | null = null;
    if (size === 0) {
      granularityUnavailable =
        'the file is empty: pmem2_map_new refuses it (PMEM2_E_SOURCE_EMPTY); give it a size first';
    } else {
      const probe = probeGranularity(source, size >= alignment ? alignment : 0);
      granularity = {
        effective: GRANULARITY_NAMES[probe.effective],
        detected: GRANULARITY_NAMES[probe.detected],
        reason: probe.reasonText,
        mapSync: probe.mapSync,
        forced: probe.reason === 'forced',
        refused: probe.refused,
      };
    }
    return {
      path,
      type: source.type,
      size,
      alignment,
      granularity,
      granularityUnavailable,
      eADR,
      cpu: persistInfo(),
      environment,
    };
  } finally {
    source.delete();
  }
}
