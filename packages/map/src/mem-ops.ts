// mem-ops.ts -- a mapping's memory access: its buffer, copying reads and the mem functions

import { types } from 'node:util';
import { describeValue, Protection } from '@pmem2/config';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { checkRange } from './check-range.js';
import { formatPointer } from './format.js';
import { type MapState, READ_WRITE } from './map-state.js';
import { checkMemFlags } from './mem-flags.js';
import { nativeError, unwrapResult } from './native-call.js';

const EINVAL = -ERRNO.EINVAL;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

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
  const isTarget = ArrayBuffer.isView(lengthOrTarget);
  if (!isTarget && typeof lengthOrTarget !== 'number' && typeof lengthOrTarget !== 'bigint') {
    throw new Pmem2Error(
      PMEM2_E.MAP_RANGE,
      `read: the second argument must be a length (a number or bigint) or a target ` +
        `ArrayBufferView, but ${describeValue(lengthOrTarget)} is neither`,
    );
  }
  const length = isTarget ? lengthOrTarget.byteLength : lengthOrTarget;
  const range = checkRange(offset, length, state.size, 'read');
  const target = isTarget ? lengthOrTarget : new Uint8Array(range.length);
  const status = binding.read(state.handle, range.offset, target);
  if (status !== 0) throw nativeError(status, state.context('reading', 'read', range));
  return target;
}

/**
 * pmem2_memcpy_fn: copies all of `source` to `dstOffset`, persistent per the granularity.
 *
 * @remarks
 * Needs WRITE only: a write-only mapping takes the stores (native code then persists them
 * without reading the lines; see `binding_mem.c`).
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
  checkCopySource(source);
  checkMemFlags(flags);
  state.requireProtection(Protection.WRITE, 'memcpy');
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
  checkMemFlags(flags);
  // the source range is read: READ as well as WRITE, whatever the architecture allows
  state.requireProtection(READ_WRITE, 'memmove');
  const source = checkRange(srcOffset, length, state.size, 'memmove source');
  const target = checkRange(dstOffset, length, state.size, 'memmove destination');
  const status = binding.memmove(state.handle, target.offset, source.offset, target.length, flags);
  if (status !== 0) throw nativeError(status, state.context('memmove in', 'msync', target));
}

/**
 * pmem2_memset_fn: fills `length` bytes at `dstOffset` with the low 8 bits of `value`.
 *
 * @remarks
 * `value` is C's `int`: an integer number from -2^31 to 2^31 - 1, of which the low 8 bits
 * are stored, as C's memset converts to `unsigned char` and `Uint8Array.prototype.fill`
 * does (256 stores 0, -1 stores 255). Anything else (a string, a bigint, `NaN`, a fraction,
 * an object) is refused, never converted. Needs WRITE only, as {@link memcpyInto}.
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
  checkMemsetValue(value);
  checkMemFlags(flags);
  state.requireProtection(Protection.WRITE, 'memset');
  const range = checkRange(dstOffset, length, state.size, 'memset');
  const status = binding.memset(state.handle, range.offset, value & 0xff, range.length, flags);
  if (status !== 0) throw nativeError(status, state.context('memset in', 'msync', range));
}

// memcpy's source: an ArrayBufferView or ArrayBuffer, checked without reading a property
// (ArrayBuffer.isView and util.types.isArrayBuffer run no Proxy trap or getter).
function checkCopySource(source: unknown): asserts source is ArrayBufferView | ArrayBuffer {
  if (ArrayBuffer.isView(source) || types.isArrayBuffer(source)) return;
  throw new Pmem2Error(
    EINVAL,
    `memcpy: source must be an ArrayBufferView (Uint8Array, Buffer, DataView, ...) or an ` +
      `ArrayBuffer, but ${describeValue(source)} is not`,
  );
}

// memset's value: C's int, never converted.
function checkMemsetValue(value: unknown): asserts value is number {
  if (Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX) {
    return;
  }
  throw new Pmem2Error(
    EINVAL,
    `memset: value must be an integer number from -2^31 to 2^31-1 (C's int; its low 8 bits ` +
      `are stored), but ${describeValue(value)} is not; pass e.g. 0x41, not "0x41" or 0x41n`,
  );
}
