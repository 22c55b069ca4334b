// share-types.ts -- the contract of one mapping shared by several realms (worker threads):
// share tokens, the open result's layout, and the binding functions behind them

import type { MapHandle, Status } from './types.js';

/** How many bytes a share token has: process key, range id, token id, secret (four u64). */
export const SHARE_TOKEN_BYTES = 32;

/**
 * The slots of a {@link SharedMapResult}, filled by `binding.mapOpenShared`.
 *
 * @remarks
 * `address` (a double, exact below 2^53), `size`, `protection` (PMEM2_PROT_* bits),
 * `mapSync` (1 when MAP_SYNC took), `granularity` and `persistKind` (an index into
 * `PERSIST_KINDS`) describe the view, read from the native record of the shared range;
 * `refusal` is an index into {@link SHARE_REFUSALS} (0 when the token opened).
 *
 * @example
 * ```ts
 * import { binding, newSharedMapResult, SharedMapSlot } from '@pmem2/native';
 * const result = newSharedMapResult();
 * const status = binding.mapOpenShared(new Uint8Array(32), result); // not a token
 * result[SharedMapSlot.refusal]; // 1: 'foreign'
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export const SharedMapSlot = {
  address: 0,
  size: 1,
  protection: 2,
  mapSync: 3,
  granularity: 4,
  persistKind: 5,
  refusal: 6,
} as const;

/** What `binding.mapOpenShared` writes into: a Float64Array of 7 ({@link SharedMapSlot}). */
export type SharedMapResult = Float64Array;

/**
 * A fresh {@link SharedMapResult}.
 *
 * @returns a zeroed Float64Array of 7 elements.
 * @example
 * ```ts
 * import { newSharedMapResult } from '@pmem2/native';
 * newSharedMapResult().length; // 7
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export function newSharedMapResult(): SharedMapResult {
  return new Float64Array(7);
}

/**
 * Why a token did not open: `'opened'` (it did), `'foreign'` (made in another process, or
 * not a token), `'forged'` (this process's key but no such token), `'spent'` (opened
 * already), `'gone'` (every realm deleted the mapping: opened or not, the token is void).
 */
export type ShareRefusal = 'opened' | 'foreign' | 'forged' | 'spent' | 'gone';

/**
 * The {@link ShareRefusal} of each `refusal` code, in code order.
 *
 * @example
 * ```ts
 * import { SHARE_REFUSALS } from '@pmem2/native';
 * SHARE_REFUSALS[3]; // 'spent'
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export const SHARE_REFUSALS: readonly ShareRefusal[] = [
  'opened',
  'foreign',
  'forged',
  'spent',
  'gone',
];

/** The binding functions of shared mappings (part of `NativeBinding`). */
export interface ShareBinding {
  /**
   * Writes a new single-use token for another view of the mapping into `token` (a Uint8Array
   * of {@link SHARE_TOKEN_BYTES}); the first call turns the record into the first view of a
   * shared range. 0, PMEM2_E_MAPPING_NOT_FOUND (deleted), PMEM2_E_NOSUPP (inside a
   * reservation), -ENOMEM. A token holds no reference: it opens only while some realm holds
   * the mapping.
   */
  mapShare(map: MapHandle, token: Uint8Array): Status;
  /**
   * Opens a token once: a new handle of this realm over the same memory, or a status with
   * `result[SharedMapSlot.refusal]` saying why (-EINVAL: foreign or forged;
   * PMEM2_E_MAPPING_NOT_FOUND: spent or gone). The range is unmapped when the last view
   * is deleted or freed (its realm exited); delete of one view detaches only its buffer.
   */
  mapOpenShared(token: Uint8Array, result: SharedMapResult): MapHandle | Status;
  /** How many views hold the mapping's range (1 when never shared; 0 once deleted here). */
  mapSharers(map: MapHandle): number;
}
