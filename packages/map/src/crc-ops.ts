// crc-ops.ts -- the CRC-32 of a range of a mapping (zlib's crc32), computed natively

import { Protection } from '@pmem2/config';
import { ERRNO, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { checkRange, fitsInside } from './check-range.js';
import type { MapState } from './map-state.js';
import { nativeError } from './native-call.js';

// The (offset, length, seed) cell the bound native crc32 reads; null where the runtime
// forbids external buffers (then the range and seed go as arguments).
const ARGS = binding.persistArgs;

const EINVAL = -ERRNO.EINVAL;
const UINT32_MAX = 2 ** 32 - 1;

/** Whether `seed` is what zlib's crc32 takes as its value: an integer in [0, 2^32). */
function isSeed(seed: number): boolean {
  return typeof seed === 'number' && seed >= 0 && seed <= UINT32_MAX && Number.isInteger(seed);
}

/** The native crc32 over a range and seed the caller checked: the CRC, or a status below 0. */
function nativeCrc(state: MapState, offset: number, length: number, seed: number): number {
  if (ARGS === null) return binding.crc32(state.handle, offset, length, seed);
  ARGS[0] = offset;
  ARGS[1] = length;
  ARGS[2] = seed;
  return state.persistOps.crc32();
}

/**
 * The CRC-32 of `[offset, offset + length)` of the mapping continuing from `seed`: exactly
 * `zlib.crc32(bytes, seed)`. The common call (a number range inside the mapping, a valid
 * seed) is one native call, which checks everything again; any refusal, by JavaScript or
 * by native code, is explained by {@link checkedCrc}.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.crc32`.
 * @see libpmem2: pmem2_source_pread_mcsafe(3) (the same guard, on a mapping)
 */
export function crcRange(
  state: MapState,
  offset: number | bigint,
  length: number | bigint,
  seed: number,
): number {
  if (!fitsInside(offset, length, state.size) || !isSeed(seed))
    return checkedCrc(state, offset, length, seed);
  const result = nativeCrc(state, offset as number, length as number, seed);
  return result >= 0 ? result : checkedCrc(state, offset, length, seed, result);
}

/**
 * The checks of a crc32 in order (deleted, protection, range, seed), each with its own
 * message; then the native call's CRC or its error (`refused`: the status the fast path
 * already got, so nothing runs twice).
 */
function checkedCrc(
  state: MapState,
  offset: number | bigint,
  length: number | bigint,
  seed: number,
  refused?: number,
): number {
  state.assertLive('crc32');
  state.requireProtection(Protection.READ, 'crc32');
  const range = checkRange(offset, length, state.size, 'crc32');
  if (!isSeed(seed)) {
    throw new Pmem2Error(
      EINVAL,
      `crc32: the seed ${String(seed)} is not an integer from 0 to ${UINT32_MAX}; pass 0 to ` +
        'start, or the CRC an earlier call returned to continue it',
    );
  }
  const result = refused ?? nativeCrc(state, range.offset, range.length, seed);
  if (result < 0) throw nativeError(result, state.context('crc32 of', 'crc32', range));
  return result;
}
