// fast-paths.test.ts -- where append's one bound check, the one-piece checksum and the
// one-piece persist hand over to the general paths: segment ends, groups over two areas,
// a ring's head moving, views at an offset; the checksum by the mapping's own crc32

import { crc32 } from 'node:zlib';
import { Config, Granularity } from '@pmem2/config';
import { mapNew } from '@pmem2/map';
import { Source } from '@pmem2/source';
import { describe, expect, it } from 'vitest';
import {
  COMMIT_SIZE,
  RECORD_HEADER,
  readCommitBody,
  readRecordHeader,
  TYPE_COMMIT,
  writeCommit,
} from '../src/format.js';
import { LinearLog, RingLog } from '../src/index.js';
import { areaOf, Layout } from '../src/layout.js';
import { Machine, rng, type SimStorage, simStorage } from './helpers/write-back.js';

const AREA = 4096;

/** A growable simulated storage whose area calls are counted from now on. */
function counted(granularity: Granularity, growable = true) {
  const storage = simStorage(new Machine(rng(7), Number.POSITIVE_INFINITY, 0), {
    granularity,
    areaSize: AREA,
    growable,
  });
  const calls: string[] = [];
  const watch = (index: number) => {
    const mapping = storage.areas[index];
    if (mapping === undefined) return;
    for (const name of ['persist', 'flush', 'drain'] as const) {
      const original = mapping[name].bind(mapping) as (...args: number[]) => void;
      mapping[name] = (...args: number[]) => {
        calls.push(`${name}@${index}`);
        original(...args);
      };
    }
  };
  return { storage, calls, watch };
}

/** What a power loss leaves (unpersisted stores may be lost), recovered: payload lengths. */
function reopenedLengths(storage: SimStorage, shape: 'linear' | 'ring'): number[] {
  const image = storage.image(rng(5));
  const again = simStorage(new Machine(rng(1), Number.POSITIVE_INFINITY, 0), {
    granularity: storage.areas[0]?.storeGranularity ?? Granularity.PAGE,
    areaSize: AREA,
    growable: shape === 'linear',
    from: image,
  });
  const log = shape === 'linear' ? LinearLog.recover(again) : RingLog.recover(again);
  const lengths = [...log.records()].map((r) => r.data.length);
  log.close();
  return lengths;
}

describe('append and commit at the edges of their fast paths', () => {
  it('append-recordEndingWhereACommitStillFits-staysInTheSegmentWithItsCommit', () => {
    const log = LinearLog.format(counted(Granularity.PAGE).storage, { autoCommit: false });
    const first = log.append(new Uint8Array(8));
    // ends exactly COMMIT_SIZE before the segment's end: the record and its commit both fit
    const edge = AREA - COMMIT_SIZE - log.tail - RECORD_HEADER;
    const second = log.append(new Uint8Array(edge).fill(2));
    expect(log.tail).toBe(AREA - COMMIT_SIZE);
    expect(log.commit()).toBe(AREA);
    const third = log.append('next segment');
    expect(third).toBe(AREA);
    log.commit();
    expect([first, second].map((p) => log.read(p).length)).toEqual([8, edge]);
    log.close();
  });

  it.each([
    ['PAGE', Granularity.PAGE, ['persist@0', 'persist@1']],
    ['CACHE_LINE', Granularity.CACHE_LINE, ['flush@0', 'flush@1', 'drain@0', 'drain@1']],
    ['BYTE', Granularity.BYTE, ['drain@0', 'drain@1']],
  ] as const)(
    'commit-groupWhoseCommitMovesToTheNextSegment-%sPersistsBothPiecesAndReopens',
    (_name, granularity, expected) => {
      const { storage, calls, watch } = counted(granularity);
      const log = LinearLog.format(storage, { autoCommit: false });
      log.append(new Uint8Array(8)); // 24 bytes
      // ends 8 bytes before the segment's end: no room for the commit after it
      const long = AREA - 24 - 8 - RECORD_HEADER;
      log.append(new Uint8Array(long).fill(3));
      expect(log.tail).toBe(AREA - 8);
      watch(0);
      log.commit(); // grows the second segment for the commit record
      watch(1);
      calls.length = 0;
      log.append(new Uint8Array(8)); // a group in segment 1 only: one piece again
      log.commit();
      const onePiece = [...calls];
      expect(onePiece.every((c) => c.endsWith('@1'))).toBe(true);
      log.close();
      expect(reopenedLengths(storage, 'linear')).toEqual([8, long, 8]);
      // the two-area group, from a fresh log: both pieces become durable
      const fresh = counted(granularity);
      const again = LinearLog.format(fresh.storage, { autoCommit: false });
      again.append(new Uint8Array(8));
      again.append(new Uint8Array(long));
      again.append(new Uint8Array(8)); // lands in segment 1 (grown), the group spans both
      fresh.watch(0);
      fresh.watch(1);
      again.commit();
      expect([...fresh.calls].sort()).toEqual([...expected].sort());
      again.close();
      expect(reopenedLengths(fresh.storage, 'linear')).toEqual([8, long, 8]);
    },
  );

  it('append-afterTrim-theRingTakesRecordsUpToItsNewHead', () => {
    const storage = simStorage(new Machine(rng(3), Number.POSITIVE_INFINITY, 0), {
      granularity: Granularity.PAGE,
      areaSize: AREA,
      growable: false,
    });
    const ring = RingLog.format(storage, { autoCommit: false });
    const positions: number[] = [];
    const fill = () => {
      for (;;) {
        try {
          positions.push(ring.append(new Uint8Array(100).fill(positions.length)));
          ring.commit();
        } catch {
          return;
        }
      }
    };
    fill();
    const firstLap = positions.length;
    expect(firstLap).toBeGreaterThan(10);
    ring.trim(positions[firstLap / 2] as number); // half the records freed
    fill();
    const secondLap = positions.length - firstLap;
    // the freed half is taken again: the bound moved with the head, not one record more
    expect(secondLap).toBeGreaterThanOrEqual(Math.floor(firstLap / 2) - 1);
    expect(secondLap).toBeLessThanOrEqual(Math.ceil(firstLap / 2) + 1);
    const live = positions.slice(firstLap / 2);
    expect(live.map((p) => ring.read(p)[0])).toEqual(live.map((_, i) => (firstLap / 2 + i) & 255));
    ring.close();
    expect(reopenedLengths(storage, 'ring')).toEqual(live.map(() => 100));
  });

  it('append-viewAtAnOffsetOfALargerBuffer-storesExactlyTheViewsBytes', () => {
    const log = LinearLog.format(counted(Granularity.PAGE).storage, { autoCommit: false });
    const backing = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
    const view = backing.subarray(5, 26); // a Buffer (a Uint8Array subclass) at offset 5
    const at = log.append(view);
    const plain = log.append(new Uint8Array(backing.buffer, backing.byteOffset + 40, 3));
    expect([...log.read(at)]).toEqual([...view]);
    expect([...log.read(plain)]).toEqual([40, 41, 42]);
    log.close();
  });
});

describe('the checksum of a group', () => {
  const areas = [0, 1, 2].map((k) => {
    const bytes = new Uint8Array(AREA).map((_, i) => (i * 7 + k * 13) & 255);
    return areaOf({
      size: AREA,
      storeGranularity: Granularity.PAGE,
      buffer: bytes.buffer,
      persist() {},
      flush() {},
      drain() {},
      persistAsync: async () => undefined,
    });
  });
  const linear = new Layout(AREA, false);
  const seed = 0x1234_5678;
  const bytesOf = (from: number, to: number) =>
    Buffer.concat(
      areas.map((a, k) =>
        a.bytes.subarray(
          Math.max(0, Math.min(AREA, from - k * AREA)),
          Math.max(0, Math.min(AREA, to - k * AREA)),
        ),
      ),
    );

  it('checksum-onePieceOrSeveral-isTheCrcOfTheBytesInLogOrder', () => {
    for (const [from, to] of [
      [0, 0],
      [16, 200],
      [AREA, 2 * AREA],
      [AREA - 40, AREA + 24],
      [100, 2 * AREA + 8],
    ] as const) {
      expect(linear.checksum(areas, from, to, [], seed)).toBe(crc32(bytesOf(from, to), seed));
    }
  });

  it('checksum-withGaps-skipsThemOnlyInOnePieceAndAcrossAreas', () => {
    const gaps = [[AREA - 40, AREA]] as const;
    expect(linear.checksum(areas, AREA - 80, AREA + 16, gaps, seed)).toBe(
      crc32(Buffer.concat([bytesOf(AREA - 80, AREA - 40), bytesOf(AREA, AREA + 16)]), seed),
    );
    expect(linear.checksum(areas, 0, 64, [[8, 16]], seed)).toBe(
      crc32(Buffer.concat([bytesOf(0, 8), bytesOf(16, 64)]), seed),
    );
  });

  it('checksum-mappingWithCrc32-usesItAndGetsTheSameCrcAsZlibOverTheBuffer', () => {
    const sources = areas.map(() => Source.fromAnon(AREA));
    const maps = sources.map((src) =>
      mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src),
    );
    try {
      const calls: string[] = [];
      const own = maps.map((map, k) => {
        map.bytes().set((areas[k] as (typeof areas)[number]).bytes);
        const native = map.crc32.bind(map);
        map.crc32 = (offset, length, seed) => {
          calls.push(`crc32@${k}`);
          return native(offset, length, seed);
        };
        return areaOf(map);
      });
      const gaps = [[AREA - 40, AREA]] as const;
      for (const [from, to, g] of [
        [16, 200, []],
        [100, 2 * AREA + 8, []],
        [AREA - 80, AREA + 16, gaps],
      ] as const) {
        calls.length = 0;
        expect(linear.checksum(own, from, to, g, seed)).toBe(
          linear.checksum(areas, from, to, g, seed),
        );
        expect(calls.length).toBeGreaterThan(0);
      }
      expect(calls).toEqual(['crc32@0', 'crc32@1']);
    } finally {
      for (const map of maps) map.delete();
      for (const src of sources) src.delete();
    }
  });
});

describe('the commit record', () => {
  it.each([
    ['small positions', 4064, 0],
    ['positions past 2^32', 2 ** 33 + 8, 2 ** 32 + 16],
  ])('writeCommit-wordStoresOrDataView-sameBytesAndReadBack (%s)', (_name, lsn, start) => {
    const viaWords = new ArrayBuffer(64);
    const viaView = new ArrayBuffer(64);
    writeCommit(
      { view: new DataView(viaWords), words: new Uint32Array(viaWords) },
      8,
      9,
      lsn,
      start,
      16,
    );
    writeCommit({ view: new DataView(viaView), words: null }, 8, 9, lsn, start, 16);
    expect([...new Uint8Array(viaWords)]).toEqual([...new Uint8Array(viaView)]);
    const view = new DataView(viaWords);
    expect(readRecordHeader(view, 8, { length: 0, epoch: 0, lsn: 0, type: 0 })).toEqual({
      length: COMMIT_SIZE - RECORD_HEADER,
      epoch: 9,
      lsn,
      type: TYPE_COMMIT,
    });
    expect(readCommitBody(view, 8).slice(0, 2)).toEqual([start, 16]);
  });
});
