// granularity.ts -- effective store granularity of a new mapping (map.c: get_min_granularity)

import { Granularity, Sharing } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';

/** The longest value `parse_force_granularity` copies: strlen("CACHE_LINE"). */
const FORCE_GRANULARITY_MAX_LENGTH = 10;

const FORCED: Readonly<Record<string, Granularity>> = {
  BYTE: Granularity.BYTE,
  CACHE_LINE: Granularity.CACHE_LINE,
  CACHELINE: Granularity.CACHE_LINE,
  PAGE: Granularity.PAGE,
};

/**
 * Reads `PMEM2_FORCE_GRANULARITY` as libpmem2's `parse_force_granularity` does: on every call,
 * case-insensitively `BYTE`, `CACHE_LINE`, `CACHELINE` or `PAGE`; a value longer than 10
 * characters or unknown is ignored (`undefined`).
 *
 * @param value - the variable's value; by default read from `process.env` now.
 * @returns the forced granularity, or `undefined` when unset or invalid.
 * @see libpmem2: libpmem2(7), section ENVIRONMENT (PMEM2_FORCE_GRANULARITY)
 */
export function forcedGranularity(
  value: string | undefined = process.env.PMEM2_FORCE_GRANULARITY,
): Granularity | undefined {
  if (value === undefined || value.length > FORCE_GRANULARITY_MAX_LENGTH) return undefined;
  return Object.hasOwn(FORCED, value.toUpperCase()) ? FORCED[value.toUpperCase()] : undefined;
}

/**
 * What the new mapping offers, as libpmem2 derives it after mmap.
 *
 * @see libpmem2: pmem2_map_get_store_granularity(3)
 */
export interface GranularityFacts {
  /** The source is anonymous memory (always BYTE). */
  readonly anonymous: boolean;
  /**
   * Whether the platform flushes CPU caches on power failure (`pmem2_auto_flush() == 1`).
   * Asked only when its answer decides the granularity (a shared MAP_SYNC mapping, nothing
   * forced): the sysfs scan behind it costs tens of microseconds, and libpmem2 runs it on
   * every map_new even when the answer cannot matter.
   */
  readonly eADR: () => boolean;
  /** mmap took MAP_SYNC (the file is on DAX). */
  readonly mapSync: boolean;
  readonly sharing: Sharing;
}

/**
 * The smallest granularity the mapping offers: anonymous → BYTE; private → BYTE (even over
 * `PMEM2_FORCE_GRANULARITY`); then the forced value; no MAP_SYNC → PAGE; no eADR →
 * CACHE_LINE; else BYTE.
 */
function availableGranularity(facts: GranularityFacts): Granularity {
  if (facts.anonymous) return Granularity.BYTE;
  const forced = forcedGranularity();
  if (facts.sharing === Sharing.PRIVATE) return Granularity.BYTE;
  if (forced !== undefined) return forced;
  if (!facts.mapSync) return Granularity.PAGE;
  if (!facts.eADR()) return Granularity.CACHE_LINE;
  return Granularity.BYTE;
}

const NO_EADR = "requested granularity not available because the platform doesn't support eADR";
const NO_MAP_SYNC =
  "requested granularity not available because fd doesn't point to DAX-enabled file or kernel doesn't support MAP_SYNC flag (Linux >= 4.15)";

/**
 * libpmem2's `granularity_err_msg[requested][available]` (Linux) for the cells that can occur
 * (available coarser than requested).
 */
function granularityErrorText(requested: Granularity, available: Granularity): string {
  return requested === Granularity.BYTE && available === Granularity.CACHE_LINE
    ? NO_EADR
    : NO_MAP_SYNC;
}

/** The name of a granularity value, for messages. */
function granularityName(granularity: Granularity): string {
  return ['BYTE', 'CACHE_LINE', 'PAGE'][granularity] ?? String(granularity);
}

/**
 * The granularity check of pmem2_map_new: returns the available granularity, or throws
 * `PMEM2_E_GRANULARITY_NOT_SUPPORTED` with libpmem2's text when it is coarser than
 * `requested` (a maximum).
 *
 * @remarks
 * The available granularity is: anonymous → BYTE; private → BYTE (even over the forced
 * value); `PMEM2_FORCE_GRANULARITY`; no MAP_SYNC → PAGE; no eADR → CACHE_LINE; else BYTE
 * (`get_min_granularity`). The texts are `granularity_err_msg[requested][available]`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_GRANULARITY_NOT_SUPPORTED` when available > requested.
 * @see libpmem2: pmem2_map_new(3), pmem2_config_set_required_store_granularity(3)
 */
export function effectiveGranularity(requested: Granularity, facts: GranularityFacts): Granularity {
  const available = availableGranularity(facts);
  if (available > requested) {
    const text = granularityErrorText(requested, available);
    throw new Pmem2Error(
      PMEM2_E.GRANULARITY_NOT_SUPPORTED,
      `the mapping offers ${granularityName(available)} granularity, coarser than the ` +
        `required ${granularityName(requested)}: ${text}; require ` +
        `Granularity.${granularityName(available)} or larger and persist accordingly`,
      { libpmem2Message: text },
    );
  }
  return available;
}
