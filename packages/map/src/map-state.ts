// map-state.ts -- what a Pmem2Map holds (libpmem2's struct pmem2_map), shared by its operations

import { type Granularity, Protection, type Sharing } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import {
  binding,
  type GranularityReason,
  type LostRange,
  type MapHandle,
  type MapPersistOps,
  type PersistKind,
} from '@pmem2/native';
import type { CheckedRange } from './check-range.js';
import type { SourceFacts } from './deep-flush.js';
import { formatPointer } from './format.js';
import type { NativeCallContext } from './native-call.js';
import type { VmReservation } from './vm-reservation.js';

/**
 * What mapNew hands a new {@link Pmem2Map} (the fields of libpmem2's `struct pmem2_map`).
 *
 * @see libpmem2: pmem2_map_new(3)
 */
export type MapInit = Pick<
  MapState,
  | 'handle'
  | 'address'
  | 'size'
  | 'granularity'
  | 'granularityReason'
  | 'mapSync'
  | 'persistKind'
  | 'protection'
  | 'sharing'
  | 'reservation'
  | 'source'
>;

/** What to do about a lost page, by its cause (LostRange.cause). */
const LOSS_ADVICE: Record<LostRange['cause'], string> = {
  truncated: 'truncated: restore the file size and map again',
  'no-space':
    'no-space: free space on the file system (or allocate the file in advance) and map again',
  'media-error':
    'media-error: the medium lost the data; clear the bad blocks (BadBlockContext.clear of @pmem2/source) and restore it',
};

/**
 * The fault table's stop bytes (binding.fenceStops): where the runtime forbids external
 * buffers, one byte that is 1, so that no persist stays in JavaScript.
 */
export const FENCE_STOPS: Uint8Array = binding.fenceStops ?? new Uint8Array([1]);

// The index of the byte that is always 1.
const STOP_ALWAYS = FENCE_STOPS.length - 1;

/** `Protection.READ | Protection.WRITE`, unsigned. */
export const READ_WRITE = (Protection.READ | Protection.WRITE) >>> 0;

/**
 * The state behind one {@link Pmem2Map}: its native handle and fields, the msyncs in flight,
 * and the checks every operation starts with. Package-private (the index does not export it).
 *
 * @see libpmem2: pmem2_map_new(3)
 */
export class MapState {
  readonly handle!: MapHandle;
  readonly address!: bigint;
  readonly size!: number;
  /** Decided by native inside the mapNew call, once (JavaScript cannot change it). */
  readonly granularity!: Granularity;
  /** The rule of get_min_granularity that decided it. */
  readonly granularityReason!: GranularityReason;
  /** MAP_SYNC took. */
  readonly mapSync!: boolean;
  /**
   * What persist does, as native chose it for the granularity and the CPU (an internalized
   * literal of PERSIST_KINDS: each persist compares it).
   */
  readonly persistKind!: PersistKind;
  /** The PMEM2_PROT_* bits, unsigned. */
  readonly protection!: number;
  /** Shared or private (copy-on-write): what a private mapping's pages hold differs. */
  readonly sharing!: Sharing;
  readonly reservation!: VmReservation | null;
  /** What deep flush needs of the source (libpmem2 keeps a copy of the source). */
  readonly source!: SourceFacts;
  /**
   * The routines native chose for the map's granularity (persist.c map_fns_for): the
   * argument-free persist and flush bound to the record.
   */
  readonly persistOps: MapPersistOps;
  /**
   * The index in {@link FENCE_STOPS} that reads 0 exactly while persist may stay in
   * JavaScript: the map's fault-slot byte for a `'fence'` map, else (and once deleted) the
   * byte that is always 1. One load decides the persist: kind, deletion and lost pages.
   */
  fenceStop: number;
  /** The native promises of msyncs running on the thread pool (they never reject). */
  readonly inFlight = new Set<Promise<number>>();
  #deleted = false;

  constructor(init: MapInit) {
    Object.assign(this, init);
    this.persistOps = binding.mapPersistOps(init.handle);
    this.fenceStop =
      init.persistKind === 'fence' && binding.fenceStops !== null
        ? this.persistOps.stop
        : STOP_ALWAYS;
  }

  /** Whether delete ran; setting it also sends every later persist to the checks. */
  get deleted(): boolean {
    return this.#deleted;
  }

  set deleted(value: boolean) {
    this.#deleted = value;
    if (value) this.fenceStop = STOP_ALWAYS;
  }

  /** Refuses every use of a deleted mapping with `PMEM2_E_MAPPING_NOT_FOUND`. */
  assertLive(what: string): void {
    if (this.deleted) {
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `${what}: the mapping at ${formatPointer(this.address)} was deleted; ` +
          'create a new one with mapNew()',
      );
    }
  }

  /** Refuses an access the mapping's protection does not allow (it would fault). */
  requireProtection(bits: number, what: string): void {
    if ((this.protection & bits) >>> 0 !== bits >>> 0) {
      const needs = [bits & Protection.READ ? 'READ' : '', bits & Protection.WRITE ? 'WRITE' : '']
        .filter((name) => name !== '')
        .join(' and ');
      throw new Pmem2Error(
        PMEM2_E.NO_ACCESS,
        `${what} needs a mapping with ${needs} protection, but the mapping at ` +
          `${formatPointer(this.address)} has 0x${this.protection.toString(16)}; map it with ` +
          `${needs.replace(' and ', ' | ').replace(/\b(READ|WRITE)\b/g, 'Protection.$1')}`,
      );
    }
  }

  /**
   * The lost page ranges in words: which, why, and what they read as (for PMEM2_E_IO_FAIL).
   */
  describeLost(): string {
    const lost = binding.mapLost(this.handle);
    const known = typeof lost === 'number' ? [] : lost;
    const ranges =
      known.length === 0
        ? 'the mapped pages are gone (bus error)'
        : `pages lost: ${known.map((r) => `offset ${r.offset}, length ${r.length} (${r.cause})`).join('; ')}`;
    const causes = new Set(known.map((r) => r.cause));
    const advice = (
      known.length === 0 ? Object.values(LOSS_ADVICE) : [...causes].map((c) => LOSS_ADVICE[c])
    ).join('; ');
    return (
      `${ranges}; they read as zeros now and stores to them never reach the file ` +
      `(see Pmem2Map.lostRanges); ${advice}`
    );
  }

  /** How native statuses of this mapping's calls become errors. */
  context(action: string, syscall: string, range?: CheckedRange): NativeCallContext {
    const where = range === undefined ? '' : ` (offset ${range.offset}, length ${range.length})`;
    return {
      action: `${action} the mapping at ${formatPointer(this.address)}${where}`,
      syscall,
      advice: {
        [PMEM2_E.IO_FAIL]: this.describeLost(),
      },
    };
  }
}
