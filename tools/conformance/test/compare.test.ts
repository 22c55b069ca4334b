// compare.test.ts -- the comparison itself: what it masks, what it must still catch

import { describe, expect, it } from 'vitest';
import type { ConformanceCase, Outcome } from '../src/case.js';
import { diffOutcomes, formatDiffTable, maskPointers, normalizeOutcome } from '../src/compare.js';
import { deviationFor } from '../src/deviations.js';
import { encodeCase } from '../src/probe-protocol.js';

const base: Outcome = {
  id: 'x',
  source: { ret: 0, msg: '' },
  map: { ret: 0, msg: '' },
  size: 4096,
  granularity: 2,
  align: '2M',
};

describe('diffOutcomes', () => {
  it('finds nothing between equal outcomes, and ignores the id', () => {
    expect(diffOutcomes(base, { ...base, id: 'y' })).toEqual([]);
  });

  it('catches a different return code, message, size, granularity or data', () => {
    const ts: Outcome = {
      ...base,
      map: { ret: 0, msg: 'stale' },
      size: 8192,
      granularity: 1,
      head: 'deadbeef',
    };
    expect(diffOutcomes(base, ts).map((d) => d.field)).toEqual([
      'map',
      'size',
      'granularity',
      'head',
    ]);
  });

  it('counts a field present on one side only', () => {
    expect(diffOutcomes({ ...base, readBack: true }, base)).toEqual([
      { field: 'readBack', c: 'true', ts: '(absent)' },
    ]);
  });

  it('masks pointers in messages but not other numbers', () => {
    const c: Outcome = { ...base, map: { ret: -100030, msg: 'Reservation 0x55aa00 has not' } };
    const ts: Outcome = { ...base, map: { ret: -100030, msg: 'Reservation 0x7f0012 has not' } };
    expect(diffOutcomes(c, ts)).toEqual([]);
    expect(maskPointers('offset 4096 at 0xdeadbeef')).toBe('offset 4096 at 0xPTR');
  });

  it('treats a chance 1 GiB alignment below 2 GiB as 2 MiB, but not above', () => {
    expect(normalizeOutcome({ ...base, align: '1G' }).align).toBe('"2M"');
    expect(normalizeOutcome({ ...base, size: 2 ** 31, align: '1G' }).align).toBe('"1G"');
    expect(
      diffOutcomes({ ...base, size: 2 ** 31, align: '1G' }, { ...base, size: 2 ** 31 }),
    ).not.toEqual([]);
  });
});

describe('formatDiffTable', () => {
  it('names the case, its probe input and both values of each differing field', () => {
    const testCase: ConformanceCase = { id: 'demo', source: { kind: 'anon', size: 4096n } };
    const table = formatDiffTable(
      [
        {
          testCase,
          probeLine: encodeCase(testCase, ''),
          diffs: diffOutcomes(base, { ...base, size: 1 }),
        },
      ],
      10,
    );
    expect(table).toContain('1 of 10 cases differ');
    expect(table).toContain('case demo');
    expect(table).toContain('id=demo src=anon anon=4096');
    expect(table).toMatch(/size\s+4096\s+1/);
  });
});

describe('deviations', () => {
  it('keep the probe away from the size_t wrap of a reservation offset', () => {
    const wrapping: ConformanceCase = {
      id: 'w',
      source: { kind: 'anon', size: 8192n },
      granularity: 2,
      reservation: { size: 1n << 25n, offset: 2n ** 64n - 4096n, premaps: [] },
    };
    expect(deviationFor(wrapping)?.undefinedInC?.expectMapRet).toBe(-100030);
    expect(
      deviationFor({ ...wrapping, reservation: { size: 1n << 25n, offset: 0n, premaps: [] } }),
    ).toBeUndefined();
  });

  it('accept nothing on write-only mappings: their stores must match C (memcpy stands in)', () => {
    const c = (protection: number): ConformanceCase => ({
      id: 'p',
      source: { kind: 'anon', size: 4096n },
      protection,
    });
    expect(deviationFor(c(2 ** 31))).toBeUndefined();
    expect(deviationFor(c(2 ** 31 + 2 ** 29))).toBeUndefined();
  });
});
