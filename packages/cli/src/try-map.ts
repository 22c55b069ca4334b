// try-map.ts -- `pmem2 map`: runs pmem2_map_new with the given config and reports the result

import { Config, type Granularity, Protection, Sharing } from '@pmem2/config';
import { mapNew } from '@pmem2/map';
import { Source } from '@pmem2/source';
import { GRANULARITY_NAMES } from './granularity-reason.js';

/** The config of a {@link tryMap} call; omitted fields keep libpmem2's defaults. */
export interface TryMapOptions {
  /** The required store granularity; without it `pmem2_map_new` fails (GRANULARITY_NOT_SET). */
  readonly granularity?: Granularity;
  /** `pmem2_config_set_offset`, default 0. */
  readonly offset?: bigint;
  /** `pmem2_config_set_length`, default 0 (to the end of the file). */
  readonly length?: bigint;
  /** `PMEM2_PRIVATE` (copy-on-write) instead of `PMEM2_SHARED`. */
  readonly private?: boolean;
  /** Open the file read-only and map it with `PMEM2_PROT_READ` only. */
  readonly readOnly?: boolean;
}

/** What a successful {@link tryMap} mapped. */
export interface TryMapResult {
  readonly path: string;
  /** The source type, `'regular'` or `'devdax'`. */
  readonly type: string;
  /** `pmem2_source_size`. */
  readonly sourceSize: number;
  /** `pmem2_source_alignment`. */
  readonly alignment: number;
  /** The offset that was mapped. */
  readonly offset: bigint;
  /** `pmem2_map_get_size`. */
  readonly size: number;
  /** The granularity that was required. */
  readonly requiredGranularity: (typeof GRANULARITY_NAMES)[number] | null;
  /** `pmem2_map_get_store_granularity`. */
  readonly storeGranularity: (typeof GRANULARITY_NAMES)[number];
  /** `pmem2_map_get_address` (diagnostics only; the mapping is deleted before returning). */
  readonly address: bigint;
  readonly sharing: 'shared' | 'private';
  readonly protection: 'read' | 'read-write';
  /** Whether the mapping exposed a zero-copy `buffer` (read-write mappings only). */
  readonly buffer: boolean;
}

/**
 * Maps a file with the given config, exactly as {@link @pmem2/map!mapNew} does, reports what
 * was mapped, and deletes the mapping.
 *
 * @remarks
 * The file is opened read-write unless {@link TryMapOptions.readOnly} is set; then the
 * mapping is `PMEM2_PROT_READ` (and has no buffer). Nothing is written to the file.
 *
 * @param path - a regular file or device DAX.
 * @param options - the config.
 * @returns what was mapped.
 * @throws {@link @pmem2/errors!Pmem2Error} every error of `Source.fromPath` and `mapNew`, unchanged:
 *   `PMEM2_E_GRANULARITY_NOT_SET`, `PMEM2_E_GRANULARITY_NOT_SUPPORTED`,
 *   `PMEM2_E_OFFSET_OUT_OF_RANGE`, `PMEM2_E_OFFSET_UNALIGNED`, `PMEM2_E_LENGTH_UNALIGNED`,
 *   `PMEM2_E_MAP_RANGE`, `PMEM2_E_SOURCE_EMPTY`, `PMEM2_E_SRC_DEVDAX_PRIVATE`,
 *   `PMEM2_E_INVALID_FILE_TYPE`, `PMEM2_E_NO_ACCESS`, `ENOENT`, `EACCES`, …
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Granularity } from '@pmem2/config';
 * import { tryMap } from '@pmem2/cli';
 * const path = join(tmpdir(), `try-map-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(8192));
 * tryMap(path, { granularity: Granularity.PAGE, offset: 4096n }).size; // 4096
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_config_set_offset(3), pmem2_config_set_length(3)
 */
export function tryMap(path: string, options: TryMapOptions = {}): TryMapResult {
  const readOnly = options.readOnly === true;
  const source = Source.fromPath(path, { readOnly });
  try {
    const config = new Config()
      .setOffset(options.offset ?? 0n)
      .setLength(options.length ?? 0n)
      .setSharing(options.private === true ? Sharing.PRIVATE : Sharing.SHARED)
      .setProtection(readOnly ? Protection.READ : Protection.READ | Protection.WRITE);
    if (options.granularity !== undefined) config.setRequiredStoreGranularity(options.granularity);
    const map = mapNew(config, source);
    try {
      let buffer = true;
      try {
        void map.buffer;
      } catch {
        buffer = false;
      }
      return {
        path,
        type: source.type,
        sourceSize: source.size(),
        alignment: source.alignment(),
        offset: config.offset,
        size: map.size,
        requiredGranularity:
          options.granularity === undefined ? null : GRANULARITY_NAMES[options.granularity],
        storeGranularity: GRANULARITY_NAMES[map.storeGranularity],
        address: map.address,
        sharing: options.private === true ? 'private' : 'shared',
        protection: readOnly ? 'read' : 'read-write',
        buffer,
      };
    } finally {
      map.delete();
    }
  } finally {
    source.delete();
  }
}
