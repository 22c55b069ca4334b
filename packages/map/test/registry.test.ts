// registry.test.ts -- the address-ordered registry (libpmem2's ravl interval tree semantics)

import { describe, expect, it } from 'vitest';
import { RangeRegistry } from '../src/registry.js';

describe('RangeRegistry', () => {
  it('refuses overlaps, allows adjacency, and orders by address', () => {
    const registry = new RangeRegistry<{ name: string }>('strong');
    const a = { name: 'a' };
    const b = { name: 'b' };
    const c = { name: 'c' };
    const d = { name: 'd' };
    expect(registry.insert(b, 0x3000n, 0x1000n)).toBe(true);
    expect(registry.insert(a, 0x1000n, 0x2000n)).toBe(true); // ends where b starts
    expect(registry.insert(c, 0x4000n, 0x1000n)).toBe(true); // starts where b ends
    expect(registry.insert(d, 0x3fffn, 0x2n)).toBe(false);
    expect(registry.insert(d, 0x0n, 0x10000n)).toBe(false);
    expect(registry.occupants().map((o) => o.name)).toEqual(['a', 'b', 'c']);
  });

  it('finds as ravl_interval_find: lowest overlap; zero-length hits a start or an inside', () => {
    const registry = new RangeRegistry<{ name: string }>('strong');
    const a = { name: 'a' };
    const b = { name: 'b' };
    registry.insert(a, 0x1000n, 0x1000n);
    registry.insert(b, 0x2000n, 0x1000n);
    expect(registry.find(0x0n, 0x10000n)).toBe(a);
    expect(registry.find(0x1fffn, 0x2n)).toBe(a);
    expect(registry.find(0x2000n, 0x1n)).toBe(b);
    expect(registry.find(0x3000n, 0x1000n)).toBeUndefined();
    expect(registry.find(0x1800n, 0n)).toBe(a);
    expect(registry.find(0x2000n, 0n)).toBe(b);
    expect(registry.find(0x3000n, 0n)).toBeUndefined();
    expect(registry.find(0x800n, 0x800n)).toBeUndefined();
    // size_t arithmetic, as the C pointer sums: 0x1000 + (2^64 - 0x800) wraps to 0x800
    expect(registry.find(0x1000n + (2n ** 64n - 0x800n), 0x1000n)).toBe(a);
    // an end that wraps below the start finds only a range beginning at the start
    expect(registry.find(0x1800n, 2n ** 64n - 0x1000n)).toBeUndefined();
    expect(registry.find(0x2000n, 2n ** 64n - 0x1000n)).toBe(b);
  });

  it('remove and has', () => {
    const registry = new RangeRegistry<object>('strong');
    const a = {};
    registry.insert(a, 0n, 1n);
    expect(registry.has(a)).toBe(true);
    expect(registry.remove(a)).toBe(true);
    expect(registry.remove(a)).toBe(false);
    expect(registry.size).toBe(0);
    expect(registry.insert({}, 0n, 1n)).toBe(true);
  });
});
