// granularity.ts -- a mapping's store granularity as @pmem2/native decided it (map.c:
// get_min_granularity), rendered: why, what detection alone gives, libpmem2's refusal texts

import { Granularity } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import {
  binding,
  GRANULARITY_REASONS,
  type GranularityReason,
  MapNewSlot,
  newMapNewResult,
} from '@pmem2/native';
import { autoFlush } from '@pmem2/source';
import { mapStateOf } from './map-base.js';
import type { Pmem2Map } from './pmem2-map.js';

export type { GranularityReason } from '@pmem2/native';

/**
 * Reads a `PMEM2_FORCE_GRANULARITY` value with libpmem2's `parse_force_granularity` (the one
 * parser, in @pmem2/native, that `mapNew` uses): `BYTE`, `CACHE_LINE`, `CACHELINE` or `PAGE`
 * in any ASCII case, at most 10 bytes; anything else is ignored.
 *
 * @remarks
 * Without an argument it reads `process.env.PMEM2_FORCE_GRANULARITY` now, as the next
 * {@link mapNew} will (libpmem2 reads the variable on every map; mapNew passes `process.env`'s
 * value to native, not C's `getenv`, so an assignment counts on every runtime, Bun included,
 * and in a worker thread its own `process.env` counts).
 *
 * @param value - a value to parse; omitted: `process.env`'s, now.
 * @returns the forced granularity, or `undefined` when unset or ignored.
 * @example
 * ```ts
 * import { Granularity } from '@pmem2/config';
 * import { forcedGranularity } from '@pmem2/map';
 * forcedGranularity('CacheLine') === Granularity.CACHE_LINE; // true
 * forcedGranularity('cache-line'); // undefined
 * ```
 * @see libpmem2: libpmem2(7), section ENVIRONMENT (PMEM2_FORCE_GRANULARITY)
 */
export function forcedGranularity(
  value: string | undefined = process.env.PMEM2_FORCE_GRANULARITY,
): Granularity | undefined {
  if (value === undefined) return undefined;
  const forced = binding.forceGranularity(value);
  return forced === -1 ? undefined : forced;
}

/** What libpmem2's granularity rule decides on, for a what-if question (no mapping is made). */
export interface GranularityFacts {
  readonly anonymous: boolean;
  readonly privateMapping: boolean;
  /** The forced granularity, or `undefined` for none. */
  readonly forced: Granularity | undefined;
  /** mmap took MAP_SYNC (the file is on DAX). */
  readonly mapSync: boolean;
  /** `pmem2_auto_flush() == 1`; asked only when its answer decides. */
  readonly eADR: () => boolean;
}

/** A granularity and the rule that chose it. */
export interface GranularityDecision {
  readonly granularity: Granularity;
  readonly reason: GranularityReason;
}

const decision = newMapNewResult();

/**
 * Native's granularity rule (the one `mapNew` applies) for facts, without mapping anything.
 *
 * @throws whatever `facts.eADR` throws.
 * @see libpmem2: pmem2_map_get_store_granularity(3)
 */
export function decideGranularity(facts: GranularityFacts): GranularityDecision {
  binding.granularityDecide(
    facts.anonymous,
    facts.privateMapping,
    facts.forced ?? -1,
    facts.mapSync,
    facts.eADR,
    decision,
  );
  return {
    granularity: decision[MapNewSlot.granularity] as Granularity,
    reason: GRANULARITY_REASONS[decision[MapNewSlot.reason] as number] as GranularityReason,
  };
}

/** Upper-case names of the granularities, indexed by value, as libpmem2's enum spells them. */
const NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'] as const;

const NO_EADR = "requested granularity not available because the platform doesn't support eADR";
const NO_MAP_SYNC =
  "requested granularity not available because fd doesn't point to DAX-enabled file or kernel doesn't support MAP_SYNC flag (Linux >= 4.15)";

/**
 * The error of pmem2_map_new's granularity check (native refused `available` as coarser than
 * `requested`), with libpmem2's `granularity_err_msg[requested][available]` text (Linux).
 *
 * @returns `PMEM2_E_GRANULARITY_NOT_SUPPORTED` (not thrown).
 * @see libpmem2: pmem2_map_new(3), pmem2_config_set_required_store_granularity(3)
 */
export function granularityError(requested: Granularity, available: Granularity): Pmem2Error {
  const text =
    requested === Granularity.BYTE && available === Granularity.CACHE_LINE ? NO_EADR : NO_MAP_SYNC;
  return new Pmem2Error(
    PMEM2_E.GRANULARITY_NOT_SUPPORTED,
    `the mapping offers ${NAMES[available]} granularity, coarser than the required ` +
      `${NAMES[requested]}: ${text}; require Granularity.${NAMES[available]} or larger and ` +
      'persist accordingly',
    { libpmem2Message: text },
  );
}

/** Why a mapping has its store granularity: what {@link explainGranularity} returns. */
export interface GranularityExplanation {
  /** `map.storeGranularity`. */
  readonly granularity: Granularity;
  /** The rule that decided it. */
  readonly reason: GranularityReason;
  /** mmap took MAP_SYNC (the file is on a DAX file system, or is device DAX). */
  readonly mapSync: boolean;
  /** What detection alone gives, without `PMEM2_FORCE_GRANULARITY` (differs only when forced). */
  readonly detected: Granularity;
  /** One sentence: the rule and what it means for persist. */
  readonly text: string;
}

const TEXTS: Readonly<Record<Exclude<GranularityReason, 'forced'>, string>> = {
  anonymous: 'anonymous memory has nothing to persist',
  private: 'a private (copy-on-write) mapping never writes back to the file',
  'no-map-sync':
    'MAP_SYNC was refused (the file is not on a DAX file system, or the kernel is older than 4.15): persist runs msync on the pages',
  'no-eadr': 'MAP_SYNC taken, no eADR: persist flushes the CPU cache lines (then a fence)',
  eadr: 'MAP_SYNC taken and eADR: CPU caches are in the persistence domain, a fence is enough',
};

/**
 * Explains the store granularity of a mapping: the rule of libpmem2's `get_min_granularity`
 * that @pmem2/native applied when it was mapped (anonymous → BYTE; private → BYTE, even over
 * the force; `PMEM2_FORCE_GRANULARITY`; no MAP_SYNC → PAGE; no eADR → CACHE_LINE; else BYTE),
 * and what detection alone would give.
 *
 * @remarks
 * Native decides the granularity once, inside the mapNew call; this only renders it. For a
 * forced mapping, `detected` asks native's rule again without the force, scanning eADR when
 * it decides (MAP_SYNC taken).
 *
 * @param map - a live mapping.
 * @returns the granularity, the rule, MAP_SYNC, the detected granularity and a sentence.
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after `map.delete()`.
 * @throws TypeError when `map` is not a mapping made by {@link mapNew}.
 * @example
 * ```ts
 * import { unlinkSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { explainGranularity, mapNew } from '@pmem2/map';
 * const path = join(tmpdir(), `pmem2-explain-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * const src = Source.fromPath(path);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * try {
 *   explainGranularity(map).reason; // 'no-map-sync' off DAX (unless PMEM2_FORCE_GRANULARITY is set)
 * } finally {
 *   map.delete();
 *   src.delete();
 *   unlinkSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_map_get_store_granularity(3), libpmem2(7)
 */
export function explainGranularity(map: Pmem2Map): GranularityExplanation {
  const state = mapStateOf(map);
  state.assertLive('explainGranularity');
  const { granularity, granularityReason: reason, mapSync } = state;
  if (reason !== 'forced') {
    return { granularity, reason, mapSync, detected: granularity, text: TEXTS[reason] };
  }
  const detected = decideGranularity({
    anonymous: false,
    privateMapping: false,
    forced: undefined,
    mapSync,
    eADR: () => autoFlush({ sysfsRoot: state.source.sysfsRoot }) === 1,
  }).granularity;
  const text = `PMEM2_FORCE_GRANULARITY=${NAMES[granularity]} overrides detection (detected: ${NAMES[detected]})`;
  return { granularity, reason, mapSync, detected, text };
}
