// map-posix.ts -- pmem2_map_new (map_posix.c): libpmem2's checks in libpmem2's order, then mmap

import {
  type Config,
  type Granularity,
  Sharing,
  validateGranularitySet,
  validateLength,
  validateOffset,
} from '@pmem2/config';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import {
  binding,
  GRANULARITY_REASONS,
  type GranularityReason,
  MAP_NEW_STEPS,
  type MapHandle,
  MapNewSlot,
  type MapNewStep,
  newMapNewResult,
  PERSIST_KINDS,
  type PersistKind,
} from '@pmem2/native';
import { autoFlush, type Source } from '@pmem2/source';
import { sourceFacts } from './deep-flush.js';
import { formatPointer } from './format.js';
import { granularityError } from './granularity.js';
import { CONSTRUCT, type ReservationState, reservationStates } from './internal.js';
import { unwrapResult } from './native-call.js';
import { Pmem2Map } from './pmem2-map.js';
import { mappingRegistry } from './registry.js';
import { VmReservation } from './vm-reservation.js';

const EACCES = -ERRNO.EACCES;
const EEXIST = -ERRNO.EEXIST;
const ENOTSUP = -ERRNO.ENOTSUP; // EOPNOTSUPP is the same value on Linux

/** The reservation a config points at, resolved to its live state. */
interface ReservationTarget {
  readonly reservation: VmReservation;
  readonly state: ReservationState;
  readonly offset: bigint;
}

/**
 * Maps a source as a config describes: libpmem2's `pmem2_map_new`.
 *
 * @remarks
 * The checks run in libpmem2's order, so the first error is the one C reports, with its code
 * and `pmem2_errormsg()` text (`Pmem2Error.libpmem2Message`): granularity set → source
 * alignment → source size (re-`fstat`) → offset alignment → directory → device DAX +
 * private → length (empty → unaligned → overflow → past end) → reservation (offset
 * alignment → space → device DAX address alignment → occupied) → mmap → granularity. The
 * mmap and the granularity decision are one native call, which also refuses (with
 * `PMEM2_E_MAP_RANGE`) a range past the end of a regular file should it have grown shorter
 * since the check.
 *
 * The mapping's size is the content length: `length`, or (length 0) the source size minus
 * the offset — so a 5000-byte file maps with size 5000. Mappings of 2 MiB or more start on a
 * 2 MiB boundary (1 GiB for 2 GiB or more). An anonymous source's offset is checked for
 * alignment and counted in the range check, then ignored (anonymous memory maps at 0).
 * Quirk kept from libpmem2: offset equal to the source size with length 0 passes the checks
 * and fails in mmap with `-EINVAL`.
 *
 * The effective granularity (`map.storeGranularity`), decided by @pmem2/native inside the
 * mapNew call and never changed, is: anonymous → BYTE; private → BYTE (even over
 * `PMEM2_FORCE_GRANULARITY`); then `PMEM2_FORCE_GRANULARITY` (read from the process
 * environment on every call; `BYTE`, `CACHE_LINE`, `CACHELINE` or `PAGE`, any case; other
 * values ignored; see {@link forcedGranularity} for worker threads); no MAP_SYNC → PAGE; no
 * eADR → CACHE_LINE; else BYTE ({@link explainGranularity} says which rule applied). The
 * required granularity is a maximum: only a coarser available one fails. The eADR scan of
 * `/sys/bus/nd/devices` (`autoFlush`) runs only when its answer decides (a shared MAP_SYNC
 * mapping, nothing forced); libpmem2 runs it on every call, with the same result.
 *
 * A failure leaves nothing behind: no mapping, no placeholder, no reservation occupancy, no
 * registry entry. The source's fd is only used during the call.
 *
 * Where a libpmem2 text prints `%p` of its own struct, the address of the reservation or
 * mapping is printed instead. A failed mmap has libpmem2's text for its step:
 * `"mmap MAP_ANONYMOUS: …"` for the placeholder, `"munmap: …"` for the trimming of its unaligned
 * head or tail, `"mmap: …"` for the mapping of the source.
 *
 * @param config - what to map (granularity, offset, length, protection, sharing, reservation).
 * @param source - the file, device DAX or anonymous memory to map.
 * @returns the new mapping; delete it with {@link Pmem2Map.delete} or `using`.
 * @throws {@link @pmem2/errors!Pmem2Error}
 *   `PMEM2_E_GRANULARITY_NOT_SET`;
 *   the errors of `Source#alignment` and `Source#size` (e.g. `PMEM2_E_INVALID_FILE_HANDLE`
 *   for a closed fd, `PMEM2_E_INVALID_ALIGNMENT_VALUE`, `PMEM2_E_DAX_REGION_NOT_FOUND`);
 *   `PMEM2_E_OFFSET_UNALIGNED`; `PMEM2_E_INVALID_FILE_TYPE` (directory);
 *   `PMEM2_E_SRC_DEVDAX_PRIVATE`; `PMEM2_E_SOURCE_EMPTY`; `PMEM2_E_LENGTH_UNALIGNED`;
 *   `PMEM2_E_MAP_RANGE` (overflow; past the end, also when native's own fstat finds it);
 *   reservation: `PMEM2_E_OFFSET_UNALIGNED`, `PMEM2_E_LENGTH_OUT_OF_RANGE` (too small),
 *   `PMEM2_E_ADDRESS_UNALIGNED` (device DAX alignment), `PMEM2_E_MAPPING_EXISTS`
 *   (occupied), `PMEM2_E_MAPPING_NOT_FOUND` (the reservation was deleted);
 *   mmap: `PMEM2_E_NO_ACCESS` (EACCES, e.g. a read-only fd with shared write access),
 *   `PMEM2_E_NOSUPP` (ENOTSUP), `PMEM2_E_MAPPING_EXISTS` (EEXIST), or `-errno` such as
 *   `EINVAL`, `ENOMEM`, `ENODEV`;
 *   `PMEM2_E_GRANULARITY_NOT_SUPPORTED` when the available granularity is coarser than
 *   the required one; `EEXIST` when the range is already registered.
 *   TypeError when the config's reservation was not made by {@link VmReservation.new}.
 * @example
 * ```ts
 * import { unlinkSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Config, Granularity } from '@pmem2/config';
 * import { Source } from '@pmem2/source';
 * import { mapNew } from '@pmem2/map';
 * const path = join(tmpdir(), `pmem2-example-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(1 << 20));
 * const src = Source.fromPath(path);
 * const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
 * try {
 *   map.size; // 1048576
 *   map.storeGranularity === Granularity.PAGE; // true
 * } finally {
 *   map.delete();
 *   src.delete();
 *   unlinkSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export function mapNew(config: Config, source: Source): Pmem2Map {
  validateGranularitySet(config);
  const requested = config.requiredStoreGranularity as Granularity;
  const sourceAlignment = BigInt(source.alignment());
  const fileLength = source.sizeBigInt();
  validateOffset(config, sourceAlignment);
  const effectiveOffset = source.type === 'anon' ? 0n : config.offset;
  rejectDirectory(source);
  rejectDeviceDaxPrivate(config, source);
  validateLength(config, fileLength, sourceAlignment);
  const contentLength = config.length !== 0n ? config.length : fileLength - effectiveOffset;
  const target = resolveReservation(config);
  if (target !== undefined) checkReservationRange(target, contentLength, sourceAlignment);

  const undo: Array<() => void> = [];
  try {
    const handle = mmapSource(
      config,
      source,
      effectiveOffset,
      contentLength,
      sourceAlignment,
      target,
      requested,
    );
    undo.push(() => binding.mapDelete(handle)); // err_undo_mapping: munmap, or mend
    const address = BigInt(result[MapNewSlot.address] as number);
    const map = new Pmem2Map(CONSTRUCT, {
      handle,
      address,
      size: Number(contentLength),
      granularity: result[MapNewSlot.granularity] as Granularity,
      granularityReason: GRANULARITY_REASONS[
        result[MapNewSlot.reason] as number
      ] as GranularityReason,
      mapSync: result[MapNewSlot.mapSync] === 1,
      persistKind: PERSIST_KINDS[result[MapNewSlot.persistKind] as number] as PersistKind,
      protection: config.protection,
      sharing: config.sharing,
      reservation: target?.reservation ?? null,
      source: sourceFacts(source),
    });
    registerMapping(map, address, contentLength);
    undo.push(() => mappingRegistry.remove(map)); // err_unregister_map
    if (target !== undefined) registerInReservation(map, address, contentLength, target);
    return map;
  } catch (error) {
    for (const step of undo.reverse()) step();
    throw error;
  }
}

// The directory check of pmem2_map_new (unreachable through Source constructors that refuse
// directories, kept for sources that carry one).
function rejectDirectory(source: Source): void {
  if (source.type === 'directory') {
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_TYPE,
      'a directory cannot be mapped; open a regular file or a device DAX instead',
      { libpmem2Message: 'the directory is not a supported file type' },
    );
  }
}

// Device DAX cannot be mapped copy-on-write.
function rejectDeviceDaxPrivate(config: Config, source: Source): void {
  if (source.type === 'devdax' && config.sharing === Sharing.PRIVATE) {
    throw new Pmem2Error(
      PMEM2_E.SRC_DEVDAX_PRIVATE,
      'a device DAX cannot be mapped with Sharing.PRIVATE; use Sharing.SHARED',
      { libpmem2Message: 'device DAX does not support mapping with MAP_PRIVATE' },
    );
  }
}

// The config's reservation as a live VmReservation of this package, or undefined.
function resolveReservation(config: Config): ReservationTarget | undefined {
  const reservation = config.vmReservation;
  if (reservation === null) return undefined;
  if (!(reservation instanceof VmReservation)) {
    throw new TypeError(
      'the config refers to a virtual memory reservation that VmReservation.new() of ' +
        '@pmem2/map did not create; mapNew can only map into its own reservations',
    );
  }
  const state = reservationStates.get(reservation);
  if (state === undefined) {
    throw new Pmem2Error(
      PMEM2_E.MAPPING_NOT_FOUND,
      'the config refers to a virtual memory reservation that was deleted; ' +
        'set a live one with setVmReservation()',
    );
  }
  return { reservation, state, offset: config.vmReservationOffset };
}

// The reservation branch of pmem2_map_new: offset alignment, space, address alignment,
// occupancy, in libpmem2's order.
function checkReservationRange(
  target: ReservationTarget,
  contentLength: bigint,
  sourceAlignment: bigint,
): void {
  const pageSize = BigInt(binding.pageSize());
  const reservedLength = roundUp(contentLength, pageSize);
  const { reservation, offset } = target;
  const address = reservation.address;
  const where = formatPointer(address);
  if (offset % pageSize !== 0n) {
    const text = `virtual memory reservation offset ${offset} is not a multiple of ${pageSize}`;
    throw new Pmem2Error(PMEM2_E.OFFSET_UNALIGNED, `${text}; use a page-aligned offset`, {
      libpmem2Message: text,
    });
  }
  if (offset + reservedLength > BigInt(reservation.size)) {
    const text = `Reservation ${where} has not enough space for the intended content`;
    throw new Pmem2Error(
      PMEM2_E.LENGTH_OUT_OF_RANGE,
      `${text}: offset ${offset} + ${reservedLength} bytes passes its ${reservation.size} ` +
        'bytes; extend the reservation or map less',
      { libpmem2Message: text },
    );
  }
  const base = address + offset;
  if (base % sourceAlignment !== 0n) {
    const text =
      `base mapping address ${formatPointer(base)} (virtual memory reservation address + ` +
      `offset) is not a multiple of ${sourceAlignment} required by device DAX`;
    throw new Pmem2Error(
      PMEM2_E.ADDRESS_UNALIGNED,
      `${text}; choose a reservation offset that keeps it aligned`,
      { libpmem2Message: text },
    );
  }
  if (target.state.maps.find(base, reservedLength) !== undefined) {
    const text =
      `region of the reservation ${where} at the offset ${offset} and length ` +
      `${reservedLength} is at least partly occupied by other mapping`;
    throw new Pmem2Error(
      PMEM2_E.MAPPING_EXISTS,
      `${text}; delete that mapping or use another offset`,
      { libpmem2Message: text },
    );
  }
}

// libpmem2's name for the system call of each step of mapNew: map_reserve's placeholder mmap,
// its munmap of the unaligned head or tail, and file_map's mmap of the source.
const FAILED_STEP_SYSCALL: Readonly<Record<MapNewStep, string>> = {
  none: 'mmap',
  placeholder: 'mmap MAP_ANONYMOUS',
  'placeholder-trim': 'munmap',
  mmap: 'mmap',
};

// What the one native call of mapNew reports besides the handle; read right after the call.
const result = newMapNewResult();

// The range check against the file, the placeholder (or reservation range), the mmap and the
// granularity decision, in one native call.
function mmapSource(
  config: Config,
  source: Source,
  effectiveOffset: bigint,
  contentLength: bigint,
  sourceAlignment: bigint,
  target: ReservationTarget | undefined,
  requested: Granularity,
): MapHandle {
  const fd = source.type === 'anon' ? -1 : source.getFd();
  const handle = binding.mapNew(
    fd,
    effectiveOffset,
    contentLength,
    config.protection,
    config.sharing === Sharing.PRIVATE,
    Number(sourceAlignment),
    target?.state.handle ?? null,
    target?.offset ?? 0n,
    requested,
    () => autoFlush({ sysfsRoot: source.sysfsRoot }) === 1,
    result,
    // process.env's value, not getenv's: Bun's process.env assignments never reach C
    process.env.PMEM2_FORCE_GRANULARITY,
  );
  if (handle === PMEM2_E.GRANULARITY_NOT_SUPPORTED) {
    throw granularityError(requested, result[MapNewSlot.granularity] as Granularity);
  }
  return unwrapResult(handle, () => ({
    action: `mapping ${contentLength} bytes at offset ${effectiveOffset} of the ${source.type} source`,
    syscall:
      FAILED_STEP_SYSCALL[MAP_NEW_STEPS[result[MapNewSlot.failedStep] as number] as MapNewStep],
    translate: {
      [EACCES]: PMEM2_E.NO_ACCESS,
      [ENOTSUP]: PMEM2_E.NOSUPP,
      [EEXIST]: PMEM2_E.MAPPING_EXISTS,
    },
    advice: {
      [PMEM2_E.NO_ACCESS]:
        'the fd does not allow this protection (a read-only fd cannot be mapped shared ' +
        'and writable); open it read-write, or map it read-only or Sharing.PRIVATE',
      [PMEM2_E.MAPPING_EXISTS]:
        'a deleted mapping of this reservation range is kept as anonymous memory until its ' +
        'ArrayBuffer is collected (a view, or a Node thread-pool task, may still use it); ' +
        'drop the views and let pending I/O finish, or map at another offset',
    },
  }));
}

// pmem2_register_mapping: the realm's registry refuses an overlap with the raw -EEXIST.
function registerMapping(map: Pmem2Map, address: bigint, contentLength: bigint): void {
  if (!mappingRegistry.insert(map, address, contentLength)) {
    throw new Pmem2Error(
      EEXIST,
      `the new mapping at ${formatPointer(address)} overlaps a registered one`,
    );
  }
}

// vm_reservation_map_register_release: the reservation refuses an overlap.
function registerInReservation(
  map: Pmem2Map,
  address: bigint,
  contentLength: bigint,
  target: ReservationTarget,
): void {
  if (!target.state.maps.insert(map, address, contentLength)) {
    const text = 'mapping at the given region of the reservation already exists';
    throw new Pmem2Error(PMEM2_E.MAPPING_EXISTS, text, { libpmem2Message: text });
  }
}

// roundup(value, multiple) of libpmem2's util.h.
function roundUp(value: bigint, multiple: bigint): bigint {
  return ((value + multiple - 1n) / multiple) * multiple;
}
