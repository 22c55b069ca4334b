// helpers.ts -- test files on ext4 / tmpfs, sources, /proc/self/maps, child processes

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config, Granularity } from '@pmem2/config';
import { isPmem2Error, type Pmem2Error } from '@pmem2/errors';
import { Source } from '@pmem2/source';
import { expect } from 'vitest';

export const MiB = 1024 * 1024;
export const PAGE = 4096;
export const TEST_FILE_SIZE = 16 * MiB;

/** Where a test file lives: ext4 (os.tmpdir()) or tmpfs (/dev/shm). */
export type Backend = 'ext4' | 'tmpfs';

export const BACKENDS: readonly Backend[] = ['ext4', 'tmpfs'];

const dirs = new Map<Backend, string>();

/** A directory of this test run on the backend. */
function backendDir(backend: Backend): string {
  let dir = dirs.get(backend);
  if (dir === undefined) {
    dir = mkdtempSync(join(backend === 'ext4' ? tmpdir() : '/dev/shm', 'pmem2-map-'));
    dirs.set(backend, dir);
  }
  return dir;
}

/** Removes every directory created by {@link backendDir}. */
export function removeBackendDirs(): void {
  for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

let counter = 0;

/** Creates a sparse ("holey") file of `size` bytes on the backend and returns its path. */
export function makeFile(backend: Backend, size: number = TEST_FILE_SIZE): string {
  const path = join(backendDir(backend), `testfile-${process.pid}-${counter++}`);
  const fd = openSync(path, 'w+');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
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

/** Runs `fn` and returns the Pmem2Error it throws; fails the test if it throws nothing else. */
export function catchPmem2(fn: () => unknown): Pmem2Error {
  try {
    fn();
  } catch (error) {
    if (isPmem2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a Pmem2Error, but the call returned');
}

/** Asserts that `fn` throws a Pmem2Error with `code` (and libpmem2 text when given). */
export function expectPmem2(fn: () => unknown, code: string, libpmem2Message?: string): Pmem2Error {
  const error = catchPmem2(fn);
  expect(error.code).toBe(code);
  if (libpmem2Message !== undefined) expect(error.libpmem2Message).toBe(libpmem2Message);
  return error;
}

/** One line of /proc/self/maps. */
export interface MapsLine {
  readonly start: bigint;
  readonly end: bigint;
  readonly perms: string;
  readonly path: string;
}

/** Parses /proc/self/maps. */
export function procMaps(): MapsLine[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [range = '', perms = '', , , , ...rest] = line.split(/\s+/);
      const [start = '0', end = '0'] = range.split('-');
      return {
        start: BigInt(`0x${start}`),
        end: BigInt(`0x${end}`),
        perms,
        path: rest.join(' '),
      };
    });
}

/** The /proc/self/maps lines that map `path`. */
export function mappingsOf(path: string): MapsLine[] {
  return procMaps().filter((line) => line.path === path || line.path === `${path} (deleted)`);
}

/** The /proc/self/maps lines overlapping [start, end). */
export function mappingsIn(start: bigint, end: bigint): MapsLine[] {
  return procMaps().filter((line) => line.start < end && start < line.end);
}

const here = dirname(fileURLToPath(import.meta.url));

/** The built package entry, which child processes import. */
const DIST_ENTRY = join(here, '..', 'dist', 'index.js');

/** Whether the package has been built (child-process tests need it). */
export const HAVE_DIST = existsSync(DIST_ENTRY);

/** Result of a child process. */
export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a fixture script from test/fixtures in a fresh Node process. */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  nodeFlags: readonly string[] = [],
): ChildResult {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const result = spawnSync(
    process.execPath,
    [...nodeFlags, join(here, 'fixtures', name), ...args],
    {
      encoding: 'utf8',
      env: childEnv,
      timeout: 60_000,
    },
  );
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
