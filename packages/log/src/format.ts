// format.ts -- the on-media layout: superblock, two state slots, record and commit headers
//
// Header area (its own mapping, HEADER bytes at least):
//    0  magic "PMEM2LOG"                    8 bytes
//    8  version                             u32 (1)
//   12  shape                               u32 (1 linear, 2 ring)
//   16  area size                           u64 (segment size of a linear log, capacity of a ring)
//   24  log id                              u32, random; seeds every group checksum
//   28  crc32 of bytes 0..28                u32
//  512  state slot 0, 1024 state slot 1 (own sector, own cache line), each:
//        0 crc32 of bytes 4..32   4 epoch u32   8 generation u64   16 head u64   24 head group u64
//
// Records, at logical position `lsn` (a byte count; a multiple of 8), never crossing an area:
//    0  length of the payload               u32
//    4  epoch of the process that wrote it  u32
//    8  lsn | type (lsn is a multiple of 8; type 1 data, 2 pad, 3 commit)   u64
//   16  payload, then zeros to the next multiple of 8
// A pad fills an area's end when the next record does not fit there (fewer than 16 bytes are
// skipped without one). A commit closes a group: its payload is the group's first position
// (u64), the record count (u32) and the CRC-32 (seeded with the log id) of every byte of the
// group from that position to here, pad payloads excluded, then of the commit's first 28 bytes.

import { crc32 } from 'node:zlib';
import { LogError } from './errors.js';

/** The log's magic number: the first 8 bytes of every log. */
export const MAGIC = new TextEncoder().encode('PMEM2LOG');
/** The format version this package writes and reads. */
export const FORMAT_VERSION = 1;
/** The smallest header area: one page. */
export const HEADER_SIZE = 4096;
/** Bytes of a record header. */
export const RECORD_HEADER = 16;
/** Bytes of a commit record (header + group start + count + checksum). */
export const COMMIT_SIZE = 32;
/** Record boundaries are multiples of this. */
export const ALIGN = 8;

export const TYPE_DATA = 1;
export const TYPE_PAD = 2;
export const TYPE_COMMIT = 3;

/** The two shapes of log, as stored in the superblock. */
export const Shape = { LINEAR: 1, RING: 2 } as const;
export type Shape = (typeof Shape)[keyof typeof Shape];

const SLOT_OFFSETS = [512, 1024] as const;
const SLOT_SIZE = 32;
const SUPERBLOCK_CRC_AT = 28;
const TWO32 = 2 ** 32;

/** The immutable part of the header. */
export interface Superblock {
  readonly shape: Shape;
  readonly areaSize: number;
  readonly logId: number;
}

/** The mutable part of the header, written alternately into two slots. */
export interface LogState {
  readonly epoch: number;
  readonly generation: number;
  /** First live record (ring). */
  readonly head: number;
  /** Start of the group holding `head`: nothing before it is live. */
  readonly headGroup: number;
}

/** Rounds `n` up to a multiple of {@link ALIGN}. */
export function align8(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function getU64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * TWO32;
}

function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % TWO32, true);
  view.setUint32(at + 4, Math.floor(value / TWO32), true);
}

/** Writes the superblock and a first state slot (slot 1 cleared) into a header view. */
export function writeHeader(bytes: Uint8Array, superblock: Superblock, state: LogState): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes.fill(0, 0, HEADER_SIZE);
  bytes.set(MAGIC, 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, superblock.shape, true);
  setU64(view, 16, superblock.areaSize);
  view.setUint32(24, superblock.logId, true);
  view.setUint32(SUPERBLOCK_CRC_AT, crc32(bytes.subarray(0, SUPERBLOCK_CRC_AT)), true);
  writeSlot(bytes, slotOf(state.generation), state);
}

/** Reads and checks the superblock; `expected` is the shape the caller opens. */
export function readSuperblock(bytes: Uint8Array, expected: Shape, what: string): Superblock {
  if (bytes.byteLength < HEADER_SIZE || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new LogError(
      'NOT_A_LOG',
      `${what} is not a @pmem2/log log (no "PMEM2LOG" magic at offset 0); ` +
        'create a log with LinearLog.create or RingLog.create',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    throw new LogError(
      'INCOMPATIBLE_VERSION',
      `${what} is a log of format version ${version}; this @pmem2/log reads version ` +
        `${FORMAT_VERSION}: open it with a matching @pmem2/log release`,
    );
  }
  if (view.getUint32(SUPERBLOCK_CRC_AT, true) !== crc32(bytes.subarray(0, SUPERBLOCK_CRC_AT))) {
    throw new LogError(
      'CORRUPT_HEADER',
      `the header of ${what} fails its checksum: the file is damaged; restore it from a copy`,
    );
  }
  const shape = view.getUint32(12, true);
  const areaSize = getU64(view, 16);
  if (shape !== Shape.LINEAR && shape !== Shape.RING) {
    throw new LogError('CORRUPT_HEADER', `the header of ${what} names an unknown shape ${shape}`);
  }
  if (shape !== expected) {
    const [is, use] = shape === Shape.RING ? ['ring', 'RingLog'] : ['linear log', 'LinearLog'];
    throw new LogError('NOT_A_LOG', `${what} is a ${is}; open it with ${use}.open`);
  }
  if (areaSize < HEADER_SIZE || areaSize % ALIGN !== 0) {
    throw new LogError('CORRUPT_HEADER', `the header of ${what} has an impossible area size`);
  }
  return { shape, areaSize, logId: view.getUint32(24, true) };
}

function slotChecksum(bytes: Uint8Array, at: number): number {
  return crc32(bytes.subarray(at + 4, at + SLOT_SIZE));
}

/** Writes `state` into slot `index` (0 or 1); returns the slot's byte range. */
export function writeSlot(bytes: Uint8Array, index: number, state: LogState): [number, number] {
  const at = SLOT_OFFSETS[index & 1] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(at + 4, state.epoch, true);
  setU64(view, at + 8, state.generation);
  setU64(view, at + 16, state.head);
  setU64(view, at + 24, state.headGroup);
  view.setUint32(at, slotChecksum(bytes, at), true);
  return [at, SLOT_SIZE];
}

/** The newest valid state slot, or a CORRUPT_HEADER error when neither is valid. */
export function readState(bytes: Uint8Array, what: string): LogState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let best: LogState | null = null;
  for (const at of SLOT_OFFSETS) {
    if (view.getUint32(at, true) !== slotChecksum(bytes, at)) continue;
    const state: LogState = {
      epoch: view.getUint32(at + 4, true),
      generation: getU64(view, at + 8),
      head: getU64(view, at + 16),
      headGroup: getU64(view, at + 24),
    };
    if (state.generation === 0) continue;
    if (best === null || state.generation > best.generation) best = state;
  }
  if (best === null) {
    throw new LogError(
      'CORRUPT_HEADER',
      `neither state slot of ${what} is valid: the header is damaged; restore it from a copy`,
    );
  }
  return best;
}

/** The slot a state of `generation` goes to (alternating, so one valid slot always remains). */
export function slotOf(generation: number): number {
  return generation & 1;
}

/** A record header as read back. */
export interface RecordHeader {
  length: number;
  epoch: number;
  lsn: number;
  type: number;
}

/** Reads the record header at `at` into `out`. */
export function readRecordHeader(view: DataView, at: number, out: RecordHeader): RecordHeader {
  out.length = view.getUint32(at, true);
  out.epoch = view.getUint32(at + 4, true);
  const low = view.getUint32(at + 8, true);
  out.type = low & 7;
  out.lsn = low - out.type + view.getUint32(at + 12, true) * TWO32;
  return out;
}

/** The views of one mapping the writer stores through (layout.ts's `Area`). */
interface StoreViews {
  readonly view: DataView;
  readonly words: Uint32Array | null;
}

/**
 * Stores a record header at `at`: four 32-bit word stores where the CPU is little-endian,
 * DataView stores elsewhere.
 */
export function storeHeader(
  to: StoreViews,
  at: number,
  length: number,
  epoch: number,
  lsn: number,
  type: number,
): void {
  const words = to.words;
  if (words === null) {
    const view = to.view;
    view.setUint32(at, length, true);
    view.setUint32(at + 4, epoch, true);
    view.setUint32(at + 8, (lsn % TWO32) + type, true);
    view.setUint32(at + 12, Math.floor(lsn / TWO32), true);
    return;
  }
  const w = at >>> 2;
  const low = lsn >>> 0; // (ToUint32: lsn modulo 2^32)
  words[w] = length;
  words[w + 1] = epoch;
  words[w + 2] = low + type;
  // (one compare below 4 GiB, where a division and a double-to-word conversion ran every time)
  words[w + 3] = lsn > 0xffff_ffff ? (lsn - low) / TWO32 : 0;
}

/**
 * Writes a commit record's header, group start and count at `at` (the engine adds its
 * checksum): 32-bit word stores where the CPU is little-endian, DataView stores elsewhere.
 */
export function writeCommit(
  to: StoreViews,
  at: number,
  epoch: number,
  lsn: number,
  groupStart: number,
  count: number,
): void {
  storeHeader(to, at, COMMIT_SIZE - RECORD_HEADER, epoch, lsn, TYPE_COMMIT);
  const words = to.words;
  if (words === null) {
    setU64(to.view, at + RECORD_HEADER, groupStart);
    to.view.setUint32(at + 24, count, true);
    return;
  }
  const w = at >>> 2;
  const startLow = groupStart >>> 0; // (as in storeHeader: % would be a call for doubles)
  words[w + 4] = startLow;
  words[w + 5] = groupStart > 0xffff_ffff ? (groupStart - startLow) / TWO32 : 0;
  words[w + 6] = count;
}

/** Reads a commit's group start, count and stored checksum. */
export function readCommitBody(view: DataView, at: number): [number, number, number] {
  return [
    getU64(view, at + RECORD_HEADER),
    view.getUint32(at + 24, true),
    view.getUint32(at + 28, true),
  ];
}

/** The offset inside a commit record where its checksum is stored. */
export const COMMIT_CRC_AT = 28;
