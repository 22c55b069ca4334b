// granularity-reason.test.ts -- libpmem2's get_min_granularity order, and the environment table

import { Granularity, Sharing } from '@pmem2/config';
import { describe, expect, it } from 'vitest';
import { environmentOverrides, explainGranularity, type GranularityFacts } from '../src/index.js';

const dax: GranularityFacts = {
  anonymous: false,
  sharing: Sharing.SHARED,
  forced: undefined,
  mapSync: true,
  eADR: false,
};

describe('explainGranularity', () => {
  it.each([
    [
      'anonymous beats everything',
      { ...dax, anonymous: true, forced: Granularity.PAGE },
      Granularity.BYTE,
      /anonymous/,
    ],
    [
      'private beats the override',
      { ...dax, sharing: Sharing.PRIVATE, forced: Granularity.PAGE },
      Granularity.BYTE,
      /private/,
    ],
    [
      'override beats detection',
      { ...dax, mapSync: false, forced: Granularity.CACHE_LINE },
      Granularity.CACHE_LINE,
      /overrides detection \(detected: PAGE\)/,
    ],
    [
      'no MAP_SYNC',
      { ...dax, mapSync: false, eADR: true },
      Granularity.PAGE,
      /MAP_SYNC was refused/,
    ],
    ['MAP_SYNC without eADR', dax, Granularity.CACHE_LINE, /no eADR/],
    ['MAP_SYNC with eADR', { ...dax, eADR: true }, Granularity.BYTE, /eADR/],
  ] as const)('explainGranularity-%s', (_name, facts, granularity, reason) => {
    const decision = explainGranularity(facts);
    expect(decision.granularity).toBe(granularity);
    expect(decision.reason).toMatch(reason);
  });
});

describe('environmentOverrides', () => {
  it('environmentOverrides-libpmem2Parsing-effectiveOnlyForValuesItAccepts', () => {
    const found = environmentOverrides({
      PMEM2_FORCE_GRANULARITY: 'CacheLine',
      PMEM_NO_CLWB: 'yes',
      PMEM_NO_MOVNT: '1',
      PMEM_MOVNT_THRESHOLD: '-5',
      PMEM_AVX512F: '0',
      PMEM_MOVDIR64B: '0',
      UNRELATED: '1',
    });
    expect(found.map((v) => [v.name, v.effective])).toEqual([
      ['PMEM2_FORCE_GRANULARITY', true],
      ['PMEM_NO_CLWB', false],
      ['PMEM_NO_MOVNT', true],
      ['PMEM_MOVNT_THRESHOLD', false],
      ['PMEM_AVX512F', true],
      ['PMEM_MOVDIR64B', false],
    ]);
    expect(found[0]?.effect).toMatch(/granularity CACHE_LINE/);
  });

  it('environmentOverrides-tooLongForceValue-ignored', () => {
    expect(environmentOverrides({ PMEM2_FORCE_GRANULARITY: 'CACHE_LINES' })[0]?.effective).toBe(
      false,
    );
  });
});
