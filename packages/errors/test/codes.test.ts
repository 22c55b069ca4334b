import { readFileSync } from 'node:fs';
import { LIBPMEM2_BASE_H as BASE_H, libpmem2FileOrSkip } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { PMEM2_E, pmem2CodeName } from '../src/index.js';

const haveHeader = libpmem2FileOrSkip(BASE_H, 'the PMEM2_E table vs libpmem2/base.h');

describe('PMEM2_E', () => {
  it.runIf(haveHeader)('matches every PMEM2_E_* name and value in libpmem2/base.h', () => {
    const header = readFileSync(BASE_H, 'utf8');
    const fromHeader = new Map<string, number>();
    for (const m of header.matchAll(/^#define\s+PMEM2_E_(\w+)\s+\((-?\d+)\)/gm)) {
      fromHeader.set(m[1] as string, Number(m[2]));
    }
    expect(fromHeader.size).toBeGreaterThanOrEqual(37);
    expect(new Map(Object.entries(PMEM2_E))).toEqual(fromHeader);
  });

  it('spans -100000 to -100037 with -100002 absent', () => {
    const values = Object.values(PMEM2_E).sort((a, b) => b - a);
    expect(values[0]).toBe(-100000);
    expect(values.at(-1)).toBe(-100037);
    expect(values).not.toContain(-100002);
    expect(new Set(values).size).toBe(values.length);
    expect(values).toHaveLength(37);
  });

  it('pmem2CodeName maps values to names and rejects non-codes', () => {
    expect(pmem2CodeName(-100006)).toBe('PMEM2_E_MAP_RANGE');
    expect(pmem2CodeName(-100002)).toBeUndefined();
    expect(pmem2CodeName(-13)).toBeUndefined();
  });
});
