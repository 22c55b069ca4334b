// mem-ops.ts -- a mapping's memory access: its buffer, copying reads and the mem functions

import { Protection, toSize } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { checkRange } from './check-range.js';
import { formatPointer } from './format.js';
import { type MapState, READ_WRITE } from './map-state.js';
import { checkMemFlags } from './mem-flags.js';
import { nativeError, unwrapResult } from './native-call.js';

/**
 * The mapping's one zero-copy `ArrayBuffer`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.buffer`.
 * @see libpmem2: pmem2_map_get_address(3)
 */
export function mapBuffer(state: MapState): ArrayBuffer {
  state.assertLive('buffer');
  if ((state.protection & READ_WRITE) >>> 0 !== READ_WRITE) {
    throw new Pmem2Error(
      PMEM2_E.NO_ACCESS,
      `the mapping at ${formatPointer(state.address)} is not readable and writable ` +
        `(protection 0x${state.protection.toString(16)}), so it has no buffer: a store ` +
        'through it would crash the process; use map.read(offset, length) to copy bytes out',
    );
  }
  return unwrapResult(binding.mapBuffer(state.handle), () =>
    state.context('creating the buffer of', 'mmap'),
  );
}

/**
 * Copies `length` bytes (or the target's byte length) out of the mapping at `offset`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.read`.
 * @see libpmem2: pmem2_source_pread_mcsafe(3) (the same guard, on a mapping)
 */
export function readFrom(
  state: MapState,
  offset: number | bigint,
  lengthOrTarget: number | bigint | ArrayBufferView,
): ArrayBufferView {
  state.assertLive('read');
  state.requireProtection(Protection.READ, 'read');
  const length = ArrayBuffer.isView(lengthOrTarget)
    ? lengthOrTarget.byteLength
    : toSize(lengthOrTarget, 'length', PMEM2_E.MAP_RANGE);
  const range = checkRange(offset, length, state.size, 'read');
  const target = ArrayBuffer.isView(lengthOrTarget) ? lengthOrTarget : new Uint8Array(range.length);
  const status = binding.read(state.handle, range.offset, target);
  if (status !== 0) throw nativeError(status, state.context('reading', 'read', range));
  return target;
}

/**
 * pmem2_memcpy_fn: copies all of `source` to `dstOffset`, persistent per the granularity.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.memcpy`.
 * @see libpmem2: pmem2_get_memcpy_fn(3)
 */
export function memcpyInto(
  state: MapState,
  dstOffset: number | bigint,
  source: ArrayBufferView | ArrayBuffer,
  flags: number,
): void {
  state.assertLive('memcpy');
  state.requireProtection(READ_WRITE, 'memcpy');
  checkMemFlags(flags);
  const range = checkRange(dstOffset, source.byteLength, state.size, 'memcpy');
  const status = binding.memcpy(state.handle, range.offset, source, flags);
  if (status !== 0) throw nativeError(status, state.context('memcpy into', 'msync', range));
}

/**
 * pmem2_memmove_fn inside the mapping (the ranges may overlap).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.memmove`.
 * @see libpmem2: pmem2_get_memmove_fn(3)
 */
export function memmoveIn(
  state: MapState,
  dstOffset: number | bigint,
  srcOffset: number | bigint,
  length: number | bigint,
  flags: number,
): void {
  state.assertLive('memmove');
  state.requireProtection(READ_WRITE, 'memmove');
  checkMemFlags(flags);
  const source = checkRange(srcOffset, length, state.size, 'memmove source');
  const target = checkRange(dstOffset, length, state.size, 'memmove destination');
  const status = binding.memmove(state.handle, target.offset, source.offset, target.length, flags);
  if (status !== 0) throw nativeError(status, state.context('memmove in', 'msync', target));
}

/**
 * pmem2_memset_fn: fills `length` bytes at `dstOffset` with the low 8 bits of `value`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.memset`.
 * @see libpmem2: pmem2_get_memset_fn(3)
 */
export function memsetIn(
  state: MapState,
  dstOffset: number | bigint,
  value: number,
  length: number | bigint,
  flags: number,
): void {
  state.assertLive('memset');
  state.requireProtection(READ_WRITE, 'memset');
  checkMemFlags(flags);
  const range = checkRange(dstOffset, length, state.size, 'memset');
  const status = binding.memset(state.handle, range.offset, value & 0xff, range.length, flags);
  if (status !== 0) throw nativeError(status, state.context('memset in', 'msync', range));
}
