// temp.ts -- temporary directories and files that are removed after each test file

import { closeSync, cpSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEMP_DIRS = Symbol.for('@pmem2/test-kit.tempDirs');

/** Where a test file lives: ext4 (os.tmpdir()) or tmpfs (/dev/shm). */
export type Backend = 'ext4' | 'tmpfs';

/** Both backends, for `describe.each`. */
export const BACKENDS: readonly Backend[] = ['ext4', 'tmpfs'];

/**
 * The directory a backend's test files go under: os.tmpdir() for ext4, /dev/shm for tmpfs.
 * Under the test kit's vitest config both are private directories of the run (TMPDIR and
 * PMEM2_TEST_SHM, set by tmp-guard), checked empty when the run ends.
 */
export function backendRoot(backend: Backend): string {
  return backend === 'ext4' ? tmpdir() : (process.env.PMEM2_TEST_SHM ?? '/dev/shm');
}

/**
 * The directories still to remove, kept on globalThis so that every copy of this module in a
 * test worker (the setup file's and the tests') shares one list.
 */
const shared = globalThis as { [TEMP_DIRS]?: string[] };
shared[TEMP_DIRS] ??= [];
const created: string[] = shared[TEMP_DIRS];

/** The file systems every primitive is tested on, by name, with their temp roots. */
export const FILESYSTEMS = [
  { name: 'ext4 (os.tmpdir())', root: backendRoot('ext4') },
  { name: 'tmpfs (/dev/shm)', root: backendRoot('tmpfs') },
] as const;

/**
 * Makes a fresh directory `<parent>/<prefix>XXXXXX` (parent: os.tmpdir()) and returns its
 * path; it is removed, with everything in it, after the test file (the test kit's setup file
 * calls {@link removeTempDirs}), or earlier by {@link removeTempDir}.
 */
export function tempDir(prefix = 'pmem2-test-', parent: string = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  created.push(dir);
  return dir;
}

/** Removes one directory made by {@link tempDir} now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const index = created.indexOf(dir);
  if (index >= 0) created.splice(index, 1);
}

/** A {@link tempDir} under `root` and the function that removes it (else it goes after the file). */
export function scratchDir(
  root: string,
  prefix = 'pmem2-test-',
): { readonly dir: string; readonly cleanup: () => void } {
  const dir = tempDir(prefix, root);
  return { dir, cleanup: () => removeTempDir(dir) };
}

/** Removes every directory {@link tempDir} made that is still there. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Creates a holey (sparse) file of `size` bytes at `dir/name`, like PMDK's `create_holey_file`. */
export function holeyFile(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  return path;
}

const backendDirs = new Map<Backend, string>();
let counter = 0;

/**
 * Creates a holey file of `size` bytes on `backend`, in one directory per backend and test
 * file (removed with the other temp directories), and returns its path.
 */
export function backendFile(backend: Backend, size: number, prefix = 'pmem2-test-'): string {
  let dir = backendDirs.get(backend);
  if (dir === undefined || !created.includes(dir)) {
    dir = tempDir(prefix, backendRoot(backend));
    backendDirs.set(backend, dir);
  }
  return holeyFile(dir, `testfile-${process.pid}-${counter++}`, size);
}

/** A writable copy of the tree at `source` (symlinks kept as they are) in a fresh temp dir. */
export function copyTree(source: string, name: string, prefix = 'pmem2-test-'): string {
  const root = join(tempDir(prefix), name);
  cpSync(source, root, { recursive: true, verbatimSymlinks: true });
  return root;
}
