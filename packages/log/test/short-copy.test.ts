// short-copy.test.ts -- the 8-byte copy of a short payload passed again: when it is taken,
// that it copies what the payload holds now (NaN bit patterns, resized and detached buffers),
// and the zeros after a payload whose length is not a multiple of 8

import { Granularity } from '@pmem2/config';
import { describe, expect, it } from 'vitest';
import { RECORD_HEADER } from '../src/format.js';
import { LinearLog, type LogMapping } from '../src/index.js';
import { SHORT_COPY, SHORT_COPY_MAX, ShortCopy } from '../src/short-copy.js';

const AREA = 1 << 16;

/** A mapping on plain memory at BYTE granularity (persist is a no-op). */
function memory(size: number, fill = 0): LogMapping {
  const buffer = new ArrayBuffer(size);
  new Uint8Array(buffer).fill(fill);
  return {
    size,
    storeGranularity: Granularity.BYTE,
    buffer,
    persist() {},
    flush() {},
    drain() {},
    persistAsync: async () => undefined,
  };
}

function freshLog(fill = 0) {
  const area = memory(AREA, fill);
  const storage = { header: memory(4096), areas: [area], close() {} };
  return { log: LinearLog.format(storage, { autoCommit: false }), area, storage };
}

type Resizable = ArrayBuffer & { resize(length: number): void };
const resizable = (length: number, maxByteLength: number): Resizable =>
  new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(
    length,
    { maxByteLength },
  );

/** A destination whose `set` calls are counted. */
function countedBytes(size: number) {
  const bytes = new Uint8Array(size);
  const calls = { set: 0 };
  bytes.set = (source: ArrayLike<number>, offset?: number) => {
    calls.set++;
    Uint8Array.prototype.set.call(bytes, source, offset);
  };
  return { bytes, doubles: new Float64Array(bytes.buffer), calls };
}

describe('ShortCopy', () => {
  it('runtime-isV8-copiesByTheLoop', () => {
    // vitest runs on Node: the loop must be on here, or the tests below test only `set`
    expect(SHORT_COPY).toBe(true);
  });

  it('copy-samePayloadThreeTimes-setTwiceThenTheLoop', () => {
    const { bytes, doubles, calls } = countedBytes(1024);
    const copier = new ShortCopy();
    const data = new Uint8Array(61).map((_, i) => i + 1);
    for (let k = 0; k < 4; k++) copier.copy(bytes, doubles, 128 * k, data, data.length);
    expect(calls.set).toBe(2);
    for (let k = 0; k < 4; k++)
      expect([...bytes.subarray(128 * k, 128 * k + 61)]).toEqual([...data]);
  });

  it('copy-payloadItCannotView-alwaysSet', () => {
    const backing = new Uint8Array(256).map((_, i) => i);
    const cases = [
      backing.subarray(4, 4 + 32), // not 8-byte aligned
      backing.subarray(0, SHORT_COPY_MAX + 8), // too long
      backing.subarray(0, 7), // shorter than a word
    ];
    for (const data of cases) {
      const { bytes, doubles, calls } = countedBytes(1024);
      const copier = new ShortCopy();
      for (let k = 0; k < 3; k++) copier.copy(bytes, doubles, 256 * k, data, data.length);
      expect(calls.set).toBe(3);
      expect([...bytes.subarray(512, 512 + data.length)]).toEqual([...data]);
    }
  });

  it('copy-withoutAWordView-alwaysSet', () => {
    const { bytes, calls } = countedBytes(1024);
    const copier = new ShortCopy();
    const data = new Uint8Array(64).fill(3);
    for (let k = 0; k < 3; k++) copier.copy(bytes, null, 64 * k, data, 64);
    expect(calls.set).toBe(3);
    expect(bytes.subarray(0, 192).every((b) => b === 3)).toBe(true);
  });
});

describe('append of a payload passed again', () => {
  it('append-payloadChangedBetweenAppends-eachRecordHoldsWhatItHeldThen', () => {
    const { log } = freshLog();
    const data = new Uint8Array(64);
    const positions: number[] = [];
    for (let k = 0; k < 20; k++) {
      data.fill(k);
      data[63] = 255 - k;
      positions.push(log.append(data));
    }
    positions.forEach((at, k) => {
      const expected = new Uint8Array(64).fill(k);
      expected[63] = 255 - k;
      expect([...log.read(at)]).toEqual([...expected]);
    });
    log.close();
  });

  it('append-nanBitPatterns-keepsEveryBitThroughCommitAndRecovery', () => {
    const words = new Uint32Array([
      1, 0x7ff00000, 0xffffffff, 0x7ff7ffff, 0xfff7ffff, 0xfff7ffff, 0, 0x7ff80000, 0xdeadbeef,
      0x7ff40000, 0x12345678, 0xfff00000, 1, 0xfff80000, 0xffffffff, 0xffffffff,
    ]);
    const data = new Uint8Array(words.buffer);
    const { log, storage } = freshLog();
    for (let k = 0; k < 5; k++) log.append(data);
    log.close();
    const again = LinearLog.recover(storage);
    const records = [...again.records()];
    expect(records).toHaveLength(5);
    for (const { data: read } of records) expect([...read]).toEqual([...data]);
    again.close();
  });

  it('append-lengthTrackingPayloadResized-copiesItsNewLength', () => {
    const buffer = resizable(64, 128);
    const data = new Uint8Array(buffer).fill(9);
    const { log } = freshLog();
    const first = [log.append(data), log.append(data), log.append(data)];
    buffer.resize(24);
    const shrunk = log.append(data);
    buffer.resize(128);
    new Uint8Array(buffer).fill(7, 24);
    const grown = [log.append(data), log.append(data)];
    for (const at of first) expect([...log.read(at)]).toEqual(Array(64).fill(9));
    expect([...log.read(shrunk)]).toEqual(Array(24).fill(9));
    for (const at of grown) {
      expect([...log.read(at)]).toEqual([...Array(24).fill(9), ...Array(104).fill(7)]);
    }
    log.close();
  });

  it('append-fixedPayloadOutOfBoundsOrDetached-appendsAnEmptyRecord', () => {
    const buffer = resizable(64, 64);
    const outOfBounds = new Uint8Array(buffer, 0, 64).fill(5);
    const plain = new Uint8Array(64).fill(6);
    const { log } = freshLog();
    log.append(outOfBounds);
    log.append(outOfBounds);
    log.append(plain);
    log.append(plain);
    buffer.resize(8);
    structuredClone(plain.buffer, { transfer: [plain.buffer] }); // detaches `plain`
    expect(log.read(log.append(outOfBounds))).toHaveLength(0);
    expect(log.read(log.append(plain))).toHaveLength(0);
    log.close();
  });
});

describe('the zeros after a payload', () => {
  it('append-lengthNotAMultipleOf8OverDirtyMemory-zerosToTheRecordEnd', () => {
    const { log, area } = freshLog(0xff);
    const bytes = new Uint8Array(area.buffer);
    for (const length of [1, 7, 9, 60, 61, 63, 100]) {
      const data = new Uint8Array(length).fill(0xab);
      for (let k = 0; k < 3; k++) {
        const at = log.append(data);
        const end = at + RECORD_HEADER + length;
        const recordEnd = at + Math.ceil((RECORD_HEADER + length) / 8) * 8;
        expect([...bytes.subarray(end, recordEnd)]).toEqual(Array(recordEnd - end).fill(0));
        expect(bytes.subarray(at + RECORD_HEADER, end).every((b) => b === 0xab)).toBe(true);
      }
    }
    log.close();
  });
});
