// validate-granularity-set.ts -- pmem2_map_new's first check: a required granularity is set

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import type { Config } from './config.js';

/**
 * Checks that the config has a required store granularity, as `pmem2_map_new` does first.
 *
 * @remarks
 * Step 2 of `pmem2_map_new` (`map_posix.c`): a config whose requested granularity is still
 * `PMEM2_GRANULARITY_INVALID` is refused before the source is looked at.
 *
 * @param cfg - the config to check.
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_GRANULARITY_NOT_SET` when
 *   {@link Config.setRequiredStoreGranularity} was never called; `libpmem2Message` is
 *   `"please define the max granularity requested for the mapping"`.
 * @example
 * ```ts
 * import { Config, Granularity, validateGranularitySet } from '@pmem2/config';
 * validateGranularitySet(new Config().setRequiredStoreGranularity(Granularity.PAGE)); // ok
 * validateGranularitySet(new Config()); // throws PMEM2_E_GRANULARITY_NOT_SET
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_config_set_required_store_granularity(3)
 */
export function validateGranularitySet(cfg: Config): void {
  if (cfg.requiredStoreGranularity === undefined) {
    throw new Pmem2Error(
      PMEM2_E.GRANULARITY_NOT_SET,
      'the config has no required store granularity; call ' +
        'setRequiredStoreGranularity() with the largest granularity the application can ' +
        'handle (Granularity.PAGE works everywhere) before mapping',
      { libpmem2Message: 'please define the max granularity requested for the mapping' },
    );
  }
}
