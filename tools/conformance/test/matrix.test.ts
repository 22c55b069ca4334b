// matrix.test.ts -- the declarative case matrix through libpmem2 and @pmem2/*, compared field by field

import { describe, expect, it } from 'vitest';
import { type ConformanceCase, PROT } from '../src/case.js';
import { CASE_GROUPS, caseRunsHere, matrixCases } from '../src/case-table.js';
import { diffOutcomes, formatDiffTable } from '../src/compare.js';
import { runConformance } from '../src/conformance.js';
import { deviationFor } from '../src/deviations.js';
import { Fixtures } from '../src/fixtures.js';
import { requireOracle } from '../src/oracle.js';
import { formatDeviations } from '../src/report.js';
import { runProbe } from '../src/run-probe.js';
import { runTs } from '../src/run-ts.js';

describe('case table', () => {
  it('has at least 300 cases with unique ids, and every topic has cases', () => {
    const cases = matrixCases();
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const group of CASE_GROUPS) expect(group.cases.length, group.name).toBeGreaterThan(0);
  });
});

const oracle = requireOracle('conformance matrix against libpmem2');

describe.runIf(oracle.binary)('conformance matrix', () => {
  it('every case answers the same through @pmem2/* as through libpmem2', () => {
    const all = matrixCases();
    const cases = all.filter(caseRunsHere);
    if (cases.length < all.length) {
      const missing = all.filter((c) => !caseRunsHere(c)).map((c) => c.id);
      console.warn(
        `SKIPPED: ${missing.length} matrix cases — their file is missing here: ${missing.join(', ')}`,
      );
    }
    const result = runConformance(oracle.binary ?? '', cases);
    console.info(`conformance matrix: ${cases.length} cases\n${formatDeviations(result)}`);
    expect(result.differing.length, formatDiffTable(result.differing, cases.length)).toBe(0);
  });
});

/** Shared write-only (WRITE, or WRITE|EXEC) mappings of read-write files in the matrix. */
function writeOnlyFileCases(): ConformanceCase[] {
  return matrixCases().filter(
    (c) =>
      c.source.kind === 'file' &&
      c.source.open === 'rdwr' &&
      c.sharing === 0 &&
      c.protection !== undefined &&
      (c.protection & PROT.WRITE) !== 0 &&
      (c.protection & PROT.READ) === 0 &&
      caseRunsHere(c),
  );
}

describe.runIf(oracle.binary)('write-only mappings (no deviation)', () => {
  it('store the pattern through to the file in C and in @pmem2, also at forced CACHE_LINE', () => {
    const matrix = writeOnlyFileCases();
    expect(matrix.length).toBeGreaterThanOrEqual(4); // ext4 and tmpfs, WRITE and WRITE|EXEC
    const cases = [
      ...matrix,
      ...matrix.map((c) => ({
        ...c,
        id: `${c.id}/force=cache_line`,
        granularity: 1,
        forceGranularity: 'cache_line',
      })),
    ];
    const fixtures = new Fixtures();
    try {
      const inC = runProbe(oracle.binary ?? '', cases, fixtures);
      for (const [i, c] of cases.entries()) {
        expect(deviationFor(c), c.id).toBeUndefined();
        const path = fixtures.prepare(c, 'ts');
        const ts = (() => {
          try {
            return runTs(c, path);
          } finally {
            fixtures.release(c, path);
          }
        })();
        const cOut = inC[i];
        if (ts.map?.ret !== 0) continue; // EXEC on a noexec mount: both sides refuse (matrix)
        expect({ id: c.id, c: cOut?.fileSees, ts: ts.fileSees }).toEqual({
          id: c.id,
          c: true,
          ts: true,
        });
        expect(ts.writeError, c.id).toBeUndefined();
        expect(cOut && diffOutcomes(cOut, ts), c.id).toEqual([]);
      }
    } finally {
      fixtures.dispose();
    }
  });
});
