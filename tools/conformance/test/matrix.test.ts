// matrix.test.ts -- the declarative case matrix through libpmem2 and @pmem2/*, compared field by field

import { describe, expect, it } from 'vitest';
import { CASE_GROUPS, caseRunsHere, matrixCases } from '../src/case-table.js';
import { formatDiffTable } from '../src/compare.js';
import { runConformance } from '../src/conformance.js';
import { requireOracle } from '../src/oracle.js';
import { formatDeviations } from '../src/report.js';

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
