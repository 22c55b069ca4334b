// map-calls.mjs -- every method and getter of a Pmem2Map as a thunk, and running them into outcomes

import { outcome } from './lib.mjs';

/** Every method and getter of a Pmem2Map, as thunks. */
export function mapCalls(map) {
  return {
    size: () => map.size,
    storeGranularity: () => map.storeGranularity,
    address: () => map.address,
    buffer: () => map.buffer,
    bytes: () => map.bytes(),
    dataView: () => map.dataView(),
    readLength: () => map.read(0, 16),
    readTarget: () => map.read(0, new Uint8Array(16)),
    crc32: () => map.crc32(0, 16),
    persist: () => map.persist(0, 16),
    flush: () => map.flush(0, 16),
    drain: () => map.drain(),
    deepFlush: () => map.deepFlush(0, 16),
    memcpy: () => map.memcpy(0, new Uint8Array([1, 2, 3, 4])),
    memmove: () => map.memmove(0, 8, 8),
    memset: () => map.memset(0, 0xab, 16),
  };
}

/** Runs every thunk and collects the outcomes. */
export function runAll(calls) {
  return Object.fromEntries(Object.entries(calls).map(([name, fn]) => [name, outcome(fn)]));
}
