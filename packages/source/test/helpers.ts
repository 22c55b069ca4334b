// helpers.ts -- temporary files, fixture sysfs trees and error assertions for the tests

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  cpSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pmem2Error } from '@pmem2/errors';
import { afterAll, expect } from 'vitest';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under `parent` (os.tmpdir() by default), removed after the test file. */
export function tempDir(parent: string = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'pmem2-source-'));
  created.push(dir);
  return dir;
}

/** Creates a holey file of `size` bytes, like PMDK's `create_holey_file`. */
export function holeyFile(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

/** Opens a file and remembers to close it after the test file. */
const openFds: number[] = [];
afterAll(() => {
  for (const fd of openFds) {
    try {
      closeSync(fd);
    } catch {
      // already closed by the test
    }
  }
});
export function openTracked(path: string, flags: number): number {
  const fd = openSync(path, flags);
  openFds.push(fd);
  return fd;
}

/** A FIFO made with mkfifo(1), opened O_RDWR | O_NONBLOCK. */
export function openFifo(dir: string): number {
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  return openTracked(path, constants.O_RDWR | constants.O_NONBLOCK);
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sysfs');

/** The absolute path of a committed fixture sysfs tree. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A writable copy of a fixture tree (symlinks kept as they are), to vary one attribute. */
export function copyFixture(name: string): string {
  const root = join(tempDir(), name);
  cpSync(fixture(name), root, { recursive: true, verbatimSymlinks: true });
  return root;
}

/** `"major:minor"` of the filesystem holding `path` (its st_dev), as sysfs `dev` files say. */
export function devOf(path: string): string {
  const dev = statSync(path, { bigint: true }).dev;
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** Writes a sysfs attribute in a fixture copy. */
export function writeAttribute(root: string, path: string, content: string): void {
  writeFileSync(join(root, path), content);
}

/**
 * Runs `fn`, expects a Pmem2Error with `code` (and `libpmem2Message` when given), returns it.
 */
export function expectPmem2Error(
  fn: () => unknown,
  code: string,
  libpmem2Message?: string,
): Pmem2Error {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(Error);
  const error = thrown as Pmem2Error;
  expect(error.name).toBe('Pmem2Error');
  expect(error.code).toBe(code);
  if (libpmem2Message !== undefined) expect(error.libpmem2Message).toBe(libpmem2Message);
  return error;
}
