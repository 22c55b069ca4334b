// strtoull.test.ts -- the strtoull(3) emulation used to parse sysfs numbers

import { describe, expect, it } from 'vitest';
import { strtoll, strtoull } from '../src/strtoull.js';

describe('strtoull', () => {
  it('base 0 picks hex, octal or decimal like C', () => {
    expect(strtoull('0x40000000\n', 0)).toEqual({ value: 0x40000000n, end: 10, overflow: false });
    expect(strtoull('010\n', 0)).toEqual({ value: 8n, end: 3, overflow: false });
    expect(strtoull('4096\n', 0)).toEqual({ value: 4096n, end: 4, overflow: false });
    expect(strtoull('0\n', 0)).toEqual({ value: 0n, end: 1, overflow: false });
  });

  it('base 10 stops at x: "0x10" parses as 0 with end 1', () => {
    expect(strtoull('0x10\n', 10)).toEqual({ value: 0n, end: 1, overflow: false });
  });

  it('a "0x" without hex digits parses the 0 alone', () => {
    expect(strtoull('0xg', 0)).toEqual({ value: 0n, end: 1, overflow: false });
  });

  it('skips leading white space and accepts a sign; "-1" wraps to ULLONG_MAX', () => {
    expect(strtoull(' \t+7\n', 10)).toEqual({ value: 7n, end: 4, overflow: false });
    expect(strtoull('-1\n', 10)).toEqual({ value: 2n ** 64n - 1n, end: 2, overflow: false });
  });

  it('no digits → end 0', () => {
    expect(strtoull('', 10).end).toBe(0);
    expect(strtoull('M\n', 0).end).toBe(0);
    expect(strtoull('-\n', 10).end).toBe(0);
  });

  it('overflow gives ULLONG_MAX and the overflow flag, still consuming every digit', () => {
    expect(strtoull('18446744073709551615\n', 10)).toEqual({
      value: 2n ** 64n - 1n,
      end: 20,
      overflow: false,
    });
    expect(strtoull('18446744073709551616\n', 10)).toEqual({
      value: 2n ** 64n - 1n,
      end: 20,
      overflow: true,
    });
  });
});

describe('strtoll', () => {
  it('parses signed values in base 0', () => {
    expect(strtoll('-1\n', 0)).toBe(-1n);
    expect(strtoll('0x10\n', 0)).toBe(16n);
    expect(strtoll('-0\n', 0)).toBe(0n);
    expect(strtoll('abc', 0)).toBe(0n);
  });

  it('clamps to LLONG_MIN … LLONG_MAX', () => {
    expect(strtoll('9223372036854775808', 10)).toBe(2n ** 63n - 1n);
    expect(strtoll('-9223372036854775808', 10)).toBe(-(2n ** 63n));
    expect(strtoll('-9223372036854775809', 10)).toBe(-(2n ** 63n));
    expect(strtoll('99999999999999999999999', 10)).toBe(2n ** 63n - 1n);
  });
});
