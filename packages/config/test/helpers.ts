// helpers.ts -- what the config tests share: every field of a config, to compare before and
// after a failed setter

import type { Config } from '../src/index.js';

/** Every field of a config, to check that a failed setter changed nothing. */
export function snapshot(cfg: Config): unknown[] {
  return [
    cfg.requiredStoreGranularity,
    cfg.offset,
    cfg.length,
    cfg.protection,
    cfg.sharing,
    cfg.vmReservation,
    cfg.vmReservationOffset,
  ];
}
