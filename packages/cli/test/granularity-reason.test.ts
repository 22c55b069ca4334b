// granularity-reason.test.ts -- the environment table (get_min_granularity's order is tested
// where it lives: @pmem2/native's granularity.test.ts and @pmem2/map's explainGranularity)

import { describe, expect, it } from 'vitest';
import { environmentOverrides } from '../src/index.js';

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

  it('environmentOverrides-forceValue-judgedByTheParserMapNewUses', () => {
    // C's toupper (the C locale) leaves a dotless i alone, where toUpperCase() makes CACHELINE
    expect(environmentOverrides({ PMEM2_FORCE_GRANULARITY: 'cachelıne' })[0]?.effective).toBe(
      false,
    );
    expect(environmentOverrides({ PMEM2_FORCE_GRANULARITY: 'Page' })[0]?.effect).toMatch(
      /granularity PAGE/,
    );
  });
});
