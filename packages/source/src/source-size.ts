// source-size.ts -- pmem2_source_size and pmem2_source_alignment of an fd source

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { deviceDaxAlignment, deviceDaxSize } from './device-dax.js';
import { pageSize } from './page-size.js';
import { type FdFacts, fstatOrThrow } from './source-checks.js';
import type { SourceType } from './source-types.js';

/** The size of an fd source: a fresh fstat, then sysfs for device DAX. */
export function fileSourceSize(file: FdFacts, type: SourceType, root: string): bigint {
  const stats = fstatOrThrow(file.fd);
  if (type === 'devdax') return deviceDaxSize(file.rdev, root);
  if (stats.size < 0n) {
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_HANDLE,
      `fstat(${file.fd}) reports a negative size ${stats.size}`,
      { libpmem2Message: `kernel says size of regular file is negative (${stats.size})` },
    );
  }
  return stats.size;
}

/**
 * The mapping alignment of a source: the page size, or the device DAX alignment from sysfs;
 * it must be a power of two.
 */
export function sourceAlignment(file: FdFacts | undefined, type: SourceType, root: string): number {
  const alignment =
    file !== undefined && type === 'devdax'
      ? deviceDaxAlignment(file.rdev, root)
      : BigInt(pageSize());
  if (alignment === 0n || (alignment & (alignment - 1n)) !== 0n) {
    const text = `alignment (${alignment}) has to be a power of two`;
    throw new Pmem2Error(
      PMEM2_E.INVALID_ALIGNMENT_VALUE,
      `the device DAX alignment ${alignment} read from sysfs is not a power of two; check the namespace (ndctl list -X)`,
      { libpmem2Message: text },
    );
  }
  if (alignment > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(
      `alignment ${alignment} exceeds 2^53-1 and cannot be returned as a number`,
    );
  }
  return Number(alignment);
}
