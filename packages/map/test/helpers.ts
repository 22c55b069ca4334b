// helpers.ts -- what the map tests add to @pmem2/test-kit: test files, sources and configs
// (child-process and fault suites live in tools/reliability)

import { closeSync, openSync } from 'node:fs';
import { Config, Granularity } from '@pmem2/config';
import { Source } from '@pmem2/source';
import { type Backend, backendFile } from '@pmem2/test-kit';

export {
  BACKENDS,
  type Backend,
  type ChildResult,
  catchPmem2,
  expectPmem2,
  type MapsLine,
  mappingsIn,
  mappingsOf,
  procMaps,
} from '@pmem2/test-kit';

export const MiB = 1024 * 1024;
export const PAGE = 4096;
export const TEST_FILE_SIZE = 16 * MiB;

/** The PMEM2_FORCE_GRANULARITY values the map suites run under (undefined = unset). */
export const FORCES = [undefined, 'byte', 'cache_line', 'page'] as const;
export type Force = (typeof FORCES)[number];

/**
 * Creates a sparse ("holey") file of `size` bytes on the backend and returns its path; the
 * test kit removes it after the test file.
 */
export function makeFile(backend: Backend, size: number = TEST_FILE_SIZE): string {
  return backendFile(backend, size, 'pmem2-map-');
}

/** An open file and a source over it; close both with `[Symbol.dispose]`. */
export interface OpenSource extends Disposable {
  readonly source: Source;
  readonly fd: number;
  readonly path: string;
}

/** Opens `path` (O_RDWR by default) and makes a Source from the fd. */
export function openSource(path: string, flags: 'r' | 'r+' = 'r+'): OpenSource {
  const fd = openSync(path, flags);
  const source = Source.fromFd(fd);
  return {
    source,
    fd,
    path,
    [Symbol.dispose]() {
      source.delete();
      try {
        closeSync(fd);
      } catch {
        // the test closed it on purpose (TEST10)
      }
    },
  };
}

/** ut_pmem2_prepare_config: a config with offset, length and granularity PAGE. */
export function prepareConfig(offset: number | bigint = 0, length: number | bigint = 0): Config {
  return new Config()
    .setRequiredStoreGranularity(Granularity.PAGE)
    .setOffset(offset)
    .setLength(length);
}
