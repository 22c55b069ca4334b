// peers.ts -- the libraries a JS runner compares against, and preparing a case on one that loaded

import type { PreparedOps } from './js-ops.js';
import type { MmapIo } from './mmap-io-api.js';
import type { Pmem2Api } from './pmem2-api.js';

/** The libraries a JS runner could load; a string says why one is missing. */
export interface JsPeers {
  readonly pmem2: Pmem2Api | string;
  readonly mmapIo: MmapIo | string;
}

/** `prepare(peer)` for a peer that loaded; for a missing one, why it is missing. */
export function withPeer<P>(
  peer: P | string,
  prepare: (loaded: P) => PreparedOps,
): PreparedOps | { unavailable: string } {
  return typeof peer === 'string' ? { unavailable: peer } : prepare(peer);
}
