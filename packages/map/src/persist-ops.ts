// persist-ops.ts -- a mapping's persist, flush and drain (persist.c), and their async forms

import { Granularity, Protection } from '@pmem2/config';
import { PMEM2_E } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { checkRange } from './check-range.js';
import type { MapState } from './map-state.js';
import { checkStatus, nativeError } from './native-call.js';

// The text of an msync that delete skipped because it had not started yet.
const SKIPPED_BY_DELETE =
  'the mapping was deleted before the msync started on the thread pool, so it was skipped';

// A CPU without a flush instruction persists CACHE_LINE mappings with msync too.
const CACHE_LINE_USES_MSYNC = binding.persistInfo().flush === 'none';

/**
 * The persist or flush function of the map's granularity over a checked range.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.persist`.
 * @see libpmem2: pmem2_get_persist_fn(3), pmem2_get_flush_fn(3)
 */
export function flushOrPersist(
  state: MapState,
  what: 'persist' | 'flush',
  offset: number | bigint,
  length: number | bigint,
): void {
  state.assertLive(what);
  const range = checkRange(offset, length, state.size, what);
  if (state.granularity === Granularity.CACHE_LINE) state.requireProtection(Protection.READ, what);
  const status =
    what === 'persist'
      ? binding.persist(state.handle, range.offset, range.length)
      : binding.flush(state.handle, range.offset, range.length);
  if (status !== 0) throw nativeError(status, state.context(`${what} of`, 'msync', range));
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
  const msyncs =
    state.granularity === Granularity.PAGE ||
    (state.granularity === Granularity.CACHE_LINE && CACHE_LINE_USES_MSYNC);
  if (!msyncs) {
    flushOrPersist(state, what, offset, length);
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
 * The drain function: sfence for CACHE_LINE and BYTE, nothing for PAGE.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete.
 * @see libpmem2: pmem2_get_drain_fn(3)
 */
export function drainMap(state: MapState): void {
  state.assertLive('drain');
  if (state.granularity !== Granularity.PAGE) binding.drain();
}
