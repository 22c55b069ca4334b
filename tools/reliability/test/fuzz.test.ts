// fuzz.test.ts -- fast-check over mapNew's input space and the mem functions' arguments, in
// children: >= 10,000 cases per run; replay with PMEM2_FUZZ_SEED=<seed printed on failure>

import { describe, expect, it } from 'vitest';
import { answerOf, runChild, soak, tempDir } from './helpers.js';

const dir = tempDir('fuzz');

interface FuzzAnswer {
  property: string;
  seed: number;
  runs: number;
  failed: boolean;
  counterexample: string | null;
  error: string | null;
  codes: Record<string, number>;
  leak: {
    fileLines: string[];
    newBig: string[];
    fdsAdded: string[];
    fdsRemoved: string[];
    registry: number;
  };
}

describe.each([
  ['map', soak ? 40_000 : 4_000],
  ['mem', soak ? 60_000 : 6_000],
])('fast-check property %s', (property, runs) => {
  it(`${runs} cases: no crash, only Pmem2Error, no leaked mapping`, () => {
    const answer = answerOf<FuzzAnswer>(
      runChild('fuzz.mjs', [property, String(runs), dir], {
        execArgv: ['--expose-gc'],
        timeout: soak ? 1_800_000 : 170_000,
      }),
    );
    expect(
      { failed: answer.failed, counterexample: answer.counterexample, error: answer.error },
      `replay with PMEM2_FUZZ_SEED=${answer.seed}`,
    ).toEqual({ failed: false, counterexample: null, error: null });
    expect(answer.runs).toBe(runs);
    expect(answer.leak).toMatchObject({
      fileLines: [],
      newBig: [],
      fdsAdded: [],
      fdsRemoved: [],
      registry: 0,
    });
    if (property === 'map') expect(answer.codes.mapped).toBeGreaterThan(runs / 100);
    else expect(answer.codes.PMEM2_E_MAP_RANGE).toBeGreaterThan(0);
  });
});
