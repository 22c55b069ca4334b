// mem-args.test.ts -- the mapping's functions validate every argument without coercion: a wrong
// type is a Pmem2Error naming the argument and the expected type, and nothing is written

import { Source } from '@pmem2/source';
import { afterAll, describe, expect, it } from 'vitest';
import { mapNew, type Pmem2Map } from '../src/index.js';
import { expectPmem2, MiB, prepareConfig } from './helpers.js';

const sources: Source[] = [];
afterAll(() => {
  for (const s of sources) s.delete();
});

/** A 1 MiB anonymous read-write mapping, deleted by `using`. */
function anonMap(): Pmem2Map {
  const source = Source.fromAnon(MiB);
  sources.push(source);
  return mapNew(prepareConfig(), source);
}

/** A revoked Proxy: any property read, `instanceof` or Array.isArray on it throws TypeError. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object whose conversion would run code (it must never run). */
function sneaky(onCall: () => void): object {
  return {
    valueOf() {
      onCall();
      return 1;
    },
    toString() {
      onCall();
      return '1';
    },
    get byteLength() {
      onCall();
      return 1;
    },
  };
}

const notAnInt = [
  ['the string "0x41"', '0x41', '"0x41"'],
  ['NaN', Number.NaN, 'NaN'],
  ['undefined', undefined, 'undefined'],
  ['an object', {}, 'an object'],
  ['the bigint 1n', 1n, '1n'],
  ['a fraction', 1.5, '1.5'],
  ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ['null', null, 'null'],
  ['a revoked Proxy', revoked(), 'a revoked Proxy'],
  ['2^31 (past C int)', 2 ** 31, '2147483648'],
  ['-2^31-1 (past C int)', -(2 ** 31) - 1, '-2147483649'],
] as const;

describe('memset value', () => {
  it.each(notAnInt)('refuses %s with EINVAL and writes nothing', (_name, value, shown) => {
    using map = anonMap();
    const e = expectPmem2(() => map.memset(0, value as unknown as number, 16), 'EINVAL');
    expect(e.errno).toBe(-22);
    expect(e.message).toContain('memset: value must be an integer number');
    expect(e.message).toContain(`but ${shown} is not`);
    expect(map.read(0, 16)).toEqual(new Uint8Array(16));
  });

  it.each([
    [0x41, 0x41],
    [255, 255],
    [256, 0],
    [0x1ab, 0xab],
    [-1, 255],
    [-256, 0],
    [2 ** 31 - 1, 0xff],
    [-(2 ** 31), 0],
  ])('stores the low 8 bits of C int %d: %d (as C memset and Uint8Array.fill)', (value, byte) => {
    using map = anonMap();
    map.memset(1, value, 3);
    expect([...map.read(0, 5)]).toEqual([0, byte, byte, byte, 0]);
    expect(new Uint8Array(1).fill(value)[0]).toBe(byte);
  });

  it('never calls valueOf or toString of an object value', () => {
    using map = anonMap();
    let ran = false;
    const value = sneaky(() => {
      ran = true;
    });
    expectPmem2(() => map.memset(0, value as unknown as number, 1), 'EINVAL');
    expect(ran).toBe(false);
  });
});

describe('memcpy source', () => {
  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a string', 'abc', '"abc"'],
    ['an array', [1, 2], 'an array'],
    ['a look-alike with byteLength', { byteLength: 2 }, 'an object'],
    ['a revoked Proxy', revoked(), 'a revoked Proxy'],
  ])('refuses %s with EINVAL naming the expected types', (_name, source, shown) => {
    using map = anonMap();
    const e = expectPmem2(() => map.memcpy(0, source as unknown as Uint8Array), 'EINVAL');
    expect(e.message).toContain('memcpy: source must be an ArrayBufferView');
    expect(e.message).toContain(`but ${shown} is not`);
  });

  it('reads no property of an object that is not a buffer', () => {
    using map = anonMap();
    let ran = false;
    const source = sneaky(() => {
      ran = true;
    });
    expectPmem2(() => map.memcpy(0, source as unknown as Uint8Array), 'EINVAL');
    expect(ran).toBe(false);
  });
});

describe('offsets and lengths', () => {
  const bad = [
    ['a revoked Proxy', revoked(), 'a revoked Proxy'],
    ['the string "8"', '8', '"8"'],
    ['NaN', Number.NaN, 'NaN'],
    ['null', null, 'null'],
    ['an object', {}, 'an object'],
  ] as const;

  it.each(bad)('refuse %s as a length with PMEM2_E_MAP_RANGE naming it', (_name, v, shown) => {
    using map = anonMap();
    const length = v as unknown as number;
    for (const call of [
      () => map.memset(0, 1, length),
      () => map.memmove(8, 0, length),
      () => map.persist(0, length),
      () => map.flush(0, length),
      () => map.read(0, length),
    ]) {
      const e = expectPmem2(call, 'PMEM2_E_MAP_RANGE');
      expect(e.message).toMatch(/length must be a size_t|second argument must be a length/);
      expect(e.message).toContain(shown);
    }
    expect(map.read(0, 16)).toEqual(new Uint8Array(16));
  });

  it.each(bad)('refuse %s as an offset with PMEM2_E_MAP_RANGE naming it', (_name, v, shown) => {
    using map = anonMap();
    const offset = v as unknown as number;
    for (const call of [
      () => map.memset(offset, 1, 1),
      () => map.memcpy(offset, new Uint8Array(1)),
      () => map.memmove(offset, 0, 1),
      () => map.memmove(0, offset, 1),
      () => map.persist(offset, 1),
      () => map.read(offset, 1),
    ]) {
      const e = expectPmem2(call, 'PMEM2_E_MAP_RANGE');
      expect(e.message).toContain('offset must be a size_t');
      expect(e.message).toContain(shown);
    }
  });

  it('accept bigint offsets and lengths exactly', () => {
    using map = anonMap();
    map.memset(2n, 7, 2n);
    expect([...map.read(1n, 4n)]).toEqual([0, 7, 7, 0]);
  });

  it('persistAsync rejects (never throws synchronously) for a revoked Proxy length', async () => {
    using map = anonMap();
    await expect(map.persistAsync(0, revoked() as unknown as number)).rejects.toMatchObject({
      code: 'PMEM2_E_MAP_RANGE',
    });
  });
});

describe('flags', () => {
  it.each([
    ['the string "1"', '1', '"1"'],
    ['the bigint 1n', 1n, '1n'],
    ['null', null, 'null'],
    ['an object', {}, 'an object'],
    ['a revoked Proxy', revoked(), 'a revoked Proxy'],
  ])('refuse %s with EINVAL naming flags and MemFlags', (_name, flags, shown) => {
    using map = anonMap();
    const f = flags as unknown as number;
    for (const call of [
      () => map.memset(0, 1, 1, f),
      () => map.memcpy(0, new Uint8Array(1), f),
      () => map.memmove(1, 0, 1, f),
    ]) {
      const e = expectPmem2(call, 'EINVAL');
      expect(e.message).toContain(`invalid mem flags ${shown}`);
      expect(e.message).toContain('MemFlags');
    }
    expect(map.read(0, 2)).toEqual(new Uint8Array(2));
  });
});
