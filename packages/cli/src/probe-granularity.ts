// probe-granularity.ts -- finds a file's store granularity by mapping it, as pmem2_map_new does

import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { isPmem2Error } from '@pmem2/errors';
import { explainGranularity, type GranularityReason, mapNew, type Pmem2Map } from '@pmem2/map';
import type { Source } from '@pmem2/source';
import { GRANULARITY_NAMES } from './granularity-reason.js';

/** A finer granularity that `pmem2_map_new` refused for this file, with libpmem2's text. */
export interface GranularityRefusal {
  /** The granularity requested (`'BYTE'` or `'CACHE_LINE'`). */
  readonly requested: (typeof GRANULARITY_NAMES)[number];
  /** The error code, `'PMEM2_E_GRANULARITY_NOT_SUPPORTED'`. */
  readonly code: string;
  /** What `pmem2_errormsg()` says: why the finer granularity is not available. */
  readonly libpmem2Message: string;
}

/** What mapping a file (shared, read-only, at most one alignment unit) showed. */
export interface GranularityProbe {
  /** The granularity `pmem2_map_new` gives under the current environment. */
  readonly effective: Granularity;
  /** The granularity detection alone gives (without `PMEM2_FORCE_GRANULARITY`). */
  readonly detected: Granularity;
  /** Whether MAP_SYNC took. */
  readonly mapSync: boolean;
  /** The rule of libpmem2 that decided the effective granularity. */
  readonly reason: GranularityReason;
  /** That rule in one sentence ({@link @pmem2/map!explainGranularity}). */
  readonly reasonText: string;
  /** The finer granularities mapNew refused, each with libpmem2's reason. */
  readonly refused: readonly GranularityRefusal[];
}

// Maps the first `length` bytes shared and read-only, requiring `granularity`.
function mapOnce(source: Source, granularity: Granularity, length: number): Pmem2Map {
  const config = new Config()
    .setRequiredStoreGranularity(granularity)
    .setLength(length)
    .setProtection(Protection.READ)
    .setSharing(Sharing.SHARED);
  return mapNew(config, source);
}

/**
 * Maps `source` shared and read-only, as libpmem2 would, to learn its store granularity.
 *
 * @remarks
 * libpmem2 has no call that answers "which granularity would I get"; `pmem2_map_new` decides
 * after `mmap` (MAP_SYNC taken or not, eADR, `PMEM2_FORCE_GRANULARITY`). This maps the first
 * `length` bytes with `Granularity.PAGE` required (which always succeeds) and asks
 * {@link @pmem2/map!explainGranularity} which rule decided and what detection alone gives;
 * then it asks for each finer granularity to record libpmem2's refusal text. Every mapping is
 * deleted before returning; the environment is not touched. Mapping read-only needs only
 * read access and does not change the file.
 *
 * @param source - a regular file or device DAX source of at least `length` bytes.
 * @param length - how much to map: a multiple of the source's alignment, or 0 for all of it.
 * @returns the effective and detected granularities, MAP_SYNC, and the refusals.
 * @throws {@link @pmem2/errors!Pmem2Error} any error of `mapNew` other than
 *   `PMEM2_E_GRANULARITY_NOT_SUPPORTED` (e.g. `PMEM2_E_NO_ACCESS`, `PMEM2_E_SOURCE_EMPTY`).
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Source } from '@pmem2/source';
 * import { probeGranularity } from '@pmem2/cli';
 * const path = join(tmpdir(), `probe-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * const source = Source.fromPath(path);
 * probeGranularity(source, 4096).mapSync; // false on a disk or tmpfs file
 * source.delete();
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_map_get_store_granularity(3)
 */
export function probeGranularity(source: Source, length: number): GranularityProbe {
  const map = mapOnce(source, Granularity.PAGE, length);
  let why: ReturnType<typeof explainGranularity>;
  try {
    why = explainGranularity(map);
  } finally {
    map.delete();
  }
  const refused: GranularityRefusal[] = [];
  for (const requested of [Granularity.BYTE, Granularity.CACHE_LINE]) {
    if (requested >= why.granularity) continue;
    try {
      mapOnce(source, requested, length).delete();
    } catch (error) {
      if (!isPmem2Error(error) || error.code !== 'PMEM2_E_GRANULARITY_NOT_SUPPORTED') throw error;
      refused.push({
        requested: GRANULARITY_NAMES[requested],
        code: error.code,
        libpmem2Message: error.libpmem2Message,
      });
    }
  }
  return {
    effective: why.granularity,
    detected: why.detected,
    mapSync: why.mapSync,
    reason: why.reason,
    reasonText: why.text,
    refused,
  };
}
