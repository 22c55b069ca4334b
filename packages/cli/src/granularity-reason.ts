// granularity-reason.ts -- how pmem2 names granularities; why a mapping got its granularity is
// @pmem2/map's explainGranularity (native decides it inside mapNew, once)

/**
 * Upper-case names of the granularities, indexed by value, as libpmem2's enum spells them.
 *
 * @example
 * ```ts
 * import { Granularity } from '@pmem2/config';
 * import { GRANULARITY_NAMES } from '@pmem2/cli';
 * GRANULARITY_NAMES[Granularity.CACHE_LINE]; // 'CACHE_LINE'
 * ```
 * @see libpmem2: pmem2_map_get_store_granularity(3)
 */
export const GRANULARITY_NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'] as const;
