// random.test.ts -- randomized mode: >= 2,000 fast-check cases per run, replayable by seed

import { describe, expect, it } from 'vitest';
import { sampleCases } from '../src/arbitrary.js';
import { formatDiffTable } from '../src/compare.js';
import { runConformance } from '../src/conformance.js';
import { requireOracle } from '../src/oracle.js';
import { formatDeviations } from '../src/report.js';

const SEED_VARIABLE = 'PMEM2_CONFORMANCE_SEED';
const RUNS_VARIABLE = 'PMEM2_CONFORMANCE_RUNS';

const seed = Number(process.env[SEED_VARIABLE] ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env[RUNS_VARIABLE] ?? 2000);

describe('random case generator', () => {
  it('draws the same cases again from the same seed', () => {
    expect(sampleCases(42, 50)).toEqual(sampleCases(42, 50));
    expect(sampleCases(42, 50)).not.toEqual(sampleCases(43, 50));
  });
});

const oracle = requireOracle('randomized conformance against libpmem2');

describe.runIf(oracle.binary)('randomized conformance', () => {
  it(`${runs} random cases answer the same through @pmem2/* as through libpmem2`, () => {
    const replay = `replay: ${SEED_VARIABLE}=${seed} ${RUNS_VARIABLE}=${runs} pnpm --filter @pmem2/conformance test random`;
    console.info(`randomized conformance: seed ${seed}, ${runs} cases (${replay})`);
    const cases = sampleCases(seed, runs);
    const result = runConformance(oracle.binary ?? '', cases);
    console.info(formatDeviations(result));
    expect(
      result.differing.length,
      `${formatDiffTable(result.differing, cases.length)}\n\n${replay}`,
    ).toBe(0);
  });
});
