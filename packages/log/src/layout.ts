// layout.ts -- logical positions onto areas: where a record fits, group checksums, the scan

import { crc32 } from 'node:zlib';
import { Granularity } from '@pmem2/config';
import {
  align8,
  COMMIT_CRC_AT,
  COMMIT_SIZE,
  RECORD_HEADER,
  type RecordHeader,
  readCommitBody,
  readRecordHeader,
  TYPE_COMMIT,
  TYPE_DATA,
  TYPE_PAD,
} from './format.js';
import type { LogMapping } from './storage.js';

/** One mapping of the log with its views made once (a view per call would cost a native call). */
export interface Area {
  readonly map: LogMapping;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** 32-bit words in the format's (little-endian) order, or null on a big-endian CPU. */
  readonly words: Uint32Array | null;
  readonly granularity: Granularity;
  /**
   * zlib's `crc32` of `[offset, offset + length)` of the area continuing from `seed`: the
   * mapping's own {@link LogMapping.crc32} where it has one, else `node:zlib` over a view.
   */
  readonly crc: (offset: number, length: number, seed: number) => number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The one place that chooses how an area is checksummed: in place by the mapping (a
 * `Pmem2Map`'s native `crc32`, without the fixed cost of `zlib.crc32`'s call) when it
 * offers that, else `zlib.crc32` over a view (mappings of tests and of users that lack it).
 * Both give the same CRC, so the log's format does not depend on the choice.
 */
function crcOf(map: LogMapping, bytes: Uint8Array): Area['crc'] {
  if (typeof map.crc32 === 'function') return map.crc32.bind(map);
  return (offset, length, seed) => crc32(bytes.subarray(offset, offset + length), seed);
}

/** Caches the views of a mapping. */
export function areaOf(map: LogMapping): Area {
  const buffer = map.buffer;
  const bytes = new Uint8Array(buffer);
  return {
    map,
    bytes,
    view: new DataView(buffer),
    words: LITTLE_ENDIAN ? new Uint32Array(buffer, 0, buffer.byteLength >>> 2) : null,
    granularity: map.storeGranularity,
    crc: crcOf(map, bytes),
  };
}

/**
 * Makes `[offset, offset + length)` of one area durable as its granularity asks: PAGE → one
 * persist (msync); CACHE_LINE → one flush and one drain; BYTE → one drain.
 */
export function persistPiece(area: Area, offset: number, length: number): void {
  if (area.granularity === Granularity.PAGE) area.map.persist(offset, length);
  else {
    if (area.granularity === Granularity.CACHE_LINE) area.map.flush(offset, length);
    area.map.drain();
  }
}

/** A logical range excluded from the group checksum (a pad's payload, a skipped area end). */
export type Gap = readonly [start: number, end: number];

/**
 * The geometry shared by the writer and the scan: `areaSize` bytes an area; a ring maps every
 * position onto its one area, a linear log onto area `floor(position / areaSize)`.
 */
export class Layout {
  constructor(
    readonly areaSize: number,
    readonly ring: boolean,
  ) {}

  /** The area index of `position`. */
  indexOf(position: number): number {
    return this.ring ? 0 : Math.floor(position / this.areaSize);
  }

  /** Bytes left in the area from `position`. */
  remaining(position: number): number {
    return this.areaSize - (position % this.areaSize);
  }

  /** Where a record of `size` bytes goes if the log ends at `position` (skipping an area end). */
  fit(position: number, size: number): number {
    const rem = this.remaining(position);
    return size <= rem ? position : position + rem;
  }

  /**
   * The CRC-32 of `[from, to)` minus `gaps`, split where areas end, seeded with `seed`: the
   * checksum a commit record carries for its group.
   */
  checksum(areas: readonly Area[], from: number, to: number, gaps: readonly Gap[], seed: number) {
    const start = from % this.areaSize;
    if (gaps.length === 0 && start + (to - from) <= this.areaSize) {
      // the common case: one piece of one area
      return (areas[this.indexOf(from)] as Area).crc(start, to - from, seed);
    }
    let crc = seed;
    let position = from;
    let gapIndex = 0;
    while (position < to) {
      const gap = gaps[gapIndex];
      const stop = Math.min(to, gap === undefined ? to : gap[0]);
      while (position < stop) {
        const area = areas[this.indexOf(position)] as Area;
        const offset = position % this.areaSize;
        const length = Math.min(stop - position, this.areaSize - offset);
        crc = area.crc(offset, length, crc);
        position += length;
      }
      if (gap !== undefined && position >= gap[0]) {
        position = gap[1];
        gapIndex++;
      }
    }
    return crc;
  }

  /**
   * Makes `[from, to)` durable as each area's granularity asks: PAGE → one persist (msync) a
   * piece; CACHE_LINE → a flush a piece; BYTE → nothing a piece; then one drain for every
   * area that was flushed or is BYTE.
   */
  persist(areas: readonly Area[], from: number, to: number): void {
    const start = from % this.areaSize;
    if (from < to && start + (to - from) <= this.areaSize) {
      persistPiece(areas[this.indexOf(from)] as Area, start, to - from); // the common case
      return;
    }
    let drainNeeded: Area | null = null;
    let position = from;
    while (position < to) {
      const area = areas[this.indexOf(position)] as Area;
      const offset = position % this.areaSize;
      const length = Math.min(to - position, this.areaSize - offset);
      if (area.granularity === Granularity.PAGE) area.map.persist(offset, length);
      else {
        if (area.granularity === Granularity.CACHE_LINE) area.map.flush(offset, length);
        if (drainNeeded !== null && drainNeeded !== area) drainNeeded.map.drain();
        drainNeeded = area;
      }
      position += length;
    }
    drainNeeded?.map.drain();
  }

  /** The pieces of `[from, to)`, one an area, persisted off the event loop where they msync. */
  persistAsync(areas: readonly Area[], from: number, to: number): Promise<void>[] {
    const pending: Promise<void>[] = [];
    let position = from;
    while (position < to) {
      const area = areas[this.indexOf(position)] as Area;
      const offset = position % this.areaSize;
      const length = Math.min(to - position, this.areaSize - offset);
      pending.push(area.map.persistAsync(offset, length));
      position += length;
    }
    return pending;
  }

  /**
   * Walks the log from `start` (a group start) and returns the end of the last group whose
   * commit record verifies: every record header in order (position, type, length within its
   * area, one epoch a group, epochs never decreasing), then the group's checksum. A torn or
   * corrupt tail stops the walk; nothing after it is trusted. Returns that end and the
   * epoch of the last group kept (0 for none).
   */
  scan(
    areas: readonly Area[],
    start: number,
    seed: number,
    capacity: number,
  ): [end: number, lastEpoch: number] {
    const header: RecordHeader = { length: 0, epoch: 0, lsn: 0, type: 0 };
    let committedEnd = start;
    let groupStart = start;
    let groupEpoch = -1;
    let minEpoch = 0;
    let count = 0;
    let gaps: Gap[] = [];
    let position = start;
    for (;;) {
      const rem = this.remaining(position);
      if (rem < RECORD_HEADER) {
        gaps.push([position, position + rem]);
        position += rem;
        continue;
      }
      const area = areas[this.indexOf(position)];
      if (area === undefined) break;
      const offset = position % this.areaSize;
      readRecordHeader(area.view, offset, header);
      if (header.lsn !== position) break;
      if (groupEpoch === -1) {
        if (header.epoch < minEpoch) break;
        groupEpoch = header.epoch;
      } else if (header.epoch !== groupEpoch) break;
      let size: number;
      if (header.type === TYPE_DATA) size = align8(RECORD_HEADER + header.length);
      else if (header.type === TYPE_PAD) size = RECORD_HEADER + header.length;
      else if (header.type === TYPE_COMMIT && header.length === COMMIT_SIZE - RECORD_HEADER) {
        size = COMMIT_SIZE;
      } else break;
      if (size > rem || (header.type === TYPE_PAD && size !== rem)) break;
      if (position + size - start > capacity) break;
      if (header.type === TYPE_DATA) count++;
      else if (header.type === TYPE_PAD) gaps.push([position + RECORD_HEADER, position + size]);
      else {
        const [first, records, stored] = readCommitBody(area.view, offset);
        if (first !== groupStart || records !== count) break;
        const crc = this.checksum(areas, groupStart, position + COMMIT_CRC_AT, gaps, seed);
        if (crc !== stored) break;
        committedEnd = position + COMMIT_SIZE;
        groupStart = committedEnd;
        minEpoch = groupEpoch;
        groupEpoch = -1;
        count = 0;
        gaps = [];
      }
      position += size;
    }
    return [committedEnd, minEpoch];
  }
}
