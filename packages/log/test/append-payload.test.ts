// append-payload.test.ts -- what append stores after its header: the zeros after a payload
// whose length is not a multiple of 8 (over dirty memory), and an empty record for a payload
// whose buffer is detached or out of bounds

import { Granularity } from '@pmem2/config';
import { describe, expect, it } from 'vitest';
import { RECORD_HEADER } from '../src/format.js';
import { LinearLog, type LogMapping } from '../src/index.js';

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

describe('a payload whose buffer is gone', () => {
  it('append-fixedPayloadOutOfBoundsOrDetached-appendsAnEmptyRecord', () => {
    const buffer = resizable(64, 64);
    const outOfBounds = new Uint8Array(buffer, 0, 64).fill(5);
    const plain = new Uint8Array(64).fill(6);
    const { log } = freshLog();
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
