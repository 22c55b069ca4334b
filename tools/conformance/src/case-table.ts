// case-table.ts -- the declarative case matrix: axes per topic, crossed into named cases

import * as fs from 'node:fs';
import {
  type ConformanceCase,
  type FileContent,
  type FileSystemKind,
  FORCE_VALUES,
  INT64_MAX,
  KiB,
  type MemOp,
  MiB,
  type OpenMode,
  PAGE,
  PROT,
  PROT_COMBINATIONS,
  type ReservationOp,
  type SourceSpec,
  UINT64_MAX,
} from './case.js';

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const GRANULARITY = { BYTE: 0, CACHE_LINE: 1, PAGE: 2 } as const;
const SHARING = { SHARED: 0, PRIVATE: 1 } as const;

/** A topic of the matrix: what it covers (man page / libpmem2.md section) and its cases. */
export interface CaseGroup {
  readonly name: string;
  readonly covers: string;
  readonly cases: readonly ConformanceCase[];
}

function file(
  size: number,
  options: { fs?: FileSystemKind; open?: OpenMode; content?: FileContent } = {},
): SourceSpec {
  const content = options.content ?? (size >= 16 * MiB ? 'sparse' : 'pattern');
  return { kind: 'file', fs: options.fs ?? 'ext4', size, content, open: options.open ?? 'rdwr' };
}

function anon(size: bigint | number): SourceSpec {
  return { kind: 'anon', size: BigInt(size) };
}

/** Every combination of the axes, in order (the cartesian product). */
function cross<T extends Record<string, readonly unknown[]>>(
  axes: T,
): { [K in keyof T]: T[K][number] }[] {
  let rows: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(axes)) {
    rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v })));
  }
  return rows as { [K in keyof T]: T[K][number] }[];
}

function show(v: unknown): string {
  return v === undefined ? 'unset' : String(v);
}

const sourceName = (s: SourceSpec): string =>
  s.kind === 'file'
    ? `${s.fs}-${s.size}-${s.open}`
    : s.kind === 'anon'
      ? `anon-${s.size}`
      : s.kind === 'fd'
        ? `fd${s.fd}`
        : s.kind === 'existing'
          ? s.path
          : s.kind;

const setterErrors: CaseGroup = {
  name: 'setters',
  covers: 'pmem2_config_set_*(3) ERRORS; libpmem2.md §1.1; PMDK pmem2_config',
  cases: [
    ...[-1, 3, 99, INT32_MAX, INT32_MIN].map((g) => ({
      id: `setters/granularity=${g}`,
      source: file(4096),
      granularity: g,
    })),
    ...[INT64_MAX, INT64_MAX + 1n, INT64_MAX + 1n + PAGE, UINT64_MAX].map((offset) => ({
      id: `setters/offset=${offset}`,
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      offset,
    })),
    ...[1, 2 ** 28, 2 ** 29 - 1, PROT.READ + 1, PROT.WRITE + PROT.EXEC + 4096, 2 ** 32 - 1].map(
      (protection) => ({
        id: `setters/protection=${protection}`,
        source: file(4096),
        granularity: GRANULARITY.PAGE,
        protection,
      }),
    ),
    ...[2, -1, 100, INT32_MAX, INT32_MIN].map((sharing) => ({
      id: `setters/sharing=${sharing}`,
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      sharing,
    })),
    {
      id: 'setters/all-invalid-keep-defaults',
      source: file(8192),
      granularity: 7,
      offset: UINT64_MAX,
      length: 4096n,
      protection: 1,
      sharing: 5,
    },
    {
      id: 'setters/invalid-after-valid-granularity',
      source: file(8192),
      granularity: GRANULARITY.PAGE,
      offset: INT64_MAX + 1n,
      protection: 3,
      sharing: -7,
    },
    {
      id: 'setters/length=UINT64_MAX-accepted',
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      length: UINT64_MAX,
    },
  ],
};

/** A sysfs attribute: a 4096-byte regular file whose mmap fails with ENODEV. */
const SYSFS_ATTRIBUTE = '/sys/kernel/mm/transparent_hugepage/enabled';
/** A procfs file: a regular file of size 0. */
const PROCFS_FILE = '/proc/self/status';

const sourceErrors: CaseGroup = {
  name: 'sources',
  covers:
    'pmem2_source_from_fd(3), pmem2_source_from_anon(3), pmem2_map_new(3) step 4; libpmem2.md §1.2, §4.1; PMDK pmem2_source, pmem2_map TEST10/TEST23',
  cases: [
    ...(['dir', 'fifo', 'chardev'] as const).map((kind) => ({
      id: `sources/${kind}`,
      source: { kind } as SourceSpec,
      granularity: GRANULARITY.PAGE,
    })),
    ...[-1, INT32_MIN, 1 << 20, INT32_MAX].map((fd) => ({
      id: `sources/fd=${fd}`,
      source: { kind: 'fd', fd } as SourceSpec,
      granularity: GRANULARITY.PAGE,
    })),
    ...cross({
      fs: ['ext4', 'tmpfs'] as FileSystemKind[],
      open: ['wronly', 'closed'] as OpenMode[],
    }).map(({ fs, open }) => ({
      id: `sources/${fs}-${open}`,
      source: file(8192, { fs, open }),
      granularity: GRANULARITY.PAGE,
    })),
    { id: 'sources/closed-no-granularity', source: file(8192, { open: 'closed' }) },
    ...cross({
      fs: ['ext4', 'tmpfs'] as FileSystemKind[],
      size: [0, 1, 3 * KiB, 4096, 5000, 16 * MiB - 1, 16 * MiB],
    }).map(({ fs, size }) => ({
      id: `sources/${fs}-size=${size}`,
      source: file(size, { fs }),
      granularity: GRANULARITY.PAGE,
    })),
    {
      id: 'sources/ext4-16MiB-1-sparse',
      source: file(16 * MiB - 1, { content: 'sparse' }),
      granularity: GRANULARITY.PAGE,
    },
    ...[0n, 1n, 4095n, PAGE, 5000n, 1n << 30n, 3n << 30n].map((size) => ({
      id: `sources/anon-size=${size}`,
      source: anon(size),
      granularity: GRANULARITY.BYTE,
    })),
    ...cross({
      path: [SYSFS_ATTRIBUTE, PROCFS_FILE],
      sharing: [SHARING.SHARED, SHARING.PRIVATE],
      length: [undefined, PAGE],
    }).map(({ path, sharing, length }) => ({
      id: `sources/${path === SYSFS_ATTRIBUTE ? 'sysfs-attribute' : 'procfs-file'}/sharing=${sharing}/length=${show(length)}`,
      source: { kind: 'existing', path, open: 'rdonly' } as SourceSpec,
      granularity: GRANULARITY.PAGE,
      protection: PROT.READ,
      sharing,
      ...(length === undefined ? {} : { length }),
    })),
    ...[2n ** 47n, 2n ** 63n, UINT64_MAX].map((size) => ({
      id: `sources/anon-size=${size}-enomem`,
      source: anon(size),
      granularity: GRANULARITY.BYTE,
    })),
  ],
};

const granularityMatrix: CaseGroup = {
  name: 'granularity',
  covers:
    'pmem2_map_new(3) granularity; libpmem2.md §3 step 14, §3.2, §4.3, §4.5; PMDK pmem2_granularity, pmem2_granularity_detection, pmem2_integration test_granularity',
  cases: cross({
    source: [file(8192), file(8192, { fs: 'tmpfs' }), file(8192, { open: 'rdonly' }), anon(8192)],
    sharing: [undefined, SHARING.PRIVATE],
    granularity: [undefined, GRANULARITY.BYTE, GRANULARITY.CACHE_LINE, GRANULARITY.PAGE],
    force: FORCE_VALUES,
  }).map(({ source, sharing, granularity, force }) => ({
    id: `granularity/${sourceName(source)}/sharing=${show(sharing)}/g=${show(granularity)}/force=${show(force)}`,
    source,
    ...(sharing === undefined ? {} : { sharing }),
    ...(granularity === undefined ? {} : { granularity }),
    ...(force === undefined ? {} : { forceGranularity: force }),
    ...(source.kind === 'file' && source.open === 'rdonly' ? { protection: PROT.READ } : {}),
  })),
};

const protectionMatrix: CaseGroup = {
  name: 'protection',
  covers:
    'pmem2_config_set_protection(3), pmem2_map_new(3) PMEM2_E_NO_ACCESS; libpmem2.md §3 step 13; PMDK pmem2_map_prot, pmem2_map TEST2/TEST27',
  cases: [
    ...cross({
      fs: ['ext4', 'tmpfs'] as FileSystemKind[],
      open: ['rdonly', 'rdwr'] as OpenMode[],
      sharing: [SHARING.SHARED, SHARING.PRIVATE],
      protection: PROT_COMBINATIONS,
    }).map(({ fs, open, sharing, protection }) => ({
      id: `protection/${fs}-${open}/sharing=${sharing}/prot=${protection >>> 0}`,
      source: file(5000, { fs, open }),
      granularity: GRANULARITY.PAGE,
      sharing,
      protection,
    })),
    ...cross({ sharing: [SHARING.SHARED, SHARING.PRIVATE], protection: PROT_COMBINATIONS }).map(
      ({ sharing, protection }) => ({
        id: `protection/anon/sharing=${sharing}/prot=${protection >>> 0}`,
        source: anon(5000),
        granularity: GRANULARITY.BYTE,
        sharing,
        protection,
      }),
    ),
    {
      id: 'protection/rdonly-default-prot-shared',
      source: file(4096, { open: 'rdonly' }),
      granularity: GRANULARITY.PAGE,
    },
  ],
};

function rangeValues(size: number): bigint[] {
  const s = BigInt(size);
  const roundedUp = ((s + PAGE - 1n) / PAGE) * PAGE;
  return [
    ...new Set([0n, 1n, PAGE - 1n, PAGE, s, s - 1n, roundedUp, s + PAGE, INT64_MAX, UINT64_MAX]),
  ]
    .filter((v) => v >= 0n)
    .sort((a, b) => (a < b ? -1 : 1));
}

const RANGE_FILE_SIZES = [0, 1, 3 * KiB, 4096, 5000, 16 * MiB - 1, 16 * MiB];
const SIXTEEN_MiB = BigInt(16 * MiB);

const rangeMatrix: CaseGroup = {
  name: 'ranges',
  covers:
    'pmem2_config_set_offset(3)/set_length(3), pmem2_map_new(3) OFFSET_UNALIGNED, LENGTH_UNALIGNED, MAP_RANGE, SOURCE_EMPTY; libpmem2.md §1.1 validate_length/validate_offset, §3 steps 5, 9, 10; PMDK pmem2_map TEST4-9/21-23, pmem2_integration len/offset tests',
  cases: [
    ...RANGE_FILE_SIZES.flatMap((size) =>
      cross({ offset: rangeValues(size), length: rangeValues(size) }).map(({ offset, length }) => ({
        id: `ranges/ext4-${size}/offset=${offset}/length=${length}`,
        source: file(size),
        granularity: GRANULARITY.PAGE,
        offset,
        length,
      })),
    ),
    ...cross({
      fs: ['tmpfs'] as FileSystemKind[],
      offset: [0n, PAGE, 8192n],
      length: [0n, PAGE, 8192n, 12288n],
    }).map(({ fs, offset, length }) => ({
      id: `ranges/${fs}-16384/offset=${offset}/length=${length}`,
      source: file(16384, { fs }),
      granularity: GRANULARITY.PAGE,
      offset,
      length,
      asNumbers: true,
    })),
    ...[
      [PAGE, UINT64_MAX - PAGE + 1n],
      [INT64_MAX - PAGE + 1n, INT64_MAX + PAGE + 1n],
      [INT64_MAX - PAGE + 1n, INT64_MAX + 1n],
      [PAGE, UINT64_MAX - 2n * PAGE + 1n],
      [8192n, UINT64_MAX - PAGE + 1n],
      [SIXTEEN_MiB - PAGE, 2n * PAGE],
      [SIXTEEN_MiB - PAGE, PAGE],
      [SIXTEEN_MiB, 0n],
      [2n * SIXTEEN_MiB, 0n],
      [SIXTEEN_MiB / 2n + 4n * BigInt(MiB), SIXTEEN_MiB / 2n],
      [BigInt(KiB), SIXTEEN_MiB / 2n],
      [PAGE, SIXTEEN_MiB / 2n],
      [0n, SIXTEEN_MiB / 2n],
    ].map(([offset, length]) => ({
      id: `ranges/ext4-16MiB-edge/offset=${offset}/length=${length}`,
      source: file(16 * MiB),
      granularity: GRANULARITY.PAGE,
      offset,
      length,
    })),
    ...cross({
      offset: [0n, PAGE, 5000n, (1n << 30n) - PAGE, 1n << 30n, INT64_MAX - PAGE + 1n],
      length: [0n, PAGE, 1n << 20n, 1n << 30n, 4097n],
    }).map(({ offset, length }) => ({
      id: `ranges/anon-1GiB/offset=${offset}/length=${length}`,
      source: anon(1n << 30n),
      granularity: GRANULARITY.BYTE,
      offset,
      length,
    })),
    {
      id: 'ranges/anon-too-small-1KiB',
      source: anon(1n << 30n),
      granularity: GRANULARITY.BYTE,
      length: 1024n,
    },
  ],
};

const RSV_FILE = file(16 * MiB);
const RSV_SIZE = 32n * BigInt(MiB);

interface ReservationRow {
  readonly name: string;
  readonly size: bigint;
  readonly offset: bigint;
  readonly premaps?: readonly [bigint, bigint][];
}

const RESERVATION_ROWS: readonly ReservationRow[] = [
  { name: 'fits-at-0', size: RSV_SIZE, offset: 0n },
  { name: 'fits-at-page', size: RSV_SIZE, offset: PAGE },
  { name: 'fits-exactly', size: SIXTEEN_MiB, offset: 0n },
  { name: 'fits-at-end', size: RSV_SIZE, offset: RSV_SIZE - SIXTEEN_MiB },
  { name: 'unaligned-offset-100', size: RSV_SIZE, offset: 100n },
  { name: 'unaligned-offset-page-1', size: RSV_SIZE, offset: PAGE - 1n },
  { name: 'too-small-by-page', size: SIXTEEN_MiB, offset: PAGE },
  { name: 'too-small-page', size: PAGE, offset: 0n },
  { name: 'offset-at-end', size: RSV_SIZE, offset: RSV_SIZE },
  { name: 'offset-past-end', size: RSV_SIZE, offset: 2n * RSV_SIZE },
  { name: 'offset-int64-max-aligned', size: RSV_SIZE, offset: INT64_MAX - PAGE + 1n },
  { name: 'offset-wraps-size-t', size: RSV_SIZE, offset: UINT64_MAX - PAGE + 1n },
  { name: 'size-unaligned', size: 5000n, offset: 0n },
  { name: 'size-zero', size: 0n, offset: 0n },
  { name: 'size-page-minus-1', size: PAGE - 1n, offset: 0n },
  { name: 'overlap-full', size: RSV_SIZE, offset: 0n, premaps: [[0n, SIXTEEN_MiB]] },
  { name: 'overlap-first-page', size: RSV_SIZE, offset: PAGE, premaps: [[0n, 2n * PAGE]] },
  { name: 'overlap-last-page', size: RSV_SIZE, offset: 0n, premaps: [[SIXTEEN_MiB - PAGE, PAGE]] },
  { name: 'overlap-inside', size: RSV_SIZE, offset: 0n, premaps: [[8n * PAGE, PAGE]] },
  { name: 'overlap-around', size: RSV_SIZE, offset: PAGE, premaps: [[0n, RSV_SIZE]] },
  { name: 'adjacent-below', size: RSV_SIZE, offset: PAGE, premaps: [[0n, PAGE]] },
  { name: 'adjacent-above', size: RSV_SIZE, offset: 0n, premaps: [[SIXTEEN_MiB, PAGE]] },
  {
    name: 'adjacent-both',
    size: RSV_SIZE,
    offset: PAGE,
    premaps: [
      [0n, PAGE],
      [SIXTEEN_MiB + PAGE, PAGE],
    ],
  },
  {
    name: 'premaps-overlap-each-other',
    size: RSV_SIZE,
    offset: SIXTEEN_MiB,
    premaps: [
      [0n, 2n * PAGE],
      [PAGE, PAGE],
    ],
  },
];

const reservationMatrix: CaseGroup = {
  name: 'reservations',
  covers:
    'pmem2_config_set_vm_reservation(3), pmem2_vm_reservation_new(3), pmem2_map_new(3) reservation branch; libpmem2.md §1.6, §3 step 11; PMDK pmem2_vm_reservation new/map cases',
  cases: [
    ...cross({ row: RESERVATION_ROWS, source: [RSV_FILE, anon(SIXTEEN_MiB)] }).map(
      ({ row, source }) => ({
        id: `reservations/${row.name}/${sourceName(source)}`,
        source,
        granularity: GRANULARITY.PAGE,
        reservation: {
          size: row.size,
          offset: row.offset,
          premaps: (row.premaps ?? []).map(([offset, length]) => ({ offset, length })),
        },
      }),
    ),
    ...cross({
      premapAt: [PAGE, 2n * PAGE, 3n * PAGE],
      sharing: [SHARING.SHARED, SHARING.PRIVATE],
    }).map(({ premapAt, sharing }) => ({
      id: `reservations/5000-byte-file-premap-at=${premapAt}/sharing=${sharing}`,
      source: file(5000),
      granularity: GRANULARITY.PAGE,
      sharing,
      reservation: { size: 4n * PAGE, offset: 0n, premaps: [{ offset: premapAt, length: PAGE }] },
    })),
    {
      id: 'reservations/granularity-not-supported-leaves-it-empty',
      source: file(8192),
      granularity: GRANULARITY.BYTE,
      reservation: { size: 4n * PAGE, offset: 0n, premaps: [] },
    },
    {
      id: 'reservations/rdonly-private-write',
      source: file(8192, { open: 'rdonly' }),
      granularity: GRANULARITY.PAGE,
      sharing: SHARING.PRIVATE,
      reservation: { size: 4n * PAGE, offset: PAGE, premaps: [] },
    },
    {
      id: 'reservations/length-offset-in-file',
      source: file(16 * MiB),
      granularity: GRANULARITY.PAGE,
      offset: SIXTEEN_MiB / 2n,
      length: 8n * PAGE,
      reservation: {
        size: 16n * PAGE,
        offset: 8n * PAGE,
        premaps: [{ offset: 0n, length: 8n * PAGE }],
      },
    },
    {
      id: 'reservations/zero-content-length-mmap-einval',
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      offset: PAGE,
      reservation: { size: 4n * PAGE, offset: PAGE, premaps: [] },
    },
    {
      id: 'reservations/anon-2GiB-rsv-alignment',
      source: anon(2n ** 31n),
      granularity: GRANULARITY.BYTE,
      reservation: { size: 2n ** 32n, offset: 0n, premaps: [] },
    },
  ],
};

const OPS_RSV = 16n * PAGE;

/** Reservation operations after a map at 2 pages, with maps at 0 and 8 pages (unless noted). */
const RESERVATION_OP_ROWS: readonly {
  name: string;
  ops: readonly ReservationOp[];
  offset?: bigint;
  premaps?: readonly bigint[];
}[] = [
  {
    name: 'find-family',
    ops: [
      { op: 'find', offset: 0n, length: OPS_RSV },
      { op: 'first' },
      { op: 'last' },
      { op: 'next' },
      { op: 'prev' },
    ],
  },
  {
    name: 'find-ranges',
    ops: [
      { op: 'find', offset: 2n * PAGE, length: 1n },
      { op: 'find', offset: 3n * PAGE, length: PAGE },
      { op: 'find', offset: 4n * PAGE, length: PAGE },
      { op: 'find', offset: 0n, length: 0n },
      { op: 'find', offset: OPS_RSV, length: PAGE },
      { op: 'find', offset: UINT64_MAX - PAGE + 1n, length: 2n * PAGE },
    ],
  },
  {
    name: 'find-empty',
    premaps: [],
    offset: 100n,
    ops: [
      { op: 'first' },
      { op: 'last' },
      { op: 'next' },
      { op: 'find', offset: 0n, length: PAGE },
    ],
  },
  {
    name: 'first-last-same',
    premaps: [],
    ops: [{ op: 'first' }, { op: 'last' }, { op: 'next' }, { op: 'prev' }],
  },
  {
    name: 'extend',
    ops: [
      { op: 'extend', size: PAGE },
      { op: 'extend', size: 100n },
      { op: 'extend', size: 0n },
      { op: 'extend', size: 1n << 20n },
      { op: 'extend', size: 2n ** 47n },
      { op: 'find', offset: 0n, length: 1n << 30n },
    ],
  },
  { name: 'extend-wraps-size-t', ops: [{ op: 'extend', size: UINT64_MAX - PAGE + 1n }] },
  {
    name: 'shrink-errors',
    ops: [
      { op: 'shrink', offset: 100n, size: PAGE },
      { op: 'shrink', offset: PAGE, size: 100n },
      { op: 'shrink', offset: PAGE, size: 0n },
      { op: 'shrink', offset: OPS_RSV, size: PAGE },
      { op: 'shrink', offset: 0n, size: OPS_RSV },
      { op: 'shrink', offset: 0n, size: OPS_RSV + PAGE },
      { op: 'shrink', offset: 12n * PAGE, size: 8n * PAGE },
      { op: 'shrink', offset: 4n * PAGE, size: 4n * PAGE },
      { op: 'shrink', offset: 0n, size: PAGE },
      { op: 'shrink', offset: 2n * PAGE, size: 14n * PAGE },
    ],
  },
  {
    name: 'shrink-wraps-size-t',
    ops: [
      { op: 'shrink', offset: UINT64_MAX - PAGE + 1n, size: 2n * PAGE },
      { op: 'shrink', offset: PAGE, size: UINT64_MAX - PAGE + 1n },
    ],
  },
  {
    name: 'shrink-prefix-then-find',
    premaps: [],
    offset: 8n * PAGE,
    ops: [
      { op: 'shrink', offset: 0n, size: 4n * PAGE },
      { op: 'find', offset: 4n * PAGE, length: PAGE },
      { op: 'first' },
      { op: 'shrink', offset: 12n * PAGE - PAGE, size: PAGE },
      { op: 'shrink', offset: 0n, size: 4n * PAGE },
      { op: 'shrink', offset: 0n, size: 5n * PAGE },
    ],
  },
  {
    name: 'shrink-suffix-then-extend',
    ops: [
      { op: 'shrink', offset: 12n * PAGE, size: 4n * PAGE },
      { op: 'extend', size: 8n * PAGE },
      { op: 'last' },
    ],
  },
  { name: 'delete-not-empty', ops: [{ op: 'delete' }, { op: 'first' }] },
  {
    name: 'delete-after-failed-map',
    premaps: [],
    offset: 100n,
    ops: [{ op: 'delete' }, { op: 'first' }],
  },
];

const reservationOps: CaseGroup = {
  name: 'reservation-ops',
  covers:
    'pmem2_vm_reservation_extend(3), _shrink(3), _map_find*(3), _delete(3); libpmem2.md §1.6; PMDK pmem2_vm_reservation extend/shrink/find cases',
  cases: RESERVATION_OP_ROWS.map((row) => ({
    id: `reservation-ops/${row.name}`,
    source: anon(2n * PAGE),
    granularity: GRANULARITY.PAGE,
    reservation: {
      size: OPS_RSV,
      offset: row.offset ?? 2n * PAGE,
      premaps: (row.premaps ?? [0n, 8n * PAGE]).map((offset) => ({ offset, length: PAGE })),
      ops: row.ops,
    },
  })),
};

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

const memFunctions: CaseGroup = {
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

const orderOfChecks: CaseGroup = {
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

/** The whole matrix, by topic. */
export const CASE_GROUPS: readonly CaseGroup[] = [
  setterErrors,
  sourceErrors,
  granularityMatrix,
  protectionMatrix,
  rangeMatrix,
  reservationMatrix,
  reservationOps,
  memFunctions,
  orderOfChecks,
];

/** Every case of the matrix, in table order. */
export function matrixCases(): ConformanceCase[] {
  return CASE_GROUPS.flatMap((g) => g.cases);
}

/** Whether this machine has what the case needs (the sysfs/procfs files of `existing` sources). */
export function caseRunsHere(c: ConformanceCase): boolean {
  return c.source.kind !== 'existing' || fs.existsSync(c.source.path);
}
