// helpers.ts -- what the map tests add to @pmem2/test-kit: test files, sources and configs,
// and the fixture scripts of test/fixtures run in a child process

import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config, Granularity } from '@pmem2/config';
import { Source } from '@pmem2/source';
import { type Backend, backendFile, type ChildResult, runNode } from '@pmem2/test-kit';

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
  removeTempDirs as removeBackendDirs,
} from '@pmem2/test-kit';

export const MiB = 1024 * 1024;
export const PAGE = 4096;
export const TEST_FILE_SIZE = 16 * MiB;

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

const here = dirname(fileURLToPath(import.meta.url));

/** Whether the package has been built (child-process tests import dist/). */
export const HAVE_DIST = existsSync(join(here, '..', 'dist', 'index.js'));

/** Runs a fixture script from test/fixtures in a fresh Node process. */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  nodeFlags: readonly string[] = [],
): ChildResult {
  return runNode([join(here, 'fixtures', name), ...args], { env, nodeFlags, timeout: 60_000 });
}
