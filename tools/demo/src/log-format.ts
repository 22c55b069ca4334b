// log-format.ts -- the on-file layout of the demo log: header, tail pointer, checksummed records
//
// page 0 (the header, HEADER_SIZE bytes):
//   0  magic "PM2LOG01"          8 bytes
//   8  record size               u32 LE
//  12  capacity (records)        u32 LE
//  64  tail: records committed   u64 LE, alone in its cache line; the commit point
// record i, at HEADER_SIZE + i * recordSize:
//   0  sequence number           u64 LE (== i)
//   8  payload length            u32 LE
//  12  crc32 of bytes 0..11 then of the payload   u32 LE
//  16  payload

import { crc32 } from 'node:zlib';

/** The first 8 bytes of a demo log file. */
export const MAGIC = new TextEncoder().encode('PM2LOG01');
/** Bytes before the first record: one page, so records never share a page with the tail. */
export const HEADER_SIZE = 4096;
/** Byte offset of the tail pointer (its own 64-byte cache line). */
export const TAIL_OFFSET = 64;
/** Bytes of a record before its payload. */
export const RECORD_HEADER_SIZE = 16;
/** The demo's record size: four cache lines, the size where libpmem2 copies go non-temporal. */
export const DEFAULT_RECORD_SIZE = 256;

/** The file size of a log of `capacity` records of `recordSize` bytes. */
export function logFileSize(capacity: number, recordSize: number): number {
  return HEADER_SIZE + capacity * recordSize;
}

/** The byte offset of record `index`. */
export function recordOffset(index: number, recordSize: number): number {
  return HEADER_SIZE + index * recordSize;
}

/**
 * The payload of record `seq`: bytes any reader can regenerate (xorshift32 seeded by the
 * sequence number), so recovery checks the content itself, not only the checksum.
 */
export function expectedPayload(seq: number, length: number): Uint8Array {
  const payload = new Uint8Array(length);
  let x = (Math.imul(seq + 1, 0x9e3779b1) | 1) >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    payload[i] = x & 0xff;
  }
  return payload;
}

function checksum(record: Uint8Array, payloadLength: number): number {
  const head = record.subarray(0, 12);
  const payload = record.subarray(RECORD_HEADER_SIZE, RECORD_HEADER_SIZE + payloadLength);
  return crc32(payload, crc32(head));
}

/** Builds record `seq` (header, checksum, deterministic payload) in a `recordSize` buffer. */
export function encodeRecord(seq: number, recordSize: number): Uint8Array {
  const record = new Uint8Array(recordSize);
  const view = new DataView(record.buffer);
  const payloadLength = recordSize - RECORD_HEADER_SIZE;
  view.setBigUint64(0, BigInt(seq), true);
  view.setUint32(8, payloadLength, true);
  record.set(expectedPayload(seq, payloadLength), RECORD_HEADER_SIZE);
  view.setUint32(12, checksum(record, payloadLength), true);
  return record;
}

/** What is wrong with a stored record, or `null` when it is record `seq`, intact. */
export function recordProblem(record: Uint8Array, seq: number): string | null {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const storedSeq = view.getBigUint64(0, true);
  if (storedSeq !== BigInt(seq)) return `sequence number ${storedSeq}, expected ${seq}`;
  const payloadLength = view.getUint32(8, true);
  if (payloadLength !== record.byteLength - RECORD_HEADER_SIZE) {
    return `payload length ${payloadLength}, expected ${record.byteLength - RECORD_HEADER_SIZE}`;
  }
  const stored = view.getUint32(12, true);
  const computed = checksum(record, payloadLength);
  if (stored !== computed) return `crc32 ${hex(stored)}, computed ${hex(computed)}`;
  const expected = expectedPayload(seq, payloadLength);
  const payload = record.subarray(RECORD_HEADER_SIZE);
  if (!payload.every((byte, i) => byte === expected[i]))
    return 'payload differs from what was written';
  return null;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
