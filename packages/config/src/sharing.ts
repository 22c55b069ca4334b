// sharing.ts -- enum pmem2_sharing_type

/**
 * The sharing modes of libpmem2's `enum pmem2_sharing_type`, with the same values.
 *
 * @remarks
 * `SHARED` (the default) maps the source with MAP_SHARED, so stores reach the file.
 * `PRIVATE` maps it copy-on-write with MAP_PRIVATE: stores stay in this process and are
 * never written back, so such a mapping always offers `Granularity.BYTE`.
 *
 * @example
 * ```ts
 * import { Config, Sharing } from '@pmem2/config';
 * const cfg = new Config().setSharing(Sharing.PRIVATE);
 * ```
 * @see libpmem2: pmem2_config_set_sharing(3)
 */
export const Sharing = {
  /** PMEM2_SHARED: MAP_SHARED, stores are visible to other mappings and reach the file. */
  SHARED: 0,
  /** PMEM2_PRIVATE: MAP_PRIVATE, copy-on-write; stores never reach the file. */
  PRIVATE: 1,
} as const;

/**
 * One value of {@link Sharing} (0 or 1), as `enum pmem2_sharing_type`.
 *
 * @example
 * ```ts
 * import { Sharing } from '@pmem2/config';
 * const sharing: Sharing = Sharing.PRIVATE;
 * ```
 * @see libpmem2: pmem2_config_set_sharing(3)
 */
export type Sharing = (typeof Sharing)[keyof typeof Sharing];
