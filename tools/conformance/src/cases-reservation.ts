import type { ReservationOp } from './case.js';
import { INT64_MAX, MiB, PAGE, UINT64_MAX } from './case.js';
import type { CaseGroup } from './case-axes.js';
import { anon, cross, file, GRANULARITY, SHARING, SIXTEEN_MiB, sourceName } from './case-axes.js';

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

export const reservationMatrix: CaseGroup = {
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

export const reservationOps: CaseGroup = {
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
