// codes.ts -- every PMEM2_E_* code of libpmem2/base.h, with its exact value

/**
 * libpmem2's error codes, keyed without the `PMEM2_E_` prefix. Values are identical to
 * `libpmem2/base.h` (PMDK 1.12.1 and later); names are permanent. −100002 is intentionally
 * absent: it was `PMEM2_E_INVALID_ARG`, removed from libpmem2 in 2020.
 *
 * @example
 * ```ts
 * import { PMEM2_E } from '@pmem2/errors';
 * console.log(PMEM2_E.MAP_RANGE); // -100006
 * ```
 * @see libpmem2: libpmem2(7), section ERRORS
 */
export const PMEM2_E = {
  /** Unknown error; libpmem2 only uses it as an initial value. */
  UNKNOWN: -100000,
  /** The operation is not supported for this source, platform or state. */
  NOSUPP: -100001,
  /** Windows only: the file handle was not set. */
  FILE_HANDLE_NOT_SET: -100003,
  /** The file descriptor is negative, closed, or opened O_WRONLY. */
  INVALID_FILE_HANDLE: -100004,
  /** The file type is not supported (directory, FIFO, socket, block or non-DAX char device). */
  INVALID_FILE_TYPE: -100005,
  /** The mapping range does not fit in the source, or offset + length overflows. */
  MAP_RANGE: -100006,
  /** The requested address range is already occupied by another mapping. */
  MAPPING_EXISTS: -100007,
  /** The required store granularity was never set on the config. */
  GRANULARITY_NOT_SET: -100008,
  /** The granularity value is unknown, or the platform cannot provide the requested one. */
  GRANULARITY_NOT_SUPPORTED: -100009,
  /** An offset is greater than INT64_MAX or beyond the end of the object. */
  OFFSET_OUT_OF_RANGE: -100010,
  /** An offset is not a multiple of the required alignment. */
  OFFSET_UNALIGNED: -100011,
  /** The device DAX alignment could not be read. */
  INVALID_ALIGNMENT_FORMAT: -100012,
  /** The alignment is not a power of two. */
  INVALID_ALIGNMENT_VALUE: -100013,
  /** The device DAX size could not be parsed. */
  INVALID_SIZE_FORMAT: -100014,
  /** A length is not a multiple of the required alignment. */
  LENGTH_UNALIGNED: -100015,
  /** No mapping was found (already deleted, or nothing in the searched range). */
  MAPPING_NOT_FOUND: -100016,
  /** The caller's buffer is too small. */
  BUFFER_TOO_SMALL: -100017,
  /** The source has size 0. */
  SOURCE_EMPTY: -100018,
  /** The sharing value is neither SHARED nor PRIVATE. */
  INVALID_SHARING_VALUE: -100019,
  /** Device DAX cannot be mapped with MAP_PRIVATE. */
  SRC_DEVDAX_PRIVATE: -100020,
  /** Legacy: invalid address request type. */
  INVALID_ADDRESS_REQUEST_TYPE: -100021,
  /** An address is not aligned as required. */
  ADDRESS_UNALIGNED: -100022,
  /** Legacy: a NULL address was given. */
  ADDRESS_NULL: -100023,
  /** The deep flush range exceeds the mapping. */
  DEEP_FLUSH_RANGE: -100024,
  /** Legacy: the region format is invalid. */
  INVALID_REGION_FORMAT: -100025,
  /** The DAX region of the source could not be found. */
  DAX_REGION_NOT_FOUND: -100026,
  /** A sysfs device number file is malformed. */
  INVALID_DEV_FORMAT: -100027,
  /** The bounds of a namespace could not be read. */
  CANNOT_READ_BOUNDS: -100028,
  /** No (more) bad blocks were found. */
  NO_BAD_BLOCK_FOUND: -100029,
  /** A length is out of range (reservation too small, beyond end of file, zero). */
  LENGTH_OUT_OF_RANGE: -100030,
  /** Protection flags have bits outside PMEM2_PROT_EXEC|READ|WRITE. */
  INVALID_PROT_FLAG: -100031,
  /** mmap refused access (EACCES): e.g. an O_RDONLY fd mapped shared with PROT_WRITE. */
  NO_ACCESS: -100032,
  /** The virtual memory reservation still contains mappings. */
  VM_RESERVATION_NOT_EMPTY: -100033,
  /** The mapping is already registered (pmem2_map_from_existing). */
  MAP_EXISTS: -100034,
  /** The source has no file descriptor (anonymous source). */
  FILE_DESCRIPTOR_NOT_SET: -100035,
  /** The operation does not support this source type. */
  SOURCE_TYPE_NOT_SUPPORTED: -100036,
  /** An I/O operation failed, possibly on a bad block. */
  IO_FAIL: -100037,
} as const;

/** A key of {@link PMEM2_E}: the code name without the `PMEM2_E_` prefix. */
export type Pmem2CodeKey = keyof typeof PMEM2_E;

/** A full libpmem2 code name such as `'PMEM2_E_MAP_RANGE'`. */
export type Pmem2CodeName = `PMEM2_E_${Pmem2CodeKey}`;

/** The numeric value of a libpmem2 code, such as `-100006`. */
export type Pmem2CodeValue = (typeof PMEM2_E)[Pmem2CodeKey];

const NAME_BY_VALUE: ReadonlyMap<number, Pmem2CodeName> = new Map(
  Object.entries(PMEM2_E).map(([key, value]) => [value, `PMEM2_E_${key}` as Pmem2CodeName]),
);

/**
 * Returns the `PMEM2_E_*` name of a libpmem2 code value, or `undefined` for a value that is
 * not a libpmem2 code (an errno, or the absent −100002).
 *
 * @example
 * ```ts
 * import { pmem2CodeName } from '@pmem2/errors';
 * pmem2CodeName(-100006); // 'PMEM2_E_MAP_RANGE'
 * ```
 * @see libpmem2: libpmem2(7)
 */
export function pmem2CodeName(value: number): Pmem2CodeName | undefined {
  return NAME_BY_VALUE.get(value);
}
