// granularity-reason.ts -- why a mapping got its store granularity (map.c: get_min_granularity)

import { Granularity, Sharing } from '@pmem2/config';

/** The facts libpmem2's `get_min_granularity` decides on. */
export interface GranularityFacts {
  /** The source is anonymous memory. */
  readonly anonymous: boolean;
  /** How the source is mapped. */
  readonly sharing: Sharing;
  /** The valid value of `PMEM2_FORCE_GRANULARITY` in force, if any. */
  readonly forced: Granularity | undefined;
  /** mmap accepted `MAP_SHARED_VALIDATE | MAP_SYNC` (the file is on a DAX file system). */
  readonly mapSync: boolean;
  /** `pmem2_auto_flush()` is 1: every NVDIMM region's persistence domain is the CPU cache. */
  readonly eADR: boolean;
}

/** A store granularity and the rule of `get_min_granularity` that chose it. */
export interface GranularityDecision {
  readonly granularity: Granularity;
  /** One sentence: which rule applied and what it means for persist. */
  readonly reason: string;
}

/** Upper-case names of the granularities, indexed by value, as libpmem2's enum spells them. */
export const GRANULARITY_NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'] as const;

/**
 * Applies libpmem2's granularity rules, in its order, and says which one decided.
 *
 * @remarks
 * Anonymous → BYTE; private → BYTE (even over `PMEM2_FORCE_GRANULARITY`: private pages never
 * reach the media); a valid `PMEM2_FORCE_GRANULARITY`; no MAP_SYNC → PAGE (persist is
 * `msync`); no eADR → CACHE_LINE (persist flushes CPU cache lines); else BYTE (a fence is
 * enough).
 *
 * @param facts - what the mapping and the platform offer.
 * @returns the effective granularity and the reason.
 * @example
 * ```ts
 * import { Granularity, Sharing } from '@pmem2/config';
 * import { explainGranularity } from '@pmem2/cli';
 * const d = explainGranularity({ anonymous: false, sharing: Sharing.SHARED,
 *   forced: undefined, mapSync: false, eADR: false });
 * d.granularity === Granularity.PAGE; // true
 * ```
 * @see libpmem2: pmem2_map_get_store_granularity(3), libpmem2(7)
 */
export function explainGranularity(facts: GranularityFacts): GranularityDecision {
  if (facts.anonymous) {
    return { granularity: Granularity.BYTE, reason: 'anonymous memory has nothing to persist' };
  }
  if (facts.sharing === Sharing.PRIVATE) {
    return {
      granularity: Granularity.BYTE,
      reason: 'a private (copy-on-write) mapping never writes back to the file',
    };
  }
  if (facts.forced !== undefined) {
    return {
      granularity: facts.forced,
      reason: `PMEM2_FORCE_GRANULARITY=${process.env.PMEM2_FORCE_GRANULARITY ?? GRANULARITY_NAMES[facts.forced]} overrides detection (detected: ${GRANULARITY_NAMES[explainGranularity({ ...facts, forced: undefined }).granularity]})`,
    };
  }
  if (!facts.mapSync) {
    return {
      granularity: Granularity.PAGE,
      reason:
        'MAP_SYNC was refused (the file is not on a DAX file system, or the kernel is older than 4.15): persist runs msync on the pages',
    };
  }
  if (!facts.eADR) {
    return {
      granularity: Granularity.CACHE_LINE,
      reason: 'MAP_SYNC taken, no eADR: persist flushes the CPU cache lines (then a fence)',
    };
  }
  return {
    granularity: Granularity.BYTE,
    reason: 'MAP_SYNC taken and eADR: CPU caches are in the persistence domain, a fence is enough',
  };
}
