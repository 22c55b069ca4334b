// file-bad-blocks.ts -- a regular file's bad blocks: the device's bad blocks that fall in the
// file's extents, as file ranges (libpmem2: badblocks_ndctl.c's extent walk)

import type { FileExtent } from '@pmem2/native';
import { type ByteRange, larger, smaller } from './bad-block-list.js';
import type { BadBlock } from './bad-blocks.js';

const ALL_ONES = 2n ** 64n - 1n;

/**
 * The device bad blocks that fall in a file's extents, as file ranges widened to whole blocks:
 * each bad block is checked against the extents in file order, and yields one range per extent
 * it overlaps while it runs past the end of the extent it overlapped.
 */
export function* fileBadBlocks(
  deviceBlocks: Iterable<ByteRange>,
  extents: readonly FileExtent[],
  blockSize: bigint,
): Generator<BadBlock> {
  for (const block of deviceBlocks) {
    const blockEnd = BigInt.asUintN(64, block.offset + block.length - 1n);
    let first = 0;
    for (;;) {
      const index = extents.findIndex(
        (extent, i) =>
          i >= first && block.offset <= extentEnd(extent) && extent.physical <= blockEnd,
      );
      if (index < 0) break;
      const extent = extents[index] as FileExtent;
      const from = larger(block.offset, extent.physical);
      const to = smaller(blockEnd, extentEnd(extent));
      let offset = BigInt.asUintN(64, from + extent.logical - extent.physical);
      let length = to - from + 1n;
      const misalignment = offset & (blockSize - 1n);
      offset -= misalignment;
      length += misalignment;
      length = (length + blockSize - 1n) & (ALL_ONES ^ (blockSize - 1n));
      yield { offset, length };
      if (blockEnd > extentEnd(extent) && index + 1 < extents.length) first = index + 1;
      else break;
    }
  }
}

function extentEnd(extent: FileExtent): bigint {
  return BigInt.asUintN(64, extent.physical + extent.length - 1n);
}
