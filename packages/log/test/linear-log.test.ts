// linear-log.test.ts -- a linear log in a file: round trips, growth in place, recovery cuts,
// automatic and asynchronous commits, segments mapped in place

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Granularity } from '@pmem2/config';
import type { Pmem2Map } from '@pmem2/map';
import { describe, expect, it } from 'vitest';
import { openFileStorage } from '../src/file-storage.js';
import { Shape } from '../src/format.js';
import { LinearLog, type LogMapping } from '../src/index.js';
import { pwrite, scratchDir, text } from './helpers/files.js';

const path = scratchDir('linear');
const PAGE = 4096;

describe('LinearLog', () => {
  it('create-appendCommitReopen-readsEveryRecordInOrder', () => {
    const file = path('round-trip');
    const log = LinearLog.create(file);
    const positions = Array.from({ length: 500 }, (_, i) =>
      i % 2 ? log.append(text(i)) : log.append(new TextEncoder().encode(text(i))),
    );
    expect(log.commit()).toBe(log.tail);
    log.close();
    const again = LinearLog.open(file);
    expect([...again.records()].map((r) => new TextDecoder().decode(r.data))).toEqual(
      positions.map((_, i) => text(i)),
    );
    expect(again.readString(positions[321] as number)).toBe(text(321));
    expect([...again.records(positions[498])].length).toBe(2);
    again.close();
  });

  it('append-pastASegment-growsTheFileASegmentAtATimeAndKeepsEarlierRecords', () => {
    const file = path('grow');
    const log = LinearLog.create(file, { segmentSize: 3 * PAGE, autoCommit: false });
    expect(statSync(file).size).toBe(PAGE + 3 * PAGE);
    const first = log.append('first');
    const payload = new Uint8Array(1000).fill(7);
    for (let i = 0; i < 100; i++) log.append(payload);
    // 100 KiB of records in 12 KiB segments: the file grew by whole segments
    const size = statSync(file).size;
    expect((size - PAGE) % (3 * PAGE)).toBe(0);
    expect(size).toBeGreaterThan(PAGE + 8 * 3 * PAGE);
    expect(log.readString(first)).toBe('first'); // earlier segments are still mapped
    log.close();
    const again = LinearLog.open(file);
    const records = [...again.records()];
    expect(records).toHaveLength(101);
    expect(records.slice(1).every((r) => r.data.length === 1000 && r.data[999] === 7)).toBe(true);
    again.close();
  });

  it('append-recordOfAWholeSegment-fitsAndTheNextGoesToANewSegment', () => {
    const log = LinearLog.create(path('whole-segment'), { segmentSize: PAGE });
    expect(log.maxPayload).toBe(PAGE - 16);
    const big = log.append(new Uint8Array(PAGE - 16).fill(1));
    const next = log.append('next');
    expect(next - big).toBe(PAGE);
    log.commit();
    expect(log.read(big).length).toBe(PAGE - 16);
    log.close();
  });

  it('open-garbageAfterTheLastCommit-ignoredAndOverwritten', () => {
    const file = path('garbage-tail');
    const log = LinearLog.create(file, { segmentSize: 16 * PAGE });
    for (let i = 0; i < 10; i++) log.append(text(i));
    const tail = log.commit();
    log.close();
    // a torn group: a plausible record header and random bytes past the committed end
    const junk = new Uint8Array(3000).map((_, i) => (i * 131) & 0xff);
    new DataView(junk.buffer).setUint32(0, 40, true);
    pwrite(file, junk, PAGE + tail);
    const again = LinearLog.open(file);
    expect([...again.records()]).toHaveLength(10);
    expect(again.tail).toBe(tail);
    again.append('after the junk');
    again.close();
    const third = LinearLog.open(file);
    expect([...third.records()].map((r) => r.data.length).at(-1)).toBe(14);
    third.close();
  });

  it('open-flippedByteInTheLastGroup-cutsThatGroupOnly', () => {
    const file = path('corrupt-tail');
    const log = LinearLog.create(file);
    for (let i = 0; i < 5; i++) log.append(text(i));
    log.commit();
    const lastGroup = log.append('the last group');
    log.append('has two records');
    log.close(); // commits the second group
    const bytes = readFileSync(file);
    const at = PAGE + lastGroup + 20;
    pwrite(file, new Uint8Array([(bytes[at] as number) ^ 0x40]), at);
    const again = LinearLog.open(file);
    expect([...again.records()].map((r) => new TextDecoder().decode(r.data))).toEqual(
      Array.from({ length: 5 }, (_, i) => text(i)),
    );
    again.close();
  });

  it('autoCommit-recordBound-commitsEveryNRecords', () => {
    const log = LinearLog.create(path('auto'), { autoCommit: { records: 4 } });
    for (let i = 0; i < 3; i++) log.append(text(i));
    expect(log.durable).toBe(0);
    expect(log.pendingRecords).toBe(3);
    log.append(text(3));
    expect(log.pendingRecords).toBe(0);
    expect(log.durable).toBe(log.tail);
    log.close();
  });

  it('autoCommit-byteBound-commitsOnceTheGroupIsThatLarge', () => {
    const log = LinearLog.create(path('auto-bytes'), { autoCommit: { bytes: 1000 } });
    log.append(new Uint8Array(500));
    expect(log.pendingRecords).toBe(1);
    log.append(new Uint8Array(500));
    expect(log.pendingRecords).toBe(0);
    log.close();
  });

  it('autoCommit-byteBound-countsRecordsNotThePadAtASegmentEnd', () => {
    const log = LinearLog.create(path('auto-bytes-pad'), {
      segmentSize: PAGE,
      autoCommit: { bytes: 5000 },
    });
    log.append(new Uint8Array(2000 - 16)); // 2000 bytes pending
    log.append(new Uint8Array(2200 - 16)); // does not fit: a 2096-byte pad, then 2200 bytes
    expect(log.tail).toBe(PAGE + 2200); // past 5000 bytes of the log, 4200 of records
    expect(log.pendingRecords).toBe(2);
    log.append(new Uint8Array(1000 - 16)); // 5200 bytes of records: commits
    expect(log.pendingRecords).toBe(0);
    log.close();
  });

  it('commitAsync-onAFile-resolvesInOrderWithTheDurablePosition', async () => {
    const log = LinearLog.create(path('async'), { autoCommit: false });
    log.append('one');
    const first = log.commitAsync();
    expect(log.durable).toBe(0); // the msync runs on the thread pool
    log.append('two');
    const second = log.commitAsync();
    const order: number[] = [];
    const [a, b] = await Promise.all([
      first.then((p) => {
        order.push(1);
        return p;
      }),
      second.then((p) => {
        order.push(2);
        return p;
      }),
    ]);
    expect(order).toEqual([1, 2]);
    expect(a).toBeLessThan(b);
    expect(log.durable).toBe(b);
    expect(await log.commitAsync()).toBe(b); // nothing pending: resolves with the same position
    log.close();
  });

  it('using-endOfBlock-closesAndCommits', () => {
    const file = path('using');
    {
      using log = LinearLog.create(file);
      log.append('kept by dispose');
    }
    const again = LinearLog.open(file);
    expect(again.readString(0)).toBe('kept by dispose');
    again.close();
  });

  it('open-fileThatIsNotALog-leavesItUntouched', () => {
    const file = path('precious');
    const content = 'precious data '.repeat(1000);
    writeFileSync(file, content);
    expect(() => LinearLog.open(file)).toThrow(/not a @pmem2\/log log/);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });
});

describe('the file storage of a linear log', () => {
  it('grow-newSegments-mappedRightAfterTheLastInOneReservation', () => {
    const storage = openFileStorage({
      path: path('reservation'),
      create: true,
      shape: Shape.LINEAR,
      areaSize: 2 * PAGE,
      areas: 1,
      maxSize: 16 * PAGE,
      granularity: Granularity.PAGE,
    });
    const address = (mapping: LogMapping | undefined) => (mapping as Pmem2Map).address;
    try {
      const second = storage.grow?.(2 * PAGE);
      const third = storage.grow?.(2 * PAGE);
      expect(address(storage.areas[0]) - address(storage.header)).toBe(BigInt(PAGE));
      expect(address(second) - address(storage.areas[0])).toBe(BigInt(2 * PAGE));
      expect(address(third) - address(second)).toBe(BigInt(2 * PAGE));
      expect(statSync(path('reservation')).size).toBe(PAGE + 3 * 2 * PAGE);
    } finally {
      storage.close();
    }
  });
});
