// helpers.ts -- shared fixtures of the @pmem2/native tests: files, constants, child processes

import { closeSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importingChildren, scratchDir as kitScratchDir } from '@pmem2/test-kit';
import {
  binding,
  GRANULARITY_REASONS,
  type GranularityReason,
  type LastOp,
  MAP_NEW_STEPS,
  type MapHandle,
  MapNewSlot,
  newMapNewResult,
  PERSIST_KINDS,
  type PersistKind,
} from '../src/index.js';

export { type ChildResult, FILESYSTEMS, mapsLineAt } from '@pmem2/test-kit';
export { binding };

/** PMEM2_PROT_READ | PMEM2_PROT_WRITE. */
export const PROT_RW = 2 ** 30 + 2 ** 31;
/** PMEM2_PROT_READ. */
export const PROT_READ = 2 ** 30;
/** PMEM2_PROT_WRITE alone. */
export const PROT_WRITE = 2 ** 31;
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

/** What the last {@link mapNew} of these helpers reported in its result slots. */
export const result = newMapNewResult();

/** What mapNew reported for a mapping the helpers made. */
export interface Mapped {
  readonly address: bigint;
  readonly mapSync: boolean;
  readonly granularity: number;
  readonly reason: GranularityReason;
  readonly persistKind: PersistKind;
}
const mapped = new WeakMap<MapHandle, Mapped>();

/** The failed step of the last {@link mapNew} ('none' unless a system call failed). */
export function failedStep(): string | undefined {
  return MAP_NEW_STEPS[result[MapNewSlot.failedStep] ?? -1];
}

/** mapNew's arguments up to the reservation offset: where and how to map. */
type Placement =
  Required<Parameters<typeof binding.mapNew>> extends [
    ...infer P,
    unknown,
    unknown,
    unknown,
    unknown,
  ]
    ? P
    : never;

/**
 * binding.mapNew requiring `required` and asking `eADR`, reporting into {@link result}; a
 * handle's report is kept for {@link mappedOf}.
 */
export function mapNewRequiring(
  required: 0 | 1 | 2,
  eADR: (() => boolean) | null,
  ...placement: Placement
): MapHandle | number {
  const map = binding.mapNew(...placement, required, eADR, result);
  if (typeof map !== 'number') {
    mapped.set(map, {
      address: BigInt(result[MapNewSlot.address] ?? 0),
      mapSync: result[MapNewSlot.mapSync] === 1,
      granularity: result[MapNewSlot.granularity] ?? -1,
      reason: GRANULARITY_REASONS[result[MapNewSlot.reason] ?? -1] as GranularityReason,
      persistKind: PERSIST_KINDS[result[MapNewSlot.persistKind] ?? -1] as PersistKind,
    });
  }
  return map;
}

/** binding.mapNew with every granularity accepted (PAGE required) and no eADR question. */
export function mapNew(...placement: Placement): MapHandle | number {
  return mapNewRequiring(2, null, ...placement);
}

/** What mapNew reported for a mapping made by these helpers. */
export function mappedOf(map: MapHandle): Mapped {
  const got = mapped.get(map);
  if (got === undefined) throw new Error('not a mapping of the test helpers');
  return got;
}

/** Maps `length` bytes of fd (or anonymous memory with fd -1) read-write, shared; asserts a handle. */
export function mapRw(fd: number, length: number, offset = 0n, privateMapping = false): MapHandle {
  const map = mapNew(fd, offset, BigInt(length), PROT_RW, privateMapping, PAGE, null, 0n);
  if (typeof map === 'number') throw new Error(`mapNew failed with ${map}`);
  return map;
}

const GRANULARITY_NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'] as const;

/** Runs `fn` with PMEM2_FORCE_GRANULARITY set to `granularity`'s name (C's getenv sees it). */
export function withForcedGranularity<T>(granularity: 0 | 1 | 2, fn: () => T): T {
  const saved = process.env.PMEM2_FORCE_GRANULARITY;
  process.env.PMEM2_FORCE_GRANULARITY = GRANULARITY_NAMES[granularity];
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.PMEM2_FORCE_GRANULARITY;
    else process.env.PMEM2_FORCE_GRANULARITY = saved;
  }
}

/**
 * A shared read-write mapping of `length` bytes of a fresh /dev/shm file (unlinked at once:
 * the mapping keeps the memory) whose granularity PMEM2_FORCE_GRANULARITY forces, for this
 * one call, to `granularity`: the way to get a CACHE_LINE or BYTE file mapping off DAX.
 */
export function mapForced(granularity: 0 | 1 | 2, length: number): MapHandle {
  const path = `/dev/shm/pmem2-native-forced-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = openSync(path, 'w+');
  try {
    unlinkSync(path);
    ftruncateSync(fd, length);
    const map = withForcedGranularity(granularity, () => mapRw(fd, length));
    if (mappedOf(map).granularity !== granularity) throw new Error('the force did not take');
    return map;
  } finally {
    closeSync(fd);
  }
}

/**
 * Child-script source (for {@link runChild}) that defines `const <name>`: what
 * {@link mapForced} makes, in the child.
 */
export function childMapForced(granularity: 0 | 1 | 2, length: number, name = 'm'): string {
  return `
const ${name} = await (async () => {
  const fs = await import('node:fs');
  const path = '/dev/shm/pmem2-native-forced-' + process.pid + '-${name}';
  const fd = fs.openSync(path, 'w+');
  fs.unlinkSync(path);
  fs.ftruncateSync(fd, ${length});
  process.env.PMEM2_FORCE_GRANULARITY = '${GRANULARITY_NAMES[granularity]}';
  const map = binding.mapNew(fd, 0n, ${length}n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null,
    new Float64Array(6));
  delete process.env.PMEM2_FORCE_GRANULARITY;
  fs.closeSync(fd);
  if (typeof map === 'number') throw new Error('mapNew failed with ' + map);
  return map;
})();
`;
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
