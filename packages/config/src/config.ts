// config.ts -- pmem2_config: a mapping's parameters, with libpmem2's defaults and setter checks

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { describeValue } from './describe-value.js';
import { Granularity } from './granularity.js';
import { PROTECTION_VALID_BITS, Protection } from './protection.js';
import { Sharing } from './sharing.js';
import { INT64_MAX, isExactInteger, toSize } from './size.js';
import { isVmReservationLike, type VmReservationLike } from './vm-reservation-like.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_LIMIT = 2 ** 32;

/** Tells whether a value is a number C passes unchanged as an `int` (an enum argument). */
function isInt32(value: unknown): value is number {
  return (
    Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX
  );
}

/**
 * The parameters of a mapping: what part of the source to map, how, and which store
 * granularity the application requires.
 *
 * @remarks
 * By default (`pmem2_config_init`): no required store granularity (mapping fails with
 * `PMEM2_E_GRANULARITY_NOT_SET` until one is set), offset 0, length 0 (map to the end of the
 * source), protection `READ | WRITE`, sharing `SHARED`, no virtual memory reservation
 * (reservation offset 0).
 *
 * The setters check exactly what libpmem2's setters check, with the same codes and
 * `libpmem2Message` texts, and return `this` for chaining. Everything that depends on the
 * source (alignment, size) is checked by `mapNew` through {@link validateOffset} and
 * {@link validateLength}. A setter that throws leaves the config unchanged.
 *
 * Input that C cannot express (a negative, fractional, NaN, infinite or unsafe-integer number,
 * a bigint beyond the C type, a value of the wrong type) is refused with a `Pmem2Error`, never
 * coerced; each setter documents the code.
 *
 * A config holds no resource. `new Config()` is `pmem2_config_new` (which can only fail with
 * `-ENOMEM`, here an ordinary JavaScript allocation failure); {@link Config.delete} and
 * `[Symbol.dispose]` exist for parity with `pmem2_config_delete` and do nothing.
 *
 * @example
 * ```ts
 * import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
 * const cfg = new Config()
 *   .setRequiredStoreGranularity(Granularity.PAGE)
 *   .setOffset(4096)
 *   .setLength(1n << 20n)
 *   .setProtection(Protection.READ)
 *   .setSharing(Sharing.SHARED);
 * cfg.length; // 1048576n
 * ```
 * @see libpmem2: pmem2_config_new(3), pmem2_config_delete(3)
 */
export class Config {
  #requiredStoreGranularity: Granularity | undefined = undefined;
  #offset = 0n;
  #length = 0n;
  #protection: number = Protection.READ + Protection.WRITE;
  #sharing: Sharing = Sharing.SHARED;
  #vmReservation: VmReservationLike | null = null;
  #vmReservationOffset = 0n;

  /**
   * The largest store granularity the application accepts, or `undefined` until
   * {@link Config.setRequiredStoreGranularity} is called.
   */
  get requiredStoreGranularity(): Granularity | undefined {
    return this.#requiredStoreGranularity;
  }

  /** Offset of the mapping in the source, in bytes (default 0n). */
  get offset(): bigint {
    return this.#offset;
  }

  /** Length of the mapping in bytes; 0n (the default) maps from the offset to the end. */
  get length(): bigint {
    return this.#length;
  }

  /**
   * The protection flags as a C `unsigned`: an OR of {@link Protection} values read as an
   * unsigned 32-bit number (default `READ | WRITE` = 3221225472).
   */
  get protection(): number {
    return this.#protection;
  }

  /** How the source is mapped: {@link Sharing.SHARED} (default) or {@link Sharing.PRIVATE}. */
  get sharing(): Sharing {
    return this.#sharing;
  }

  /** The virtual memory reservation to map into, or `null` (the default). */
  get vmReservation(): VmReservationLike | null {
    return this.#vmReservation;
  }

  /** Offset of the mapping inside {@link Config.vmReservation}, in bytes (default 0n). */
  get vmReservationOffset(): bigint {
    return this.#vmReservationOffset;
  }

  /**
   * Sets the largest store granularity the application can handle.
   *
   * @remarks
   * `mapNew` fails with `PMEM2_E_GRANULARITY_NOT_SET` until this is called, and with
   * `PMEM2_E_GRANULARITY_NOT_SUPPORTED` when the mapping can only offer a larger granularity
   * than `granularity`. Calling it again replaces the value.
   *
   * @param granularity - {@link Granularity.BYTE}, {@link Granularity.CACHE_LINE} or
   *   {@link Granularity.PAGE}.
   * @returns `this`, for chaining.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_GRANULARITY_NOT_SUPPORTED` when `granularity` is not
   *   0, 1 or 2. `libpmem2Message` is `"unknown granularity value %d"` for a 32-bit integer
   *   (what C's `int` enum can carry) and empty for any other value.
   * @example
   * ```ts
   * import { Config, Granularity } from '@pmem2/config';
   * const cfg = new Config().setRequiredStoreGranularity(Granularity.CACHE_LINE);
   * cfg.requiredStoreGranularity; // 1
   * ```
   * @see libpmem2: pmem2_config_set_required_store_granularity(3)
   */
  setRequiredStoreGranularity(granularity: Granularity): this {
    if (
      granularity !== Granularity.BYTE &&
      granularity !== Granularity.CACHE_LINE &&
      granularity !== Granularity.PAGE
    ) {
      throw new Pmem2Error(
        PMEM2_E.GRANULARITY_NOT_SUPPORTED,
        `unknown store granularity ${describeValue(granularity)}; use Granularity.BYTE (0), ` +
          'Granularity.CACHE_LINE (1) or Granularity.PAGE (2)',
        { libpmem2Message: isInt32(granularity) ? `unknown granularity value ${granularity}` : '' },
      );
    }
    this.#requiredStoreGranularity = granularity;
    return this;
  }

  /**
   * Sets the offset of the mapping in the source, in bytes.
   *
   * @remarks
   * The offset is not checked against the source's alignment or size here; `mapNew` does that
   * ({@link validateOffset}: `PMEM2_E_OFFSET_UNALIGNED`; {@link validateLength}:
   * `PMEM2_E_MAP_RANGE`). mmap takes the offset as an `off_t`, so it must not exceed INT64_MAX.
   *
   * @param offset - 0 … INT64_MAX, as a safe-integer number or a bigint.
   * @returns `this`, for chaining.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_OFFSET_OUT_OF_RANGE`:
   *   - for an integer above INT64_MAX, with `libpmem2Message`
   *     `"offset is greater than INT64_MAX"`;
   *   - for a negative integer, with the same `libpmem2Message`: C would receive it as a
   *     `size_t` of 2^64 − |offset|, which is greater than INT64_MAX;
   *   - for a fraction, NaN, ±Infinity, a number above 2^53 − 1 (pass a bigint) or a
   *     non-number, with an empty `libpmem2Message`.
   * @example
   * ```ts
   * import { Config } from '@pmem2/config';
   * new Config().setOffset(2 * 1024 * 1024).offset; // 2097152n
   * new Config().setOffset(2n ** 63n);              // throws PMEM2_E_OFFSET_OUT_OF_RANGE
   * ```
   * @see libpmem2: pmem2_config_set_offset(3)
   */
  setOffset(offset: number | bigint): this {
    if (isExactInteger(offset)) {
      const value = BigInt(offset);
      if (value < 0n || value > INT64_MAX) {
        const asSizeT = value < 0n ? `, which C receives as the size_t ${2n ** 64n + value},` : '';
        throw new Pmem2Error(
          PMEM2_E.OFFSET_OUT_OF_RANGE,
          `offset ${describeValue(offset)}${asSizeT} is greater than INT64_MAX ` +
            `(${INT64_MAX}), the largest offset mmap accepts; use an offset from 0 to INT64_MAX`,
          { libpmem2Message: 'offset is greater than INT64_MAX' },
        );
      }
    }
    this.#offset = toSize(offset, 'offset', PMEM2_E.OFFSET_OUT_OF_RANGE);
    return this;
  }

  /**
   * Sets the length of the mapping, in bytes; 0 maps from the offset to the end of the source.
   *
   * @remarks
   * libpmem2 accepts any `size_t` here. The length is checked by `mapNew`
   * ({@link validateLength}): it must be a multiple of the source alignment
   * (`PMEM2_E_LENGTH_UNALIGNED`) and offset + length must fit in the source
   * (`PMEM2_E_MAP_RANGE`).
   *
   * @param length - 0 … 2^64 − 1, as a safe-integer number or a bigint.
   * @returns `this`, for chaining.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_LENGTH_OUT_OF_RANGE` (this package's choice; the C
   *   setter never fails) for what is not a `size_t`: a negative number or bigint (C would
   *   silently wrap it to 2^64 − |length|), a fraction, NaN, ±Infinity, a number above
   *   2^53 − 1 (pass a bigint), a bigint above 2^64 − 1 or a non-number. `libpmem2Message` is
   *   empty.
   * @example
   * ```ts
   * import { Config } from '@pmem2/config';
   * new Config().setLength(4096).length; // 4096n
   * ```
   * @see libpmem2: pmem2_config_set_length(3)
   */
  setLength(length: number | bigint): this {
    this.#length = toSize(length, 'length', PMEM2_E.LENGTH_OUT_OF_RANGE);
    return this;
  }

  /**
   * Sets the protection of the mapping: {@link Protection.NONE} or an OR of
   * {@link Protection.EXEC}, {@link Protection.READ} and {@link Protection.WRITE}.
   *
   * @remarks
   * Any combination is accepted, including `WRITE` alone. The flags form a C `unsigned`, and
   * `|` in JavaScript yields a negative 32-bit number when `WRITE` (bit 31) is set, so a
   * number from −2^31 to 2^32 − 1 is read as its 32 bits, as C converts `int` to `unsigned`.
   * {@link Config.protection} returns the unsigned value.
   *
   * @param flags - an OR of {@link Protection} values.
   * @returns `this`, for chaining.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_PROT_FLAG`:
   *   - when a bit outside 29..31 is set, with `libpmem2Message` `"invalid flag %u"` (the whole
   *     unsigned value, as libpmem2 prints it);
   *   - for a number that is not an integer from −2^31 to 2^32 − 1, or a non-number, with an
   *     empty `libpmem2Message`.
   * @example
   * ```ts
   * import { Config, Protection } from '@pmem2/config';
   * new Config().setProtection(Protection.READ).protection; // 1073741824
   * ```
   * @see libpmem2: pmem2_config_set_protection(3)
   */
  setProtection(flags: number): this {
    if (!Number.isInteger(flags) || flags < INT32_MIN || flags >= UINT32_LIMIT) {
      throw new Pmem2Error(
        PMEM2_E.INVALID_PROT_FLAG,
        `protection flags must be a 32-bit integer (an OR of Protection.NONE, EXEC, READ and ` +
          `WRITE), got ${describeValue(flags)}`,
      );
    }
    const unsigned = flags >>> 0;
    const unknownBits = (unsigned & ~PROTECTION_VALID_BITS) >>> 0;
    if (unknownBits !== 0) {
      throw new Pmem2Error(
        PMEM2_E.INVALID_PROT_FLAG,
        `protection flags 0x${unsigned.toString(16)} have bits outside PMEM2_PROT_EXEC, READ ` +
          `and WRITE (0x${unknownBits.toString(16)}); combine only Protection.NONE, EXEC, ` +
          'READ and WRITE (the PROT_* values of <sys/mman.h> are different bits)',
        { libpmem2Message: `invalid flag ${unsigned}` },
      );
    }
    this.#protection = unsigned;
    return this;
  }

  /**
   * Sets how the source is mapped: {@link Sharing.SHARED} (MAP_SHARED, the default) or
   * {@link Sharing.PRIVATE} (MAP_PRIVATE, copy-on-write).
   *
   * @param sharing - 0 (SHARED) or 1 (PRIVATE).
   * @returns `this`, for chaining.
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_SHARING_VALUE` for any other value.
   *   `libpmem2Message` is `"unknown sharing value %d"` for a 32-bit integer (what C's `int`
   *   enum can carry) and empty for any other value.
   * @example
   * ```ts
   * import { Config, Sharing } from '@pmem2/config';
   * new Config().setSharing(Sharing.PRIVATE).sharing; // 1
   * ```
   * @see libpmem2: pmem2_config_set_sharing(3)
   */
  setSharing(sharing: Sharing): this {
    if (sharing !== Sharing.SHARED && sharing !== Sharing.PRIVATE) {
      throw new Pmem2Error(
        PMEM2_E.INVALID_SHARING_VALUE,
        `unknown sharing value ${describeValue(sharing)}; use Sharing.SHARED (0) or ` +
          'Sharing.PRIVATE (1)',
        { libpmem2Message: isInt32(sharing) ? `unknown sharing value ${sharing}` : '' },
      );
    }
    this.#sharing = sharing;
    return this;
  }

  /**
   * Makes `mapNew` place the mapping inside a virtual memory reservation, at `offset` bytes
   * from its start; `null` clears the reservation (the offset is stored either way, as in C).
   *
   * @remarks
   * Like libpmem2, nothing about the reservation or the offset is checked against each other
   * here. `mapNew` checks that the offset is page-aligned (`PMEM2_E_OFFSET_UNALIGNED`), that
   * the mapping fits (`PMEM2_E_LENGTH_OUT_OF_RANGE`), the address alignment
   * (`PMEM2_E_ADDRESS_UNALIGNED`) and that the range is free (`PMEM2_E_MAPPING_EXISTS`).
   *
   * @param reservation - a `VmReservation` from `@pmem2/map` (any {@link VmReservationLike}),
   *   or `null`.
   * @param offset - 0 … 2^64 − 1, as a safe-integer number or a bigint.
   * @returns `this`, for chaining.
   * @throws {@link @pmem2/errors!Pmem2Error} (choices of this package; the C setter never fails; empty
   *   `libpmem2Message`):
   *   - `PMEM2_E_NOSUPP` when `reservation` is neither `null` nor an object with `address`
   *     and `size`;
   *   - `PMEM2_E_OFFSET_OUT_OF_RANGE` when `offset` is not a `size_t` (negative, fraction,
   *     NaN, ±Infinity, a number above 2^53 − 1, a bigint above 2^64 − 1, a non-number).
   * @example
   * ```ts
   * import { Config } from '@pmem2/config';
   * import { VmReservation } from '@pmem2/map';
   * const rsv = VmReservation.new(1 << 30);
   * const cfg = new Config().setVmReservation(rsv, 2 * 1024 * 1024);
   * ```
   * @see libpmem2: pmem2_config_set_vm_reservation(3)
   */
  setVmReservation(reservation: VmReservationLike | null, offset: number | bigint): this {
    if (reservation !== null && !isVmReservationLike(reservation)) {
      throw new Pmem2Error(
        PMEM2_E.NOSUPP,
        `setVmReservation takes a VmReservation (an object with address and size) or null, ` +
          `got ${describeValue(reservation)}`,
      );
    }
    const vmReservationOffset = toSize(
      offset,
      'vm reservation offset',
      PMEM2_E.OFFSET_OUT_OF_RANGE,
    );
    this.#vmReservation = reservation;
    this.#vmReservationOffset = vmReservationOffset;
    return this;
  }

  /**
   * Does nothing: a config holds no resource. Kept for parity with `pmem2_config_delete`,
   * which frees the C structure and cannot fail. The config stays usable afterwards.
   *
   * @example
   * ```ts
   * import { Config } from '@pmem2/config';
   * const cfg = new Config();
   * cfg.delete();
   * ```
   * @see libpmem2: pmem2_config_delete(3)
   */
  delete(): void {}

  /**
   * Same as {@link Config.delete} (nothing), so that `using cfg = new Config()` works.
   *
   * @example
   * ```ts
   * import { Config } from '@pmem2/config';
   * // `using cfg = new Config()` calls it at the end of the block (Node 24, or TypeScript's
   * // downlevel `using`); on Node 20 call it yourself, or not at all: it does nothing
   * const cfg = new Config();
   * cfg[Symbol.dispose]();
   * cfg.setOffset(4096); // still usable
   * ```
   * @see libpmem2: pmem2_config_delete(3)
   */
  [Symbol.dispose](): void {
    this.delete();
  }
}
