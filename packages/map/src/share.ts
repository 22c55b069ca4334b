// share.ts -- one mapping shared by worker threads: a single-use token a realm opens into its
// own Pmem2Map over the same memory (native reference count: shared_maps.c)

import type { Granularity } from '@pmem2/config';
import { Sharing } from '@pmem2/config';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import {
  binding,
  GRANULARITY_REASONS,
  type GranularityReason,
  newSharedMapResult,
  PERSIST_KINDS,
  type PersistKind,
  SHARE_REFUSALS,
  SHARE_TOKEN_BYTES,
  SharedMapSlot,
} from '@pmem2/native';
import type { SourceFacts } from './deep-flush.js';
import { formatPointer } from './format.js';
import { CONSTRUCT } from './internal.js';
import { mapStateOf } from './map-base.js';
import { Pmem2Map } from './pmem2-map.js';
import { mappingRegistry } from './registry.js';

const EINVAL = -ERRNO.EINVAL;
const SOURCE_TYPES: readonly string[] = ['regular', 'devdax', 'anon'];

/**
 * A single-use capability for another thread's view of a mapping, made by {@link shareMap}.
 *
 * @remarks
 * A plain object, so it survives the structured clone of `postMessage` and `workerData`.
 * Only `bytes` opens anything: native checks them against its process-wide table of tokens
 * (process key, range id, token id, random secret), so a token from another process, forged bytes, or
 * a token opened before are refused with a `Pmem2Error`. The other fields describe the
 * mapping for the receiver's `Pmem2Map` (what deep flush needs of the source, the sharing and
 * the granularity rule); what matters for memory safety (address, size, protection,
 * granularity) comes from native.
 *
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew, shareMap } from '@pmem2/map';
 * const src = Source.fromAnon(1 << 20);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * const token = shareMap(map);
 * structuredClone(token).bytes.length; // 32
 * map.delete();
 * src.delete();
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export interface MapShareToken {
  /** The 32 bytes native checks: process key, range id, token id, secret. */
  readonly bytes: Uint8Array;
  /** The address of the mapping, for messages and an early check (native decides). */
  readonly address: bigint;
  readonly sharing: Sharing;
  readonly granularityReason: GranularityReason;
  /** What deep flush needs of the source; a region lookup that failed is its errno and text. */
  readonly source: {
    readonly type: string;
    readonly sysfsRoot: string;
    readonly region: number | { readonly errno: number; readonly message: string } | undefined;
  };
}

/**
 * Makes a single-use token from which another thread (or this one, after this map is
 * deleted) opens its own view of the same memory with {@link openSharedMap}.
 *
 * @remarks
 * The memory stays mapped while any thread's view is not deleted: `delete()` in one thread
 * detaches only that thread's buffer, and the last view's `delete()` (or its thread's exit,
 * also by `worker.terminate()`) unmaps the range. A view never points at unmapped memory.
 * A token holds no reference: it opens only while some view still holds the mapping, so
 * keep yours until the receiver has opened it. Call `shareMap` once per receiver.
 *
 * SharedArrayBuffer: none, on any runtime. Node-API can wrap existing memory only in a
 * (non-shared) `ArrayBuffer` (`node_api_create_sharedarraybuffer` of newer Nodes allocates
 * fresh memory; an external variant is only requested, nodejs/node#62259), and V8's C++ API
 * (`v8::SharedArrayBuffer::New` over a backing store) would tie the addon to one Node ABI,
 * while the prebuilds are Node-API only. Each view's `buffer` is an ordinary ArrayBuffer over
 * the same memory: `Atomics.add`, `compareExchange`, `load` and `store` on an `Int32Array` of
 * it are atomic across threads in V8 (tested here), though the language guarantees their
 * ordering only for SharedArrayBuffers; `Atomics.wait` needs one, so signal through a small
 * ordinary SharedArrayBuffer posted alongside.
 *
 * @param map - a live mapping outside any reservation.
 * @returns a token for `postMessage` / `workerData`.
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete;
 *   `PMEM2_E_NOSUPP` for a mapping inside a {@link VmReservation} (its occupancy belongs to
 *   one thread's reservation); `-ENOMEM`.
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew, openSharedMap, shareMap } from '@pmem2/map';
 * const src = Source.fromAnon(1 << 20);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * const worker = new Worker(
 *   `const { parentPort, workerData } = require('node:worker_threads');
 *    import('@pmem2/map').then(({ openSharedMap }) => {
 *      const view = openSharedMap(workerData);
 *      view.bytes()[0] = 42; // the same memory as the main thread's map
 *      view.persist(0, 1);
 *      view.delete(); // this thread's view only
 *      parentPort.postMessage('done');
 *    });`,
 *   { eval: true, workerData: shareMap(map) },
 * );
 * await new Promise((resolve) => worker.once('message', resolve));
 * map.bytes()[0]; // 42
 * map.delete(); // the last view: unmapped now
 * src.delete();
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_map_delete(3)
 */
export function shareMap(map: Pmem2Map): MapShareToken {
  const state = mapStateOf(map);
  state.assertLive('shareMap');
  const bytes = new Uint8Array(SHARE_TOKEN_BYTES);
  const status = binding.mapShare(state.handle, bytes);
  if (status === PMEM2_E.NOSUPP) {
    throw new Pmem2Error(
      PMEM2_E.NOSUPP,
      `shareMap: the mapping at ${formatPointer(state.address)} lies in a VmReservation, ` +
        'whose occupancy belongs to one thread; map it outside a reservation to share it',
    );
  }
  if (status !== 0) {
    throw new Pmem2Error(
      status,
      `shareMap: the mapping at ${formatPointer(state.address)} could not be shared ` +
        `(status ${status}); ${status === PMEM2_E.MAPPING_NOT_FOUND ? 'it was deleted' : 'out of memory'}`,
    );
  }
  const region = state.source.region;
  return {
    bytes,
    address: state.address,
    sharing: state.sharing,
    granularityReason: state.granularityReason,
    source: {
      type: state.source.type,
      sysfsRoot: state.source.sysfsRoot,
      region:
        region instanceof Pmem2Error ? { errno: region.errno, message: region.message } : region,
    },
  };
}

/** Refuses a token that is not one with -EINVAL, saying what is wrong. */
function malformed(what: string): Pmem2Error {
  return new Pmem2Error(
    EINVAL,
    `openSharedMap: ${what}; pass the object shareMap() returned, as postMessage delivered it`,
  );
}

/** The token's descriptive fields, checked (they never reach native). */
function checkedFields(token: MapShareToken): { facts: SourceFacts; reason: GranularityReason } {
  const { source, sharing, granularityReason, address } = token;
  if (typeof address !== 'bigint') throw malformed('the token has no bigint address');
  if (sharing !== Sharing.SHARED && sharing !== Sharing.PRIVATE) {
    throw malformed('the token has no valid sharing');
  }
  if (!GRANULARITY_REASONS.includes(granularityReason)) {
    throw malformed('the token has no valid granularityReason');
  }
  if (
    typeof source !== 'object' ||
    source === null ||
    !SOURCE_TYPES.includes(source.type) ||
    typeof source.sysfsRoot !== 'string'
  ) {
    throw malformed('the token has no valid source');
  }
  const { region } = source;
  let lookup: SourceFacts['region'];
  if (typeof region === 'number' || region === undefined) lookup = region;
  else if (typeof region === 'object' && Number.isSafeInteger(region.errno) && region.errno < 0) {
    lookup = new Pmem2Error(region.errno, String(region.message));
  } else {
    throw malformed('the token has no valid source region');
  }
  const facts: SourceFacts = {
    type: source.type as SourceFacts['type'],
    sysfsRoot: source.sysfsRoot,
    region: lookup,
  };
  return { facts, reason: granularityReason };
}

/** The error of a refused token. */
function refused(status: number, refusal: string, address: bigint): Pmem2Error {
  const at = formatPointer(address);
  switch (refusal) {
    case 'foreign':
      return new Pmem2Error(
        status,
        'openSharedMap: the token was not made by shareMap() in this process (tokens do not ' +
          'cross processes: map the file there with mapNew)',
      );
    case 'forged':
      return new Pmem2Error(
        status,
        'openSharedMap: no token with these bytes was made by shareMap(); pass the token unchanged',
      );
    case 'spent':
      return new Pmem2Error(
        status,
        `openSharedMap: the token of the mapping at ${at} was opened already; a token opens one ` +
          'view: call shareMap() once per receiver',
      );
    case 'gone':
      return new Pmem2Error(
        status,
        `openSharedMap: every thread deleted the mapping at ${at}, so its tokens are void; ` +
          'keep a view until the receiver has opened its token',
      );
    default:
      return new Pmem2Error(
        status,
        `openSharedMap: opening the mapping at ${at} failed (out of memory)`,
      );
  }
}

/**
 * Opens a token from {@link shareMap}: this thread's own {@link Pmem2Map} over the same
 * memory, with the original's size, protection, granularity and persist routines.
 *
 * @remarks
 * Every operation works on the view as on the original; `delete()` releases this thread's
 * view (its buffer is detached) and unmaps the memory only when it was the last one. The
 * view owns no source or file descriptor, and lies in no reservation. A thread that already
 * has a live view of the mapping (the thread that shared it, before deleting its map) is
 * refused: use that map.
 *
 * @param token - the object `shareMap()` returned, as `postMessage` / `workerData` delivered it.
 * @returns a new mapping of this thread.
 * @throws {@link @pmem2/errors!Pmem2Error} `-EINVAL` for a token made in another process, forged
 *   bytes or anything that is not a token; `PMEM2_E_MAPPING_NOT_FOUND` for a token opened
 *   before, or any token of a mapping every thread has deleted; `PMEM2_E_MAPPING_EXISTS` when this
 *   thread already has a live view of it; `-ENOMEM`.
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew, openSharedMap, shareMap } from '@pmem2/map';
 * const src = Source.fromAnon(1 << 20);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * map.bytes()[0] = 7;
 * const token = shareMap(map);
 * map.delete(); // no other view yet: the memory is unmapped, the token is void
 * openSharedMap(token); // throws PMEM2_E_MAPPING_NOT_FOUND
 * src.delete();
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export function openSharedMap(token: MapShareToken): Pmem2Map {
  if (typeof token !== 'object' || token === null) throw malformed('the token is not an object');
  const { bytes } = token;
  if (!(bytes instanceof Uint8Array) || bytes.length !== SHARE_TOKEN_BYTES) {
    throw malformed(`the token's bytes are not a Uint8Array of ${SHARE_TOKEN_BYTES}`);
  }
  const { facts, reason } = checkedFields(token);
  const alreadyHere = (address: bigint) =>
    new Pmem2Error(
      PMEM2_E.MAPPING_EXISTS,
      `openSharedMap: this thread already has a live view of the mapping at ` +
        `${formatPointer(address)}; use that map (a token is for another thread)`,
    );
  if (mappingRegistry.find(token.address, 1n) !== undefined) throw alreadyHere(token.address);
  const result = newSharedMapResult();
  const handle = binding.mapOpenShared(bytes, result);
  if (typeof handle === 'number') {
    const refusal = SHARE_REFUSALS[result[SharedMapSlot.refusal] as number] ?? 'opened';
    throw refused(handle, refusal, token.address);
  }
  const address = BigInt(result[SharedMapSlot.address] as number);
  const size = result[SharedMapSlot.size] as number;
  const map = new Pmem2Map(CONSTRUCT, {
    handle,
    address,
    size,
    granularity: result[SharedMapSlot.granularity] as Granularity,
    granularityReason: reason,
    mapSync: result[SharedMapSlot.mapSync] === 1,
    persistKind: PERSIST_KINDS[result[SharedMapSlot.persistKind] as number] as PersistKind,
    protection: (result[SharedMapSlot.protection] as number) >>> 0,
    sharing: token.sharing,
    reservation: null,
    source: facts,
  });
  if (!mappingRegistry.insert(map, address, BigInt(size))) {
    binding.mapDelete(handle);
    throw alreadyHere(address);
  }
  return map;
}
