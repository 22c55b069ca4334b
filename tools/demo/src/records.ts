// records.ts -- the demo's records: a sequence number and bytes any reader can regenerate
//
// record `seq` (the payload of one @pmem2/log record, `size` bytes):
//   0  sequence number           u64 LE
//   8  bytes 8..size of xorshift32 seeded by the sequence number
// @pmem2/log frames and checksums each commit group; the content check here is the demo's
// own: recovery must return exactly these bytes, record after record.

/** The demo's record size. */
export const DEFAULT_RECORD_SIZE = 256;

/** Bytes of the sequence number at the start of a record. */
const SEQ_SIZE = 8;

/**
 * The bytes after the sequence number of record `seq`: xorshift32 seeded by the sequence
 * number, so recovery checks the content itself.
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

/** Builds record `seq` in a `size`-byte buffer. */
export function encodeRecord(seq: number, size: number): Uint8Array {
  const record = new Uint8Array(size);
  new DataView(record.buffer).setBigUint64(0, BigInt(seq), true);
  record.set(expectedPayload(seq, size - SEQ_SIZE), SEQ_SIZE);
  return record;
}

/** What is wrong with a recovered record, or `null` when it is record `seq`, intact. */
export function recordProblem(record: Uint8Array, seq: number, size: number): string | null {
  if (record.byteLength !== size) return `${record.byteLength} bytes, expected ${size}`;
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const storedSeq = view.getBigUint64(0, true);
  if (storedSeq !== BigInt(seq)) return `sequence number ${storedSeq}, expected ${seq}`;
  const expected = expectedPayload(seq, size - SEQ_SIZE);
  const payload = record.subarray(SEQ_SIZE);
  if (!payload.every((byte, i) => byte === expected[i]))
    return 'payload differs from what was written';
  return null;
}
