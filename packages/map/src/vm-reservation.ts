// vm-reservation.ts -- pmem2_vm_reservation_*: reserved address space that mappings go into

import { toSize, type VmReservationLike } from '@pmem2/config';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding } from '@pmem2/native';
import { formatPointer } from './format.js';
import { CONSTRUCT, type ReservationState, reservationStates } from './internal.js';
import { checkStatus, type NativeCallContext, unwrapResult } from './native-call.js';
import type { Pmem2Map } from './pmem2-map.js';
import { RangeRegistry } from './registry.js';
import { checkExtend, checkShrink } from './reservation-checks.js';

/** libpmem2's texts for the statuses of the reservation's native mmap (NOREPLACE) calls. */
const EINVAL = ERRNO.EINVAL;

const RESERVE_TEXTS: Readonly<Record<number, string>> = {
  [PMEM2_E.MAPPING_EXISTS]: 'mmap MAP_FIXED_NOREPLACE: File exists',
};

/**
 * A range of reserved (PROT_NONE) virtual address space that mappings can be placed into at
 * chosen offsets: libpmem2's `struct pmem2_vm_reservation`.
 *
 * @remarks
 * Put a mapping into it with `Config#setVmReservation(rsv, offset)`. Mappings inside may be
 * adjacent but not overlap; deleting one mends its range back to reserved space. The
 * reservation holds its mappings strongly (so {@link VmReservation.mapFind} can return
 * them) and cannot be deleted while any is alive. A reservation, like a mapping, belongs to
 * the JavaScript realm (worker thread) that created it; it cannot be shared between workers.
 *
 * Every method and getter of a deleted reservation throws `PMEM2_E_MAPPING_NOT_FOUND`
 * (libpmem2: undefined behaviour).
 *
 * Where libpmem2's texts print `%p` of the reservation (its heap struct), this package
 * prints the reservation's address.
 *
 * @example
 * ```ts
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew, VmReservation } from '@pmem2/map';
 * const MiB = 1024 * 1024;
 * const src = Source.fromAnon(2 * MiB);
 * const rsv = VmReservation.new(16 * MiB);
 * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
 * const a = mapNew(cfg.setVmReservation(rsv, 0), src);
 * const b = mapNew(cfg.setVmReservation(rsv, 4 * MiB), src);
 * try {
 *   rsv.mapFindFirst() === a; // true
 *   b.address - a.address; // 4194304n
 * } finally {
 *   a.delete();
 *   b.delete();
 *   rsv.delete();
 *   src.delete();
 * }
 * ```
 * @see libpmem2: pmem2_vm_reservation_new(3), pmem2_config_set_vm_reservation(3)
 */
export class VmReservation implements VmReservationLike, Disposable {
  /**
   * Not for users: reservations come from {@link VmReservation.new}.
   *
   * @hidden
   * @throws TypeError when called from outside the package.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * // reservations come from VmReservation.new(size); the constructor refuses everyone else
   * new VmReservation(Symbol('not the token') as never, {} as never); // throws TypeError
   * ```
   * @see libpmem2: pmem2_vm_reservation_new(3)
   */
  constructor(token: typeof CONSTRUCT, state: ReservationState) {
    if (token !== CONSTRUCT) {
      throw new TypeError('VmReservation instances are created by VmReservation.new()');
    }
    reservationStates.set(this, state);
  }

  /**
   * Reserves `size` bytes of address space, at `address` if given (MAP_FIXED_NOREPLACE).
   *
   * @remarks
   * Checks in libpmem2's order: the address must be a multiple of the page size, then the
   * size. Without an address the reservation starts on a 2 MiB boundary (1 GiB for 2 GiB and
   * more), like libpmem2's.
   *
   * @param size - bytes to reserve, a multiple of the page size.
   * @param address - where to reserve, a multiple of the page size; `undefined` or `0n`
   *   lets the system choose.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_ADDRESS_UNALIGNED` `"address %p is not a multiple of
   *   0x%llx"`; `PMEM2_E_LENGTH_UNALIGNED` `"reservation size %zu is not a multiple of
   *   %llu"`; `PMEM2_E_MAPPING_EXISTS` when something occupies `address`; `-errno`
   *   (`mmap MAP_ANONYMOUS: …`, e.g. `ENOMEM`) when mmap fails.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv.size; // 16777216
   * rsv.address % 2097152n; // 0n
   * VmReservation.new(4097); // throws PMEM2_E_LENGTH_UNALIGNED
   * rsv.delete();
   * ```
   * @see libpmem2: pmem2_vm_reservation_new(3)
   */
  static new(size: number | bigint, address?: bigint): VmReservation {
    const pageSize = BigInt(binding.pageSize());
    const wanted = address ?? 0n;
    const bytes = toSize(size, 'reservation size', PMEM2_E.LENGTH_UNALIGNED);
    const at = toSize(wanted, 'reservation address', PMEM2_E.ADDRESS_UNALIGNED);
    if (at % pageSize !== 0n) {
      const text = `address ${formatPointer(at)} is not a multiple of 0x${pageSize.toString(16)}`;
      throw new Pmem2Error(
        PMEM2_E.ADDRESS_UNALIGNED,
        `${text}; pass a page-aligned address or none`,
        { libpmem2Message: text },
      );
    }
    if (bytes % pageSize !== 0n) {
      const text = `reservation size ${bytes} is not a multiple of ${pageSize}`;
      throw new Pmem2Error(PMEM2_E.LENGTH_UNALIGNED, `${text}; round it up to the page size`, {
        libpmem2Message: text,
      });
    }
    const handle = unwrapResult(binding.reservationNew(bytes, at === 0n ? null : at), {
      action: `reserving ${bytes} bytes at ${formatPointer(at)}`,
      syscall: 'mmap MAP_ANONYMOUS',
      texts: RESERVE_TEXTS,
      advice: { [PMEM2_E.MAPPING_EXISTS]: 'choose a free address or let the system choose' },
    });
    return new VmReservation(CONSTRUCT, { handle, maps: new RangeRegistry<Pmem2Map>('strong') });
  }

  /**
   * The start of the reservation (diagnostics only).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv.address % 4096n; // 0n
   * rsv.delete();
   * ```
   * @see libpmem2: pmem2_vm_reservation_get_address(3)
   */
  get address(): bigint {
    return binding.reservationAddress(this.#state('address').handle);
  }

  /**
   * The size of the reservation in bytes.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv.size; // 16777216
   * rsv.delete();
   * ```
   * @see libpmem2: pmem2_vm_reservation_get_size(3)
   */
  get size(): number {
    return Number(binding.reservationSize(this.#state('size').handle));
  }

  /**
   * Grows the reservation at its end by `size` bytes.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_LENGTH_UNALIGNED` `"reservation extension size %zu is
   *   not a multiple of %llu"`; `PMEM2_E_MAPPING_EXISTS` when the address space after it is
   *   occupied; `-errno` from mmap; `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv.extend(2 * 1024 * 1024);
   * rsv.size; // 18874368
   * rsv.delete();
   * ```
   * @see libpmem2: pmem2_vm_reservation_extend(3)
   */
  extend(size: number | bigint): void {
    const state = this.#state('extend');
    const pageSize = BigInt(binding.pageSize());
    const bytes = toSize(size, 'extension size', PMEM2_E.LENGTH_UNALIGNED);
    checkExtend(bytes, pageSize);
    checkStatus(binding.reservationExtend(state.handle, bytes), {
      ...this.#context(`extending by ${bytes} bytes`),
      syscall: 'mmap MAP_ANONYMOUS',
      texts: RESERVE_TEXTS,
    });
  }

  /**
   * Removes `size` bytes at `offset` from the reservation: a prefix (`offset` 0) or a suffix
   * (`offset + size == this.size`) that holds no mapping.
   *
   * @remarks
   * The nine checks of libpmem2, in order: offset alignment, size alignment, offset in range,
   * size not zero, end in range, not from the middle, not the whole, no mapping inside, then
   * the munmap.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_OFFSET_UNALIGNED`, `PMEM2_E_LENGTH_UNALIGNED`,
   *   `PMEM2_E_OFFSET_OUT_OF_RANGE`, `PMEM2_E_LENGTH_OUT_OF_RANGE` (zero size; end past the
   *   reservation), `PMEM2_E_NOSUPP` (middle; whole), `PMEM2_E_VM_RESERVATION_NOT_EMPTY`,
   *   `-errno` from munmap; `PMEM2_E_MAPPING_NOT_FOUND` after delete.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv.shrink(0, 4096); // drop the first page
   * rsv.size; // 16773120
   * rsv.delete();
   * ```
   * @see libpmem2: pmem2_vm_reservation_shrink(3)
   */
  shrink(offset: number | bigint, size: number | bigint): void {
    const state = this.#state('shrink');
    const pageSize = BigInt(binding.pageSize());
    const start = toSize(offset, 'shrink offset', PMEM2_E.OFFSET_UNALIGNED);
    const bytes = toSize(size, 'shrink size', PMEM2_E.LENGTH_UNALIGNED);
    const total = binding.reservationSize(state.handle);
    checkShrink(state, this.address, start, bytes, total, pageSize);
    checkStatus(binding.reservationShrink(state.handle, start, bytes), {
      ...this.#context(`shrinking (offset ${start}, size ${bytes})`),
      syscall: 'munmap',
    });
  }

  /**
   * The lowest-addressed mapping overlapping `[offset, offset + length)` of the reservation.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` `"mapping not found at the range
   *   (offset %zu, size %zu) in reservation %p"`, or after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew, VmReservation } from '@pmem2/map';
   * const MiB = 1024 * 1024;
   * const src = Source.fromAnon(2 * MiB);
   * const rsv = VmReservation.new(16 * MiB);
   * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
   * const a = mapNew(cfg.setVmReservation(rsv, 0), src);
   * const b = mapNew(cfg.setVmReservation(rsv, 4 * MiB), src);
   * try {
   *   rsv.mapFind(4 * MiB, 4096) === b; // true
   *   rsv.mapFind(2 * MiB, 4096); // throws PMEM2_E_MAPPING_NOT_FOUND
   * } finally {
   *   a.delete();
   *   b.delete();
   *   rsv.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_vm_reservation_map_find(3)
   */
  mapFind(offset: number | bigint, length: number | bigint): Pmem2Map {
    const state = this.#state('mapFind');
    const start = toSize(offset, 'offset', PMEM2_E.MAPPING_NOT_FOUND);
    const bytes = toSize(length, 'length', PMEM2_E.MAPPING_NOT_FOUND);
    const found = state.maps.find(this.address + start, bytes);
    if (found !== undefined) return found;
    return this.#notFound(
      `mapping not found at the range (offset ${start}, size ${bytes}) in reservation ` +
        formatPointer(this.address),
    );
  }

  /**
   * The lowest-addressed mapping of the reservation.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` `"reservation %p stores no
   *   mapping"`, or after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew, VmReservation } from '@pmem2/map';
   * const MiB = 1024 * 1024;
   * const src = Source.fromAnon(2 * MiB);
   * const rsv = VmReservation.new(16 * MiB);
   * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
   * const a = mapNew(cfg.setVmReservation(rsv, 0), src);
   * const b = mapNew(cfg.setVmReservation(rsv, 4 * MiB), src);
   * try {
   *   rsv.mapFindFirst() === a; // true
   * } finally {
   *   a.delete();
   *   b.delete();
   *   rsv.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_vm_reservation_map_find_first(3)
   */
  mapFindFirst(): Pmem2Map {
    const first = this.#state('mapFindFirst').maps.occupants().at(0);
    return first ?? this.#notFound(`reservation ${formatPointer(this.address)} stores no mapping`);
  }

  /**
   * The highest-addressed mapping of the reservation.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` `"reservation %p stores no
   *   mapping"`, or after delete.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew, VmReservation } from '@pmem2/map';
   * const MiB = 1024 * 1024;
   * const src = Source.fromAnon(2 * MiB);
   * const rsv = VmReservation.new(16 * MiB);
   * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
   * const a = mapNew(cfg.setVmReservation(rsv, 0), src);
   * const b = mapNew(cfg.setVmReservation(rsv, 4 * MiB), src);
   * try {
   *   rsv.mapFindLast() === b; // true
   * } finally {
   *   a.delete();
   *   b.delete();
   *   rsv.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_vm_reservation_map_find_last(3)
   */
  mapFindLast(): Pmem2Map {
    const last = this.#state('mapFindLast').maps.occupants().at(-1);
    return last ?? this.#notFound(`reservation ${formatPointer(this.address)} stores no mapping`);
  }

  /**
   * The mapping that follows `map` in the reservation (by address).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` `"mapping next to mapping %p not
   *   found"`, or when `map` or the reservation was deleted.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew, VmReservation } from '@pmem2/map';
   * const MiB = 1024 * 1024;
   * const src = Source.fromAnon(2 * MiB);
   * const rsv = VmReservation.new(16 * MiB);
   * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
   * const a = mapNew(cfg.setVmReservation(rsv, 0), src);
   * const b = mapNew(cfg.setVmReservation(rsv, 4 * MiB), src);
   * try {
   *   rsv.mapFindNext(a) === b; // true
   *   rsv.mapFindNext(b); // throws PMEM2_E_MAPPING_NOT_FOUND
   * } finally {
   *   a.delete();
   *   b.delete();
   *   rsv.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_vm_reservation_map_find_next(3)
   */
  mapFindNext(map: Pmem2Map): Pmem2Map {
    const maps = this.#state('mapFindNext').maps.occupants();
    const end = map.address + BigInt(map.size);
    const next = maps.find((m) => m.address >= end);
    return (
      next ?? this.#notFound(`mapping next to mapping ${formatPointer(map.address)} not found`)
    );
  }

  /**
   * The mapping that precedes `map` in the reservation (by address).
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAPPING_NOT_FOUND` `"mapping previous to mapping %p
   *   not found"`, or when `map` or the reservation was deleted.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * import { Source } from '@pmem2/source';
   * import { mapNew, VmReservation } from '@pmem2/map';
   * const MiB = 1024 * 1024;
   * const src = Source.fromAnon(2 * MiB);
   * const rsv = VmReservation.new(16 * MiB);
   * const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE);
   * const a = mapNew(cfg.setVmReservation(rsv, 0), src);
   * const b = mapNew(cfg.setVmReservation(rsv, 4 * MiB), src);
   * try {
   *   rsv.mapFindPrev(b) === a; // true
   * } finally {
   *   a.delete();
   *   b.delete();
   *   rsv.delete();
   *   src.delete();
   * }
   * ```
   * @see libpmem2: pmem2_vm_reservation_map_find_prev(3)
   */
  mapFindPrev(map: Pmem2Map): Pmem2Map {
    const maps = this.#state('mapFindPrev').maps.occupants();
    const start = map.address;
    const prev = maps.findLast((m) => m.address + BigInt(m.size) <= start);
    return (
      prev ?? this.#notFound(`mapping previous to mapping ${formatPointer(map.address)} not found`)
    );
  }

  /**
   * Releases the reserved address space.
   *
   * @remarks
   * Quirk kept from libpmem2: a reservation of size 0 cannot be deleted (libpmem2 calls
   * `munmap(addr, 0)`, which fails with `EINVAL`); it stays valid.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_VM_RESERVATION_NOT_EMPTY` `"vm reservation %p isn't
   *   empty"` while a mapping lives in it; `-errno` (`munmap: …`) when munmap fails, and
   *   `EINVAL` for a 0-byte reservation; `PMEM2_E_MAPPING_NOT_FOUND` when already deleted.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv.delete();
   * rsv.delete(); // throws PMEM2_E_MAPPING_NOT_FOUND
   * ```
   * @see libpmem2: pmem2_vm_reservation_delete(3)
   */
  delete(): void {
    const state = this.#state('delete');
    if (state.maps.size > 0) {
      const text = `vm reservation ${formatPointer(this.address)} isn't empty`;
      throw new Pmem2Error(
        PMEM2_E.VM_RESERVATION_NOT_EMPTY,
        `${text}: it holds ${state.maps.size} mapping(s); delete them first`,
        { libpmem2Message: text },
      );
    }
    if (this.size === 0) {
      // libpmem2 munmaps the user-visible size; munmap of 0 bytes fails with EINVAL
      throw Pmem2Error.fromErrno(
        EINVAL,
        'munmap',
        `deleting the empty reservation at ${formatPointer(this.address)} failed: munmap: ` +
          'Invalid argument (libpmem2 cannot delete a 0-byte reservation either); extend it ' +
          'first, or let the finalizer release it',
      );
    }
    checkStatus(binding.reservationDelete(state.handle), {
      ...this.#context('deleting'),
      syscall: 'munmap',
      texts: {
        [PMEM2_E.VM_RESERVATION_NOT_EMPTY]: `vm reservation ${formatPointer(this.address)} isn't empty`,
      },
    });
    reservationStates.delete(this);
  }

  /**
   * Deletes the reservation unless it is already deleted, for `using`.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} as {@link VmReservation.delete}, except the already-deleted case.
   * @example
   * ```ts
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(16 * 1024 * 1024);
   * rsv[Symbol.dispose](); // what `using rsv = VmReservation.new(…)` calls when its block ends
   * rsv[Symbol.dispose](); // a second call does nothing
   * ```
   * @see libpmem2: pmem2_vm_reservation_delete(3)
   */
  [Symbol.dispose](): void {
    if (reservationStates.has(this)) this.delete();
  }

  // The live state, or PMEM2_E_MAPPING_NOT_FOUND for a deleted reservation.
  #state(what: string): ReservationState {
    const state = reservationStates.get(this);
    if (state === undefined) {
      throw new Pmem2Error(
        PMEM2_E.MAPPING_NOT_FOUND,
        `${what}: the virtual memory reservation was deleted; create a new one with VmReservation.new()`,
      );
    }
    return state;
  }

  // How native statuses of this reservation's calls become errors.
  #context(action: string): Omit<NativeCallContext, 'syscall'> {
    return { action: `${action} the reservation at ${formatPointer(this.address)}` };
  }

  // Throws MAPPING_NOT_FOUND with libpmem2's text as both messages.
  #notFound(text: string): never {
    throw new Pmem2Error(PMEM2_E.MAPPING_NOT_FOUND, text, { libpmem2Message: text });
  }
}
