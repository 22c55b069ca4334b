// map-state.ts -- what a Pmem2Map holds (libpmem2's struct pmem2_map), shared by its operations

import { type Granularity, Protection } from '@pmem2/config';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding, type MapHandle } from '@pmem2/native';
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
  'handle' | 'address' | 'size' | 'granularity' | 'protection' | 'reservation' | 'source'
>;

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
  readonly granularity!: Granularity;
  /** The PMEM2_PROT_* bits, unsigned. */
  readonly protection!: number;
  readonly reservation!: VmReservation | null;
  /** What deep flush needs of the source (libpmem2 keeps a copy of the source). */
  readonly source!: SourceFacts;
  /** The native promises of msyncs running on the thread pool (they never reject). */
  readonly inFlight = new Set<Promise<number>>();
  deleted = false;

  constructor(init: MapInit) {
    Object.assign(this, init);
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
      throw new Pmem2Error(
        PMEM2_E.NO_ACCESS,
        `${what} needs a mapping with ${bits >>> 0 === READ_WRITE ? 'READ and WRITE' : 'READ'} ` +
          `protection, but the mapping at ${formatPointer(this.address)} has 0x` +
          `${this.protection.toString(16)}; map it with Protection.READ | Protection.WRITE`,
      );
    }
  }

  /**
   * The lost page ranges in words: which, why, and what they read as (for PMEM2_E_IO_FAIL).
   */
  describeLost(): string {
    const lost = binding.mapLost(this.handle);
    const ranges =
      typeof lost === 'number' || lost.length === 0
        ? 'the mapped pages are gone (bus error)'
        : `pages lost: ${lost.map((r) => `offset ${r.offset}, length ${r.length} (${r.cause})`).join('; ')}`;
    return (
      `${ranges}; they read as zeros now and stores to them never reach the file ` +
      '(see Pmem2Map.lostRanges); truncated: restore the file size and map again'
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
