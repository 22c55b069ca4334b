// persist-ops.test.ts -- the routine table's kinds, argument-free bound persist/flush, batches in both forms

import { closeSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { MapHandle, MapPersistOps } from '../src/index.js';
import {
  BYTE,
  binding,
  bytes,
  CACHE_LINE,
  childJson,
  E,
  mapForced,
  mapNew,
  mappedOf,
  mapRw,
  PAGE,
  PAGE_GRANULARITY,
  PROT_WRITE,
  scratchDir,
  storedNothing,
  withForcedGranularity,
} from './helpers.js';

const x64 = binding.persistInfo().arch === 'x64';
const ARGS = binding.persistArgs as Float64Array;

const RANGES = binding.rangesArgs as Float64Array;

/** A batch call: with the array as an argument, or bound to the map with the pairs in rangesArgs. */
interface BatchForm {
  persistRanges(map: MapHandle, ranges: Float64Array): number;
  flushRanges(map: MapHandle, ranges: Float64Array): number;
}

// One mapPersistOps per map, made on first use (before a delete that a test then makes).
const opsOf = new WeakMap<MapHandle, MapPersistOps>();
function boundOps(map: MapHandle): MapPersistOps {
  const ops = opsOf.get(map) ?? binding.mapPersistOps(map);
  opsOf.set(map, ops);
  return ops;
}

/** The bound batch over `ranges` copied into rangesArgs, the pair count in persistArgs[0]. */
function boundBatch(which: 'persistRanges' | 'flushRanges') {
  return (map: MapHandle, ranges: Float64Array): number => {
    const ops = boundOps(map);
    RANGES.set(ranges);
    ARGS[0] = ranges.length / 2;
    return ops[which]();
  };
}

const BATCH_FORMS: [string, BatchForm][] = [
  ['with the array', { persistRanges: binding.persistRanges, flushRanges: binding.flushRanges }],
  [
    'bound to the map (rangesArgs)',
    { persistRanges: boundBatch('persistRanges'), flushRanges: boundBatch('flushRanges') },
  ],
];

/** lastOp() set to "msynced only" by an msync of another map: a marker a reset would clear. */
function markLastOp(): void {
  const other = mapRw(-1, PAGE);
  expect(binding.msync(other, 0, 1)).toBe(0);
  expect(binding.mapDelete(other)).toBe(0);
}

/** The bound persist over (offset, length) written into persistArgs. */
function boundPersist(ops: MapPersistOps, offset: number, length: number): number {
  ARGS[0] = offset;
  ARGS[1] = length;
  return ops.persist();
}

describe('the routine table is chosen from the granularity (persist.c map_fns_for)', () => {
  it('reports msync for PAGE, flush for CACHE_LINE, fence (x86_64) or drain for BYTE', () => {
    const flush = binding.persistInfo().flush === 'none' ? 'msync' : 'flush';
    const expected = [
      [PAGE_GRANULARITY, 'msync'],
      [CACHE_LINE, flush],
      [BYTE, x64 ? 'fence' : 'drain'],
    ] as const;
    for (const [granularity, kind] of expected) {
      const map = mapForced(granularity, 4 * PAGE);
      expect(binding.mapPersistOps(map).kind).toBe(kind);
      expect(binding.mapDelete(map)).toBe(0);
    }
  });

  it('the mem routines follow the same table: PAGE msyncs, CACHE_LINE flushes, BYTE neither', () => {
    const src = new Uint8Array(64).fill(3);
    const page = mapForced(PAGE_GRANULARITY, 4 * PAGE);
    expect(binding.memcpy(page, 0, src, 0)).toBe(0);
    expect(binding.lastOp()).toMatchObject({ msynced: true, drained: false });
    expect(binding.mapDelete(page)).toBe(0);
    const byte = mapForced(BYTE, 4 * PAGE);
    expect(binding.memcpy(byte, 0, src, 0)).toBe(0);
    expect(binding.lastOp()).toMatchObject({ msynced: false, flushed: false, drained: true });
    expect(binding.mapDelete(byte)).toBe(0);
  });
});

describe('argument-free persist and flush bound to a map (persistArgs)', () => {
  it('persistArgs is one Float64Array of three elements, the same on every read', () => {
    expect(ARGS).toBeInstanceOf(Float64Array);
    expect(ARGS.length).toBe(3);
    expect(binding.persistArgs).toBe(ARGS);
  });

  it('PAGE: the bound persist and flush msync the range written into persistArgs', () => {
    const map = mapForced(PAGE_GRANULARITY, 4 * PAGE);
    const ops = binding.mapPersistOps(map);
    bytes(map)[5000] = 1;
    expect(boundPersist(ops, 4096, 1000)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    ARGS[0] = 0;
    ARGS[1] = 1;
    expect(ops.flush()).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    expect(binding.mapDelete(map)).toBe(0);
  });

  it.runIf(x64)('CACHE_LINE: persist flushes then drains, flush only flushes', () => {
    const map = mapForced(CACHE_LINE, 4 * PAGE);
    const ops = binding.mapPersistOps(map);
    expect(boundPersist(ops, 1, 200)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ flushed: true, drained: true }));
    expect(ops.flush()).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ flushed: true }));
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('BYTE: the native persist drains, the native flush does nothing', () => {
    const map = mapForced(BYTE, 4 * PAGE);
    const ops = binding.mapPersistOps(map);
    expect(boundPersist(ops, 0, 64)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ drained: true }));
    expect(ops.flush()).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({}));
    expect(binding.mapDelete(map)).toBe(0);
  });

  it.each([
    ['a range past the end', 4000, 200],
    ['an offset past the end', PAGE + 1, 0],
    ['a negative offset', -1, 1],
    ['a negative length', 0, -1],
    ['a fractional offset', 0.5, 1],
    ['NaN', Number.NaN, 1],
    ['Infinity', 0, Number.POSITIVE_INFINITY],
    ['2^53', 2 ** 53, 0],
  ])('refuses %s in persistArgs with PMEM2_E_MAP_RANGE and runs nothing', (_, off, len) => {
    const map = mapRw(-1, PAGE);
    const ops = binding.mapPersistOps(map);
    markLastOp();
    expect(boundPersist(ops, off, len)).toBe(E.MAP_RANGE);
    ARGS[0] = off;
    ARGS[1] = len;
    expect(ops.flush()).toBe(E.MAP_RANGE);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('answers PMEM2_E_MAPPING_NOT_FOUND after delete', () => {
    const map = mapRw(-1, PAGE);
    const ops = binding.mapPersistOps(map);
    expect(binding.mapDelete(map)).toBe(0);
    expect(boundPersist(ops, 0, 1)).toBe(E.MAPPING_NOT_FOUND);
    expect(ops.flush()).toBe(E.MAPPING_NOT_FOUND);
  });

  it('mapPersistOps throws TypeError for anything but a map handle', () => {
    expect(() => binding.mapPersistOps({} as never)).toThrow(TypeError);
  });
});

describe.each(BATCH_FORMS)('persistRanges / flushRanges %s', (_form, batch) => {
  it('PAGE: one msync per range; refuses nothing in range', () => {
    const map = mapForced(PAGE_GRANULARITY, 4 * PAGE);
    expect(batch.persistRanges(map, new Float64Array([0, 1, 8192, 4096]))).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    expect(batch.flushRanges(map, new Float64Array([PAGE, 1]))).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    expect(binding.mapDelete(map)).toBe(0);
  });

  it.runIf(x64)('CACHE_LINE: persistRanges flushes every range, then drains once', () => {
    const map = mapForced(CACHE_LINE, 4 * PAGE);
    const ranges = new Float64Array([0, 64, 4096, 1, 3 * PAGE, 0]);
    expect(batch.persistRanges(map, ranges)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ flushed: true, drained: true }));
    expect(batch.flushRanges(map, ranges)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ flushed: true }));
    expect(batch.persistRanges(map, new Float64Array([0, 0]))).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ drained: true })); // no line to flush
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('BYTE: persistRanges drains once; flushRanges does nothing; an empty batch is fine', () => {
    const map = mapForced(BYTE, 4 * PAGE);
    expect(batch.persistRanges(map, new Float64Array([0, 64, 100, 7]))).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ drained: true }));
    expect(batch.flushRanges(map, new Float64Array([0, 64]))).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({}));
    expect(batch.persistRanges(map, new Float64Array(0))).toBe(0);
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('PAGE: a refused pair stops the batch there: the ranges before it ran, none after', () => {
    const page = mapForced(PAGE_GRANULARITY, 4 * PAGE);
    markLastOp();
    expect(batch.persistRanges(page, new Float64Array([4 * PAGE, 1, 0, 1]))).toBe(E.MAP_RANGE);
    expect(binding.lastOp()).toEqual(storedNothing({})); // reset, and no msync after it
    expect(batch.persistRanges(page, new Float64Array([0, 1, 4 * PAGE, 1]))).toBe(E.MAP_RANGE);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true })); // the first one ran
    expect(batch.persistRanges(page, new Float64Array([0, Number.NaN]))).toBe(E.MAP_RANGE);
    expect(binding.mapDelete(page)).toBe(0);
  });

  it.runIf(x64)(
    'CACHE_LINE: a refused pair leaves the earlier lines flushed and does not drain',
    () => {
      const map = mapForced(CACHE_LINE, 4 * PAGE);
      const bad = [4 * PAGE, 1, 0, 0.5, -1, 1, 0, 4 * PAGE + 1, Number.POSITIVE_INFINITY, 0];
      for (let i = 0; i < bad.length; i += 2) {
        const pair = bad.slice(i, i + 2);
        expect(batch.persistRanges(map, new Float64Array([...pair, 0, 64]))).toBe(E.MAP_RANGE);
        expect(binding.lastOp()).toEqual(storedNothing({})); // nothing flushed, no drain
        expect(batch.persistRanges(map, new Float64Array([0, 64, ...pair]))).toBe(E.MAP_RANGE);
        expect(binding.lastOp()).toEqual(storedNothing({ flushed: true })); // the first, no drain
      }
      // with the array, past the stack copy: checked into the heap
      const many = new Float64Array(2 * 100).fill(1);
      many[2 * 99] = 4 * PAGE;
      expect(batch.persistRanges(map, many)).toBe(E.MAP_RANGE);
      expect(binding.lastOp()).toEqual(storedNothing({ flushed: true }));
      many[2 * 99] = 0;
      expect(batch.persistRanges(map, many)).toBe(0);
      expect(binding.lastOp()).toEqual(storedNothing({ flushed: true, drained: true }));
      expect(binding.mapDelete(map)).toBe(0);
    },
  );

  it.runIf(x64)('CACHE_LINE write-only: PMEM2_E_NO_ACCESS natively, before any flush', () => {
    const path = `/dev/shm/pmem2-native-wronly-${process.pid}`;
    const fd = openSync(path, 'w+');
    unlinkSync(path);
    ftruncateSync(fd, PAGE);
    const map = withForcedGranularity(CACHE_LINE, () =>
      mapNew(fd, 0n, BigInt(PAGE), PROT_WRITE, false, PAGE, null, 0n),
    );
    closeSync(fd);
    if (typeof map === 'number') throw new Error(`mapNew failed with ${map}`);
    expect(mappedOf(map).granularity).toBe(CACHE_LINE);
    markLastOp();
    expect(batch.persistRanges(map, new Float64Array([0, 64]))).toBe(E.NO_ACCESS);
    expect(batch.flushRanges(map, new Float64Array([0, 64]))).toBe(E.NO_ACCESS);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true })); // the marker: nothing ran
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('an odd length (a fractional count) is -EINVAL; delete gives NOT_FOUND', () => {
    const map = mapRw(-1, PAGE);
    expect(batch.persistRanges(map, new Float64Array([0, 1, 2]))).toBe(-22);
    expect(batch.flushRanges(map, new Float64Array([0]))).toBe(-22);
    expect(binding.mapDelete(map)).toBe(0);
    expect(batch.persistRanges(map, new Float64Array([0, 1]))).toBe(E.MAPPING_NOT_FOUND);
  });
});

describe('persistRanges / flushRanges: the two forms apart', () => {
  it('with the array: a non-Float64Array throws TypeError', () => {
    const map = mapRw(-1, PAGE);
    expect(() => binding.persistRanges(map, new Uint32Array(2) as never)).toThrow(TypeError);
    expect(() => binding.flushRanges(map, [0, 1] as never)).toThrow(TypeError);
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('rangesArgs is one Float64Array of 512 numbers (256 pairs), the same on every read', () => {
    expect(RANGES).toBeInstanceOf(Float64Array);
    expect(RANGES.length).toBe(512);
    expect(binding.rangesArgs).toBe(RANGES);
  });

  it.each([
    ['above 256', 257],
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('bound: a pair count %s is -EINVAL and runs nothing', (_, count) => {
    const map = mapForced(PAGE_GRANULARITY, PAGE);
    const ops = binding.mapPersistOps(map);
    RANGES.fill(0);
    markLastOp();
    ARGS[0] = count;
    expect(ops.persistRanges()).toBe(-22);
    expect(ops.flushRanges()).toBe(-22);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true })); // the marker
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('bound: reads exactly the counted pairs: all 256, and none past the count', () => {
    const map = mapForced(PAGE_GRANULARITY, 4 * PAGE);
    const ops = binding.mapPersistOps(map);
    RANGES.fill(1); // 256 pairs (1, 1)
    ARGS[0] = 256;
    expect(ops.persistRanges()).toBe(0);
    RANGES[2 * 255] = 4 * PAGE; // the last pair refused
    expect(ops.persistRanges()).toBe(E.MAP_RANGE);
    ARGS[0] = 255; // ... and not read
    expect(ops.persistRanges()).toBe(0);
    markLastOp();
    RANGES[0] = 4 * PAGE;
    ARGS[0] = 0; // an empty batch reads no pair
    expect(ops.persistRanges()).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({})); // reset, nothing msynced
    expect(binding.mapDelete(map)).toBe(0);
  });
});

describe.runIf(x64)('persistRanges / flushRanges over a lost page (a child process)', () => {
  const { dir, cleanup } = scratchDir('/dev/shm');
  afterAll(cleanup);

  it('the loss wins over the batch: PMEM2_E_IO_FAIL once, then on every batch over the page; no drain', () => {
    const out = childJson<Record<string, unknown>>(`
      import fs from 'node:fs';
      const path = ${JSON.stringify(dir)} + '/lost-' + process.pid;
      fs.writeFileSync(path, Buffer.alloc(2 * 4096, 1));
      const fd = fs.openSync(path, 'r+');
      process.env.PMEM2_FORCE_GRANULARITY = 'CACHE_LINE';
      const map = binding.mapNew(fd, 0n, 8192n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null,
        new Float64Array(6));
      const view = new Uint8Array(binding.mapBuffer(map));
      fs.ftruncateSync(fd, 4096);
      const lostRead = view[4096]; // SIGBUS, repaired: the page is lost
      const step = (f) => ({ status: f(), lastOp: binding.lastOp() });
      const out = {
        lostRead,
        first: step(() => binding.persistRanges(map, new Float64Array([0, 64]))),
        again: step(() => binding.persistRanges(map, new Float64Array([0, 64]))),
        over: step(() => binding.persistRanges(map, new Float64Array([0, 64, 4096 + 64, 1]))),
        flushOver: step(() => binding.flushRanges(map, new Float64Array([4096, 64]))),
      };
      binding.mapDelete(map);
      fs.closeSync(fd);
      fs.rmSync(path);
      console.log(JSON.stringify(out));
    `);
    const flushedOnly = storedNothing({ flushed: true });
    expect(out).toEqual({
      lostRead: 0,
      first: { status: E.IO_FAIL, lastOp: flushedOnly }, // the new loss, reported once
      again: { status: 0, lastOp: storedNothing({ flushed: true, drained: true }) },
      over: { status: E.IO_FAIL, lastOp: flushedOnly }, // a range over the lost page
      flushOver: { status: E.IO_FAIL, lastOp: flushedOnly },
    });
  });
});
