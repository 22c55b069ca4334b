// persist-routines.test.ts -- each map's persist routines (chosen once), the JS fence of BYTE
// maps on x86_64, and persistRanges / flushRanges

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Granularity } from '@pmem2/config';
import { binding, type LastOp } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { describe, expect, it, vi } from 'vitest';
import { mapNew, type Pmem2Map } from '../src/index.js';
import { jsFenceCount } from '../src/persist-ops.js';
import { catchPmem2, makeFile, openSource, PAGE, prepareConfig } from './helpers.js';

const x64 = process.arch === 'x64';
const MAP_SIZE = 16 * PAGE;
const MARK: Partial<LastOp> = { msynced: true, flushed: false, drained: false };

/** Leaves lastOp() at "msynced only": a native persist, flush or drain would change it. */
function markLastOp(): void {
  const other = binding.mapNew(
    -1,
    0n,
    BigInt(PAGE),
    2 ** 30 + 2 ** 31,
    false,
    PAGE,
    null,
    0n,
    2,
    null,
    new Float64Array(6),
  );
  if (typeof other === 'number') throw new Error(`mapNew failed with ${other}`);
  expect(binding.msync(other, 0, 1)).toBe(0);
  expect(binding.mapDelete(other)).toBe(0);
  expect(binding.lastOp()).toMatchObject(MARK);
}

/** A shared tmpfs file mapped with PMEM2_FORCE_GRANULARITY=`force`, and its path. */
function forcedMap(force: 'page' | 'cache_line' | 'byte'): {
  map: Pmem2Map;
  path: string;
} & Disposable {
  vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
  const path = makeFile('tmpfs', MAP_SIZE);
  const file = openSource(path);
  const map = mapNew(prepareConfig(), file.source);
  return {
    map,
    path,
    [Symbol.dispose]() {
      map[Symbol.dispose]();
      file[Symbol.dispose]();
    },
  };
}

describe.runIf(x64)('BYTE on x86_64: persist is a JavaScript fence, no native call', () => {
  it('persist runs exactly one fence and enters no native code; the store reaches the file', () => {
    using f = forcedMap('byte');
    expect(f.map.storeGranularity).toBe(Granularity.BYTE);
    f.map.bytes()[100] = 42;
    markLastOp();
    const fences = jsFenceCount();
    f.map.persist(100, 1);
    expect(jsFenceCount() - fences).toBe(1);
    expect(binding.lastOp()).toMatchObject(MARK); // no native persist reset it
    expect(readFileSync(f.path)[100]).toBe(42); // visible to another reader of the file
  });

  it('drain fences too; flush does nothing at all', () => {
    using f = forcedMap('byte');
    markLastOp();
    const fences = jsFenceCount();
    f.map.flush(0, 64);
    expect(jsFenceCount()).toBe(fences);
    f.map.drain();
    expect(jsFenceCount() - fences).toBe(1);
    expect(binding.lastOp()).toMatchObject(MARK);
  });

  it('a bad range or a deleted map still throws, and runs no fence', () => {
    using f = forcedMap('byte');
    const fences = jsFenceCount();
    expect(catchPmem2(() => f.map.persist(MAP_SIZE, 1)).code).toBe('PMEM2_E_MAP_RANGE');
    expect(catchPmem2(() => f.map.persist(0.5, 1)).code).toBe('PMEM2_E_MAP_RANGE');
    expect(catchPmem2(() => f.map.persist(-1, 1)).code).toBe('PMEM2_E_MAP_RANGE');
    f.map.persist(0n, 1n); // bigints take the checked path and still only fence
    expect(jsFenceCount() - fences).toBe(1);
    f.map.delete();
    expect(catchPmem2(() => f.map.persist(0, 1)).code).toBe('PMEM2_E_MAPPING_NOT_FOUND');
    expect(jsFenceCount() - fences).toBe(1);
  });

  it("the fence's premise holds on this Node: V8's Atomics.add is built on lock-prefixed instructions", () => {
    const out = spawnSync(
      process.execPath,
      ['--print-builtin-code', '--print-builtin-code-filter=AtomicsAdd', '-e', '0'],
      { encoding: 'utf8' },
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('name = AtomicsAdd');
    expect(out.stdout).toMatch(/\block (cmpxchgl|xaddl)\b/); // the Int32Array path
  });
});

describe.runIf(!x64)('BYTE elsewhere: persist is the native drain', () => {
  it('persist and drain drain natively; no JavaScript fence runs', () => {
    using f = forcedMap('byte');
    const fences = jsFenceCount();
    markLastOp();
    f.map.persist(0, 1);
    expect(binding.lastOp()).toMatchObject({ msynced: false, drained: true });
    expect(jsFenceCount()).toBe(fences);
  });
});

describe('PAGE and CACHE_LINE persist through the argument-free native functions', () => {
  it('PAGE: persist msyncs the range; the data reaches the file', () => {
    using f = forcedMap('page');
    f.map.bytes()[5000] = 7;
    const fences = jsFenceCount();
    f.map.persist(5000, 1);
    expect(binding.lastOp()).toMatchObject({ msynced: true, drained: false });
    expect(jsFenceCount()).toBe(fences);
    expect(readFileSync(f.path)[5000]).toBe(7);
  });

  it('PAGE: a bigint range takes the checked path to the same msync; a refusal runs none', () => {
    using f = forcedMap('page');
    f.map.bytes()[6000] = 9;
    const drained = { msynced: false, flushed: false, drained: true };
    binding.drain(); // lastOp: drained only, which an msync resets
    expect(binding.lastOp()).toMatchObject(drained);
    f.map.persist(6000n, 1n);
    expect(binding.lastOp()).toMatchObject({ msynced: true, drained: false });
    expect(readFileSync(f.path)[6000]).toBe(9);
    binding.drain();
    expect(() => f.map.persist(f.map.size, 1)).toThrow(
      expect.objectContaining({ code: 'PMEM2_E_MAP_RANGE' }),
    );
    expect(binding.lastOp()).toMatchObject(drained);
  });

  it.runIf(x64)('CACHE_LINE: persist flushes and drains natively; flush only flushes', () => {
    using f = forcedMap('cache_line');
    expect(f.map.storeGranularity).toBe(Granularity.CACHE_LINE);
    f.map.persist(1, 200);
    expect(binding.lastOp()).toMatchObject({ msynced: false, flushed: true, drained: true });
    f.map.flush(1, 200);
    expect(binding.lastOp()).toMatchObject({ msynced: false, flushed: true, drained: false });
  });
});

describe('persistRanges / flushRanges', () => {
  it('PAGE: every range is msynced; the data reaches the file', () => {
    using f = forcedMap('page');
    f.map.bytes()[0] = 1;
    f.map.bytes()[3 * PAGE + 5] = 2;
    f.map.persistRanges(new Float64Array([0, 1, 3 * PAGE + 5, 1]));
    expect(binding.lastOp()).toMatchObject({ msynced: true });
    const file = readFileSync(f.path);
    expect([file[0], file[3 * PAGE + 5]]).toEqual([1, 2]);
  });

  it.runIf(x64)('CACHE_LINE: one native call flushes every range, then drains once', () => {
    using f = forcedMap('cache_line');
    f.map.persistRanges(new Float64Array([0, 64, 8192, 1]));
    expect(binding.lastOp()).toMatchObject({ msynced: false, flushed: true, drained: true });
    f.map.flushRanges(new Float64Array([0, 64]));
    expect(binding.lastOp()).toMatchObject({ flushed: true, drained: false });
  });

  it.runIf(x64)('BYTE: persistRanges is one JavaScript fence; flushRanges nothing', () => {
    using f = forcedMap('byte');
    markLastOp();
    const fences = jsFenceCount();
    f.map.persistRanges(new Float64Array([0, 64, 8192, 1]));
    f.map.flushRanges(new Float64Array([0, 64]));
    expect(jsFenceCount() - fences).toBe(1);
    expect(binding.lastOp()).toMatchObject(MARK);
  });

  // what ran before the refused pair: PAGE msynced pairs 0 and 1, CACHE_LINE flushed them,
  // BYTE (x86_64: checked in JavaScript) ran nothing; no drain and no fence anywhere
  const lines = binding.persistInfo().flush !== 'none';
  const beforeRefused = {
    page: { msynced: true, flushed: false, drained: false },
    cache_line: { msynced: !lines, flushed: lines, drained: false },
    byte: x64 ? MARK : { msynced: false, flushed: false, drained: false },
  } as const;
  it.each(['page', 'cache_line', 'byte'] as const)(
    '%s: a bad pair stops the batch there, naming the pair; no drain, no fence',
    (force) => {
      using f = forcedMap(force);
      markLastOp();
      const fences = jsFenceCount();
      const err = catchPmem2(() =>
        f.map.persistRanges(new Float64Array([0, 1, 64, 1, MAP_SIZE - 1, 2])),
      );
      expect(err.code).toBe('PMEM2_E_MAP_RANGE');
      expect(err.message).toMatch(/^persistRanges pair 2: offset 65535 \+ length 2/);
      expect(binding.lastOp()).toMatchObject(beforeRefused[force]);
      expect(jsFenceCount()).toBe(fences);
      const odd = catchPmem2(() => f.map.flushRanges(new Float64Array([0, 1, 2])));
      expect(odd.code).toBe('EINVAL');
      expect(odd.message).toMatch(/3 numbers, not \(offset, length\) pairs/);
      f.map.delete();
      const gone = catchPmem2(() => f.map.persistRanges(new Float64Array([0, 1])));
      expect(gone.code).toBe('PMEM2_E_MAPPING_NOT_FOUND');
    },
  );

  it.runIf(x64)(
    'CACHE_LINE: a batch up to 256 pairs (copied into the native cell) and past it (passed as the array) checks and flushes alike',
    () => {
      using f = forcedMap('cache_line');
      for (const pairs of [256, 257, 300]) {
        const ranges = new Float64Array(2 * pairs).fill(1);
        f.map.persistRanges(ranges);
        expect(binding.lastOp()).toMatchObject({ flushed: true, drained: true });
        ranges[2 * (pairs - 1)] = MAP_SIZE;
        const err = catchPmem2(() => f.map.persistRanges(ranges));
        expect(err.code).toBe('PMEM2_E_MAP_RANGE');
        expect(err.message).toMatch(
          new RegExp(`^persistRanges pair ${pairs - 1}: offset ${MAP_SIZE} `),
        );
        expect(binding.lastOp()).toMatchObject({ flushed: true, drained: false });
      }
      // the cell still holds the refused pair 255 of the 256-pair batch: a shorter batch never reads it
      const cell = new Float64Array(2 * 256).fill(1);
      cell[2 * 255] = MAP_SIZE;
      expect(() => f.map.persistRanges(cell)).toThrow(/pair 255/);
      f.map.persistRanges(new Float64Array([0, 64]));
      expect(binding.lastOp()).toMatchObject({ flushed: true, drained: true });
      expect(() => f.map.persistRanges([0, 64] as never)).toThrow(TypeError);
      expect(() => f.map.flushRanges(new Uint32Array(2) as never)).toThrow(TypeError);
    },
  );

  it('anonymous memory (BYTE): an empty batch is fine', () => {
    using source = Source.fromAnon(MAP_SIZE);
    using map = mapNew(prepareConfig(), source);
    expect(() => map.persistRanges(new Float64Array(0))).not.toThrow();
  });
});
