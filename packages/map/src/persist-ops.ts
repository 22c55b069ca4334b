// persist-ops.ts -- a mapping's persist, flush and drain (persist.c), their batches and async forms

import { Protection } from '@pmem2/config';
import { errnoValue, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { type CheckedRange, checkRange, fitsInside } from './check-range.js';
import { FENCE_STOPS, type MapState } from './map-state.js';
import { checkStatus, nativeError } from './native-call.js';

// The (offset, length) cell the bound native persist/flush read; null where the runtime
// forbids external buffers (then the range goes as arguments).
const ARGS = binding.persistArgs;
// The pairs cell the bound persistRanges/flushRanges read (their count in ARGS[0]); null
// as ARGS.
const RANGES = binding.rangesArgs;

// The JavaScript store fence of 'fence' maps: a locked read-modify-write (lock xadd on
// x86_64) on a word of its own; the word counts the fences, so tests can see that one ran.
const FENCE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Whether a map's persist or flush may stay in JavaScript: a `'fence'` map, not deleted,
 * that never lost a page (its fault-slot byte, which the SIGBUS handler sets, reads 0). A
 * lost page must be reported by the next call on its mapping, which only native code does;
 * a loss on another mapping does not matter.
 */
function fenceInJs(state: MapState): boolean {
  return FENCE_STOPS[state.fenceStop] === 0;
}

const EINVAL = -(errnoValue('EINVAL') as number);

// The text of an msync that delete skipped because it had not started yet.
const SKIPPED_BY_DELETE =
  'the mapping was deleted before the msync started on the thread pool, so it was skipped';

/**
 * The store fence JavaScript issues for a BYTE map on x86_64 (docs/guide.md "Persisting").
 *
 * @see libpmem2: pmem2_get_drain_fn(3)
 */
export function jsFence(): void {
  Atomics.add(FENCE, 0, 1);
}

/**
 * How many {@link jsFence} calls this realm made (wraps at 2^31): what a test observes.
 *
 * @see libpmem2: pmem2_get_drain_fn(3)
 */
export function jsFenceCount(): number {
  return Atomics.load(FENCE, 0);
}

// Whether the map's persist passes its protection check: a flush loads every line, so a
// 'flush' map needs READ.
function persistMayRead(state: MapState): boolean {
  return state.persistKind !== 'flush' || (state.protection & Protection.READ) !== 0;
}

// The status of a bound persist or flush over a checked range.
function runBound(
  state: MapState,
  bound: () => number,
  unbound: typeof binding.persist,
  range: CheckedRange,
): number {
  if (ARGS === null) return unbound(state.handle, range.offset, range.length);
  ARGS[0] = range.offset;
  ARGS[1] = range.length;
  return bound();
}

/**
 * The map's persist function over a checked range: its routine table's choice (persist.c),
 * or, for a `'fence'` map, the fence in JavaScript without a native call.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.persist`.
 * @see libpmem2: pmem2_get_persist_fn(3)
 */
export function persistRange(
  state: MapState,
  offset: number | bigint,
  length: number | bigint,
): void {
  if (fitsInside(offset, length, state.size)) {
    // the 'fence' map's whole persist: no allocation, no native call
    if (fenceInJs(state)) {
      jsFence();
      return;
    }
    // a live map whose persist may read its lines: the bound call straight away (the checks
    // below would all pass; the native side checks the range and the mapping again)
    if (ARGS !== null && !state.deleted && persistMayRead(state)) {
      ARGS[0] = offset as number;
      ARGS[1] = length as number;
      const status = state.persistOps.persist();
      if (status === 0) return;
      const range = { offset: offset as number, length: length as number };
      throw nativeError(status, state.context('persist of', 'msync', range));
    }
  }
  state.assertLive('persist');
  const range = checkRange(offset, length, state.size, 'persist');
  if (fenceInJs(state)) {
    jsFence(); // a range the fast path does not take (bigints), checked
    return;
  }
  const ops = state.persistOps;
  if (!persistMayRead(state)) state.requireProtection(Protection.READ, 'persist');
  const status = runBound(state, ops.persist, binding.persist, range);
  if (status !== 0) throw nativeError(status, state.context('persist of', 'msync', range));
}

/**
 * The map's flush function over a checked range (nothing at all for a `'fence'` map).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.flush`.
 * @see libpmem2: pmem2_get_flush_fn(3)
 */
export function flushRange(
  state: MapState,
  offset: number | bigint,
  length: number | bigint,
): void {
  state.assertLive('flush');
  const range = checkRange(offset, length, state.size, 'flush');
  const ops = state.persistOps;
  if (fenceInJs(state)) return;
  if (state.persistKind === 'flush') state.requireProtection(Protection.READ, 'flush');
  const status = runBound(state, ops.flush, binding.flush, range);
  if (status !== 0) throw nativeError(status, state.context('flush of', 'msync', range));
}

// Checks every pair as checkRange does; throws for the first one outside the mapping.
function checkPairs(state: MapState, ranges: Float64Array, what: string): void {
  for (let i = 0; i < ranges.length; i += 2) {
    const offset = ranges[i] as number;
    const length = ranges[i + 1] as number;
    if (!fitsInside(offset, length, state.size))
      checkRange(offset, length, state.size, `${what} pair ${i / 2}`);
  }
}

// The status of a native batch: through the bound function when the pairs fit the cell
// (copied in, the count in ARGS[0]); else with the array as an argument, which also throws
// the TypeError for anything but a Float64Array.
function runRanges(state: MapState, ranges: Float64Array, persist: boolean): number {
  if (
    ARGS === null ||
    RANGES === null ||
    !(ranges instanceof Float64Array) ||
    ranges.length > RANGES.length
  ) {
    return persist
      ? binding.persistRanges(state.handle, ranges)
      : binding.flushRanges(state.handle, ranges);
  }
  RANGES.set(ranges);
  ARGS[0] = ranges.length / 2;
  const ops = state.persistOps;
  return persist ? ops.persistRanges() : ops.flushRanges();
}

/**
 * persistRanges / flushRanges: natively, each pair checked just before its flush and (for
 * persist) one drain after the last, a refused pair stopping the batch there; for a
 * `'fence'` map, every pair checked in JavaScript, then one fence.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.persistRanges`.
 * @see libpmem2: pmem2_get_flush_fn(3), pmem2_get_drain_fn(3)
 */
export function rangesOp(
  state: MapState,
  ranges: Float64Array,
  what: 'persistRanges' | 'flushRanges',
): void {
  state.assertLive(what);
  if (ranges.length % 2 !== 0) {
    throw new Pmem2Error(
      EINVAL,
      `${what}: ranges holds ${ranges.length} numbers, not (offset, length) pairs; ` +
        'give it an even length',
    );
  }
  if (fenceInJs(state)) {
    checkPairs(state, ranges, what);
    if (what === 'persistRanges') jsFence();
    return;
  }
  if (state.persistKind === 'flush') state.requireProtection(Protection.READ, what);
  const status = runRanges(state, ranges, what === 'persistRanges');
  if (status === PMEM2_E.MAP_RANGE) checkPairs(state, ranges, what);
  if (status !== 0) throw nativeError(status, state.context(`${what} of`, 'msync'));
}

/**
 * persist/flush on the thread pool when they msync; synchronously (settled) otherwise.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} (as a rejection) as `Pmem2Map.persistAsync`.
 * @see libpmem2: pmem2_get_persist_fn(3)
 */
export async function flushOrPersistAsync(
  state: MapState,
  what: 'persist' | 'flush',
  offset: number | bigint,
  length: number | bigint,
): Promise<void> {
  if (state.persistKind !== 'msync') {
    (what === 'persist' ? persistRange : flushRange)(state, offset, length);
    return;
  }
  state.assertLive(`${what}Async`);
  const range = checkRange(offset, length, state.size, `${what}Async`);
  const context = () => ({
    ...state.context(`${what}Async of`, 'msync', range),
    texts: { [PMEM2_E.MAPPING_NOT_FOUND]: SKIPPED_BY_DELETE },
  });
  const pending = binding.msyncAsync(state.handle, range.offset, range.length);
  if (typeof pending === 'number') return checkStatus(pending, context);
  state.inFlight.add(pending);
  try {
    checkStatus(await pending, context);
  } finally {
    state.inFlight.delete(pending);
  }
}

/**
 * The drain function: nothing for an msync map, the JavaScript fence for a `'fence'` map,
 * the native drain (sfence, dmb ishst) otherwise.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete.
 * @see libpmem2: pmem2_get_drain_fn(3)
 */
export function drainMap(state: MapState): void {
  state.assertLive('drain');
  const kind = state.persistKind;
  if (kind === 'fence') jsFence();
  else if (kind !== 'msync') binding.drain();
}
