// size.test.ts -- toSize, the number | bigint size_t normalisation shared with @pmem2/map

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { describe, expect, it } from 'vitest';
import { describeValue, INT64_MAX, SIZE_MAX, toSize } from '../src/index.js';

describe('toSize', () => {
  it('exports INT64_MAX and SIZE_MAX', () => {
    expect(INT64_MAX).toBe(9223372036854775807n);
    expect(SIZE_MAX).toBe(18446744073709551615n);
  });

  it.each([
    [0, 0n],
    [-0, 0n],
    [1, 1n],
    [Number.MAX_SAFE_INTEGER, 9007199254740991n],
    [0n, 0n],
    [2n ** 63n, 2n ** 63n],
    [2n ** 64n - 1n, 2n ** 64n - 1n],
  ])('converts %s to %s', (value, expected) => {
    expect(toSize(value, 'size', PMEM2_E.LENGTH_OUT_OF_RANGE)).toBe(expected);
  });

  it.each([
    [-1, 'is negative'],
    [-1n, 'is negative'],
    [2n ** 64n, 'does not fit in 64 bits'],
    [0.5, 'is not an integer'],
    [Number.NaN, 'is not a number'],
    [Number.POSITIVE_INFINITY, 'is infinite'],
    [Number.NEGATIVE_INFINITY, 'is infinite'],
    [2 ** 53, 'pass it as a bigint'],
    ['1', 'is not a number or bigint'],
    [undefined, 'is not a number or bigint'],
    [Symbol('x'), 'is not a number or bigint'],
  ])("refuses %s with the caller's code (%s)", (value, why) => {
    let error: unknown;
    try {
      toSize(value as unknown as number, 'persist length', PMEM2_E.DEEP_FLUSH_RANGE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Pmem2Error);
    const e = error as Pmem2Error;
    expect(e.code).toBe('PMEM2_E_DEEP_FLUSH_RANGE');
    expect(e.errno).toBe(PMEM2_E.DEEP_FLUSH_RANGE);
    expect(e.libpmem2Message).toBe('');
    expect(e.message).toContain('persist length');
    expect(e.message).toContain(why);
  });

  it('refuses objects without running their code: valueOf, getters and a revoked Proxy', () => {
    let ran = false;
    const sneaky = {
      valueOf: () => {
        ran = true;
        return 4096;
      },
    };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const [value, shown] of [
      [sneaky, 'an object'],
      [proxy, 'a revoked Proxy'],
      [new Number(4096), 'an object'],
    ] as const) {
      let error: unknown;
      try {
        toSize(value as unknown as number, 'length', PMEM2_E.MAP_RANGE);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Pmem2Error);
      expect((error as Pmem2Error).code).toBe('PMEM2_E_MAP_RANGE');
      expect((error as Pmem2Error).message).toContain(`but ${shown} is not a number or bigint`);
    }
    expect(ran).toBe(false);
  });
});

describe('describeValue', () => {
  it.each([
    ['0x41', '"0x41"'],
    [1n, '1n'],
    [-0, '-0'],
    [Number.NaN, 'NaN'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[1], 'an array'],
    [{}, 'an object'],
    [() => 0, 'a function'],
    [Symbol('s'), 'a symbol'],
  ])('shows %s as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  it('shows a revoked Proxy (Array.isArray throws for it) and an array Proxy', () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    expect(describeValue(proxy)).toBe('an array');
    revoke();
    expect(describeValue(proxy)).toBe('a revoked Proxy');
  });
});
