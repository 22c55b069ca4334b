// file-bad-blocks.test.ts -- a regular file's bad blocks: device bad blocks mapped through the
// file's extents (libpmem2's extent walk), on synthetic extents

import { describe, expect, it } from 'vitest';
import { fileBadBlocks } from '../src/file-bad-blocks.js';

describe('fileBadBlocks: device bad blocks through file extents (synthetic extents)', () => {
  const extents = [
    { logical: 0n, physical: 40960n, length: 8192n }, // file [0, 8K) at device [40K, 48K)
    { logical: 8192n, physical: 49152n, length: 4096n }, // file [8K, 12K) at device [48K, 52K)
    { logical: 12288n, physical: 4096n, length: 4096n }, // file [12K, 16K) at device [4K, 8K)
  ];
  const run = (blocks: Array<{ offset: bigint; length: bigint }>) => [
    ...fileBadBlocks(blocks, extents, 4096n),
  ];

  it('a sector inside an extent becomes its whole block, at the file offset', () => {
    expect(run([{ offset: 41472n, length: 512n }])).toEqual([{ offset: 0n, length: 4096n }]);
  });

  it('a bad block running across two extents yields one range per extent', () => {
    expect(run([{ offset: 48640n, length: 1024n }])).toEqual([
      { offset: 4096n, length: 4096n },
      { offset: 8192n, length: 4096n },
    ]);
  });

  it('a bad block outside every extent is skipped; the next one is found', () => {
    expect(
      run([
        { offset: 0n, length: 512n },
        { offset: 4608n, length: 512n },
      ]),
    ).toEqual([{ offset: 12288n, length: 4096n }]);
  });

  it('a bad block that ends inside its first overlapping extent is not checked further', () => {
    // overlaps extent 0 and ends there; extent 2 comes later in file order and is not reached
    expect(run([{ offset: 40960n, length: 512n }])).toEqual([{ offset: 0n, length: 4096n }]);
  });
});
