import type { MemOp } from './case.js';
import { INT64_MAX, PAGE, UINT64_MAX } from './case.js';
import type { CaseGroup } from './case-axes.js';
import { anon, cross, file, GRANULARITY, SHARING, sourceName } from './case-axes.js';

const MEM_FLAG_VALUES = [0, 1, 2, 4, 8, 16, 32, 63];

const MEM_OP_ROWS: readonly { name: string; ops: readonly MemOp[] }[] = [
  {
    name: 'memset-every-flag',
    ops: MEM_FLAG_VALUES.map((flags, i) => ({
      fn: 'memset' as const,
      offset: 7 + i * 700,
      length: 300 + i * 37,
      value: 0xa0 + i,
      flags,
    })),
  },
  {
    name: 'memmove-overlaps',
    ops: [
      { fn: 'memmove', dst: 100, src: 0, length: 1000, flags: 0 },
      { fn: 'memmove', dst: 0, src: 100, length: 1000, flags: 2 },
      { fn: 'memmove', dst: 4096, src: 4000, length: 300, flags: 4 },
      { fn: 'memmove', dst: 8000, src: 8100, length: 2000, flags: 8 },
      { fn: 'memmove', dst: 50, src: 50, length: 100, flags: 0 },
      { fn: 'memmove', dst: 9, src: 3, length: 0, flags: 32 },
    ],
  },
  {
    name: 'memcpy-alignments',
    ops: [
      { fn: 'memcpy', dst: 1, length: 63, flags: 0 },
      { fn: 'memcpy', dst: 63, length: 1100, flags: 2 },
      { fn: 'memcpy', dst: 4095, length: 5000, flags: 32 },
      { fn: 'memcpy', dst: 10000, length: 256, flags: 1 },
      { fn: 'memcpy', dst: 0, length: 0, flags: 16 },
    ],
  },
  {
    name: 'outside-the-mapping-skipped',
    ops: [
      { fn: 'memset', offset: 16000, length: 1000, value: 1, flags: 0 },
      { fn: 'memmove', dst: 0, src: 16000, length: 1000, flags: 0 },
      { fn: 'memcpy', dst: 16383, length: 2, flags: 0 },
      { fn: 'memset', offset: 16383, length: 1, value: 2, flags: 0 },
    ],
  },
];

export const memFunctions: CaseGroup = {
  name: 'mem-functions',
  covers:
    'pmem2_get_memset_fn(3), pmem2_get_memmove_fn(3), pmem2_get_memcpy_fn(3): data after each call, per granularity; libpmem2.md §1.5, §5.3; PMDK pmem2_memcpy/memmove/memset',
  cases: cross({
    source: [file(16384), file(16384, { fs: 'tmpfs' }), anon(16384)],
    variant: ['shared', 'private', 'forced-cache-line'] as const,
    row: MEM_OP_ROWS,
  }).map(({ source, variant, row }) => ({
    id: `mem-functions/${sourceName(source)}/${variant}/${row.name}`,
    source,
    granularity: GRANULARITY.PAGE,
    ...(variant === 'private' ? { sharing: SHARING.PRIVATE } : {}),
    ...(variant === 'forced-cache-line' ? { forceGranularity: 'cache_line' } : {}),
    memOps: row.ops,
  })),
};

export const orderOfChecks: CaseGroup = {
  name: 'order',
  covers:
    'libpmem2.md §3 and §8: the first error reported when several checks fail (house-style R7)',
  cases: [
    {
      id: 'order/no-granularity-beats-closed-fd',
      source: file(4096, { open: 'closed' }),
      offset: 1n,
    },
    {
      id: 'order/closed-fd-beats-unaligned-offset',
      source: file(4096, { open: 'closed' }),
      granularity: GRANULARITY.PAGE,
      offset: 1n,
    },
    {
      id: 'order/unaligned-offset-beats-empty',
      source: file(0),
      granularity: GRANULARITY.PAGE,
      offset: 1n,
    },
    {
      id: 'order/empty-beats-unaligned-length',
      source: file(0),
      granularity: GRANULARITY.PAGE,
      length: 1n,
    },
    {
      id: 'order/unaligned-length-beats-overflow',
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      offset: INT64_MAX - PAGE + 1n,
      length: UINT64_MAX,
    },
    {
      id: 'order/range-beats-reservation-offset',
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      length: 8192n,
      reservation: { size: PAGE, offset: 1n, premaps: [] },
    },
    {
      id: 'order/reservation-offset-beats-space',
      source: file(8192),
      granularity: GRANULARITY.PAGE,
      reservation: { size: PAGE, offset: 1n, premaps: [] },
    },
    {
      id: 'order/space-beats-occupied',
      source: file(8192),
      granularity: GRANULARITY.PAGE,
      reservation: { size: PAGE, offset: 0n, premaps: [{ offset: 0n, length: PAGE }] },
    },
    {
      id: 'order/no-access-beats-granularity',
      source: file(4096, { open: 'rdonly' }),
      granularity: GRANULARITY.BYTE,
    },
    {
      id: 'order/occupied-beats-granularity',
      source: file(4096),
      granularity: GRANULARITY.BYTE,
      reservation: { size: 2n * PAGE, offset: 0n, premaps: [{ offset: 0n, length: PAGE }] },
    },
  ],
};
