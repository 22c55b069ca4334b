// helpers.ts -- shared fixtures of the @pmem2/native tests: files, constants, child processes

import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importingChildren, scratchDir as kitScratchDir } from '@pmem2/test-kit';
import { binding, type LastOp, type MapHandle } from '../src/index.js';

export { type ChildResult, FILESYSTEMS, mapsLineAt } from '@pmem2/test-kit';
export { binding };

/** PMEM2_PROT_READ | PMEM2_PROT_WRITE. */
export const PROT_RW = 2 ** 30 + 2 ** 31;
/** PMEM2_PROT_READ. */
export const PROT_READ = 2 ** 30;
export const MiB = 1024 * 1024;
export const PAGE = binding.pageSize();

/** libpmem2 status codes the tests assert on (libpmem2/base.h). */
export const E = {
  NOSUPP: -100001,
  MAP_RANGE: -100006,
  MAPPING_EXISTS: -100007,
  OFFSET_OUT_OF_RANGE: -100010,
  OFFSET_UNALIGNED: -100011,
  LENGTH_UNALIGNED: -100015,
  MAPPING_NOT_FOUND: -100016,
  ADDRESS_UNALIGNED: -100022,
  LENGTH_OUT_OF_RANGE: -100030,
  INVALID_PROT_FLAG: -100031,
  NO_ACCESS: -100032,
  VM_RESERVATION_NOT_EMPTY: -100033,
  IO_FAIL: -100037,
} as const;

/** Granularity values of enum pmem2_granularity. */
export const BYTE = 0;
export const CACHE_LINE = 1;
export const PAGE_GRANULARITY = 2;

/** A scratch directory under `root`, removed by the returned cleanup (else after the file). */
export function scratchDir(root: string): { dir: string; cleanup: () => void } {
  return kitScratchDir(root, 'pmem2-native-');
}

/** Creates a `size`-byte (sparse) file opened read-write; returns its path and fd. */
export function makeFile(dir: string, name: string, size: number): { path: string; fd: number } {
  const path = join(dir, name);
  const fd = openSync(path, 'w+');
  ftruncateSync(fd, size);
  return { path, fd };
}

/** Closes an fd (the mapping keeps the file). */
export function close(fd: number): void {
  closeSync(fd);
}

/** Maps `length` bytes of fd (or anonymous memory with fd -1) read-write, shared; asserts a handle. */
export function mapRw(fd: number, length: number, offset = 0n, privateMapping = false): MapHandle {
  const map = binding.mapNew(fd, offset, BigInt(length), PROT_RW, privateMapping, PAGE, null, 0n);
  if (typeof map === 'number') throw new Error(`mapNew failed with ${map}`);
  return map;
}

/** The mapping's bytes as a Uint8Array. */
export function bytes(map: MapHandle): Uint8Array {
  const ab = binding.mapBuffer(map);
  if (typeof ab === 'number') throw new Error(`mapBuffer failed with ${ab}`);
  return new Uint8Array(ab);
}

const here = dirname(fileURLToPath(import.meta.url));
/** The built entry point children import (turbo builds before tests). */
export const distEntry = pathToFileURL(join(here, '..', 'dist', 'index.js')).href;

/** Runs an ES module body in a fresh node with `binding` imported (`runChild`, `childJson`). */
export const { runChild, childJson } = importingChildren(distEntry, 'binding');

/** lastOp() after a call that stored nothing: every step false but those given. */
export function storedNothing(steps: Partial<Omit<LastOp, 'store'>>): LastOp {
  return {
    store: 'none',
    flushed: false,
    ntFence: false,
    drained: false,
    msynced: false,
    ...steps,
  };
}
