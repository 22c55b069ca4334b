// registry.ts -- address-ordered registries of mappings (map.c: State.range_map; the
// per-reservation interval tree of vm_reservation.c)

import type { Pmem2Map } from './pmem2-map.js';

/** A registered address range `[start, end)` and what occupies it. */
interface Entry<T extends object> {
  readonly start: bigint;
  readonly end: bigint;
  /** The occupant, held strongly or through a WeakRef. */
  readonly hold: T | WeakRef<T>;
}

/**
 * An interval registry ordered by start address, refusing overlaps, as libpmem2's ravl
 * interval trees do.
 *
 * @remarks
 * `weak` registries hold their occupants through `WeakRef` so that a mapping the program
 * forgets can still be collected (its native finalizer unmaps it); a `FinalizationRegistry`
 * then drops the entry, and lookups skip entries whose occupant is already gone. One registry
 * exists per JavaScript realm: each worker thread has its own, which is sound because a
 * mapping is never handed to another worker: `openSharedMap` makes that worker a mapping
 * of its own (a view of the same memory), registered in its own registry.
 *
 * @see libpmem2: pmem2_vm_reservation_map_find(3) (the interval tree it searches)
 */
export class RangeRegistry<T extends object> {
  readonly #entries: Entry<T>[] = [];
  readonly #weak: boolean;
  readonly #cleanup: FinalizationRegistry<Entry<T>> | undefined;

  /** @param hold - `'weak'` (WeakRef + FinalizationRegistry) or `'strong'` references. */
  constructor(hold: 'weak' | 'strong') {
    this.#weak = hold === 'weak';
    this.#cleanup = this.#weak
      ? new FinalizationRegistry((entry) => this.#removeEntry(entry))
      : undefined;
  }

  /**
   * Registers `occupant` at `[start, start + length)`; false when a live entry overlaps
   * (ravl_interval_insert: `[a, b)` and `[c, d)` clash unless `a >= d` or `b <= c`, so
   * adjacent ranges do not).
   */
  insert(occupant: T, start: bigint, length: bigint): boolean {
    const end = start + length;
    const clash = this.#live().some((e) => !(start >= e.end || end <= e.start));
    if (clash) return false;
    const entry: Entry<T> = { start, end, hold: this.#weak ? new WeakRef(occupant) : occupant };
    this.#entries.splice(this.#insertionIndex(start), 0, entry);
    this.#cleanup?.register(occupant, entry, entry);
    return true;
  }

  /** Unregisters `occupant`; false when it is not registered. */
  remove(occupant: T): boolean {
    const entry = this.#entries.find((e) => this.#occupant(e) === occupant);
    if (entry === undefined) return false;
    this.#removeEntry(entry);
    this.#cleanup?.unregister(entry);
    return true;
  }

  /** Tells whether `occupant` is registered. */
  has(occupant: T): boolean {
    return this.#entries.some((e) => this.#occupant(e) === occupant);
  }

  /**
   * What libpmem2's `ravl_interval_find` returns for the query `[start, start + length)`,
   * both computed in `size_t` (modulo 2^64, as C's pointer arithmetic): the lowest live
   * entry that ends after `start`, if it begins at `start` or before the query's end.
   *
   * @remarks
   * So a zero-length query finds a range that starts at it or strictly contains it, and a
   * query whose end wraps below its start finds only a range beginning at `start` or before
   * that wrapped end.
   */
  find(start: bigint, length: bigint): T | undefined {
    const from = BigInt.asUintN(64, start);
    const to = BigInt.asUintN(64, from + length);
    const entry = this.#live().find((e) => e.end > from);
    if (entry === undefined || !(entry.start === from || entry.start < to)) return undefined;
    return this.#occupant(entry);
  }

  /** The live occupants in address order. */
  occupants(): T[] {
    const live: T[] = [];
    for (const entry of this.#entries) {
      const occupant = this.#occupant(entry);
      if (occupant !== undefined) live.push(occupant);
    }
    return live;
  }

  /** The number of live occupants. */
  get size(): number {
    return this.occupants().length;
  }

  // The entry's occupant, or undefined when a weakly held one was collected.
  #occupant(entry: Entry<T>): T | undefined {
    return entry.hold instanceof WeakRef ? (entry.hold.deref() as T | undefined) : entry.hold;
  }

  // The entries whose occupant is alive, in address order.
  #live(): Entry<T>[] {
    return this.#entries.filter((e) => this.#occupant(e) !== undefined);
  }

  // Where an entry starting at `start` goes to keep the order (binary search).
  #insertionIndex(start: bigint): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#entries[mid] as Entry<T>).start < start) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  // Drops an entry (also called by the FinalizationRegistry).
  #removeEntry(entry: Entry<T>): void {
    const index = this.#entries.indexOf(entry);
    if (index !== -1) this.#entries.splice(index, 1);
  }
}

/**
 * The realm's registry of live mappings (libpmem2's global `State.range_map`), holding them
 * weakly so that the native finalizer can unmap a forgotten mapping.
 *
 * @see libpmem2: pmem2_map_new(3), pmem2_map_delete(3)
 */
export const mappingRegistry = new RangeRegistry<Pmem2Map>('weak');
