// bad-block-list.ts -- the bad blocks libndctl reads from sysfs `badblocks` files, and the
// namespace bounds that place region bad blocks in a namespace

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERRNO, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import type { NamespaceDevice } from './region-namespace.js';
import { strtoull } from './strtoull.js';
import { sysfsPath } from './sysfs-root.js';

/** libndctl's sector: bad block offsets and lengths are counted in 512-byte units. */
export const SECTOR = 512n;

/** A bad block range in bytes. */
export interface ByteRange {
  readonly offset: bigint;
  readonly length: bigint;
}

/**
 * The `<sector> <count>` lines of a sysfs `badblocks` file, in bytes, as libndctl's iterator
 * reads them (it stops at the first line that does not parse); empty when the file is missing.
 */
export function readBadBlocksFile(path: string): ByteRange[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return [];
  }
  const ranges: ByteRange[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)/.exec(line);
    if (match === null) break;
    ranges.push({
      offset: BigInt(match[1] as string) * SECTOR,
      length: BigInt(match[2] as string) * SECTOR,
    });
  }
  return ranges;
}

/** The bad blocks of an fsdax namespace: `/sys/block/<bdev>/badblocks`, namespace-relative. */
export function namespaceBadBlocks(device: NamespaceDevice, root: string): ByteRange[] {
  return readBadBlocksFile(sysfsPath(root, `/sys/block/${device.blockDevice}/badblocks`));
}

/** The bad blocks of a region: `<region>/badblocks`, region-relative. */
export function regionBadBlocks(device: NamespaceDevice): ByteRange[] {
  return readBadBlocksFile(join(device.region.path, 'badblocks'));
}

/**
 * Whether libndctl calls the namespace of a device fsdax: its `mode` attribute says `memory`
 * (the kernel's word for a namespace claimed by a pfn device, or mapped with struct pages).
 * Only such namespaces list bad blocks in their block device; the others use the region's list.
 */
export function isFsdaxNamespace(device: NamespaceDevice): boolean {
  return readAttribute(join(namespaceDir(device), 'mode')) === 'memory';
}

/**
 * Where the namespace of a source that is not fsdax lies in its region, in bytes: the
 * `resource` and `size` of the pfn or nd_dax device claiming it, or of the namespace itself
 * (raw, btt), minus the region's `resource` (libpmem2's `badblocks_get_namespace_bounds`).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_CANNOT_READ_BOUNDS` when an attribute of the
 *   namespace is missing; `-ENOENT` when the region has no `resource`.
 */
export function namespaceBounds(device: NamespaceDevice): { begin: bigint; size: bigint } {
  const label = device.kind === 'dax' ? '(dax)' : device.kind === 'pfn' ? '(pfn)' : '(raw/btt)';
  const dir = device.kind === 'pfn' || device.kind === 'dax' ? device.path : namespaceDir(device);
  // libpmem2 reads the namespace's offset (its `resource`), then its size
  const read = (name: 'resource' | 'size', what: 'offset' | 'size'): bigint => {
    const value = readNumber(join(dir, name));
    if (value === undefined) {
      throw new Pmem2Error(
        PMEM2_E.CANNOT_READ_BOUNDS,
        `${join(dir, name)} is missing or malformed; cannot place the namespace in its region`,
        { libpmem2Message: `${label} cannot read ${what} of the namespace` },
      );
    }
    return value;
  };
  const resource = read('resource', 'offset');
  const size = read('size', 'size');
  const regionResource = readNumber(join(device.region.path, 'resource'));
  if (regionResource === undefined) {
    const errno = ERRNO.ENOENT;
    throw new Pmem2Error(
      -errno,
      `${join(device.region.path, 'resource')} is missing or malformed; cannot place the namespace in its region`,
      { libpmem2Message: `cannot read offset of the region: ${strerror(errno)}` },
    );
  }
  return { begin: BigInt.asUintN(64, resource - regionResource), size };
}

/** The namespace directory: the matched one, or the one a pfn, btt or nd_dax device claims. */
function namespaceDir(device: NamespaceDevice): string {
  if (device.kind === 'namespace') return device.path;
  const name = readAttribute(join(device.path, 'namespace'));
  return join(device.region.path, name ?? '');
}

function readNumber(path: string): bigint | undefined {
  const text = readAttribute(path);
  if (text === undefined) return undefined;
  const parsed = strtoull(text, 0);
  return parsed.end === 0 || parsed.overflow ? undefined : parsed.value;
}

function readAttribute(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1').replace(/\n$/, '');
  } catch {
    return undefined;
  }
}

/** The larger of two bigints. */
export function larger(a: bigint, b: bigint): bigint {
  if (a > b) return a;
  return b;
}

/** The smaller of two bigints. */
export function smaller(a: bigint, b: bigint): bigint {
  if (a < b) return a;
  return b;
}
