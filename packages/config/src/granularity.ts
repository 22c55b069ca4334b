// granularity.ts -- enum pmem2_granularity

/**
 * The store granularities of libpmem2's `enum pmem2_granularity`, with the same values.
 *
 * @remarks
 * A granularity is the smallest unit a store must be flushed in to become persistent:
 * `BYTE` (eADR platforms, or private mappings), `CACHE_LINE` (DAX with MAP_SYNC: flush CPU
 * caches) or `PAGE` (page cache: msync). {@link Config.setRequiredStoreGranularity} takes the
 * *largest* granularity the application can handle; mapping fails with
 * `PMEM2_E_GRANULARITY_NOT_SUPPORTED` when the platform can only offer a larger one.
 *
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
 * ```
 * @see libpmem2: pmem2_config_set_required_store_granularity(3)
 */
export const Granularity = {
  /** PMEM2_GRANULARITY_BYTE: stores are persistent once they leave the CPU (eADR). */
  BYTE: 0,
  /** PMEM2_GRANULARITY_CACHE_LINE: stores need a cache flush (CLWB/CLFLUSHOPT) and a fence. */
  CACHE_LINE: 1,
  /** PMEM2_GRANULARITY_PAGE: stores need msync of the page (page cache). */
  PAGE: 2,
} as const;

/**
 * One value of {@link Granularity} (0, 1 or 2), as `enum pmem2_granularity`.
 *
 * @example
 * ```ts
 * import { Granularity } from '@pmem2/config';
 * const required: Granularity = Granularity.CACHE_LINE;
 * ```
 * @see libpmem2: pmem2_config_set_required_store_granularity(3)
 */
export type Granularity = (typeof Granularity)[keyof typeof Granularity];
