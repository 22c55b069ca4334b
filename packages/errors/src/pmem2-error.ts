// pmem2-error.ts -- the one error class of the @pmem2 packages

import { type Pmem2CodeName, pmem2CodeName } from './codes.js';
import { errnoName, strerror } from './errno.js';

/**
 * The `code` of a {@link Pmem2Error}: a `PMEM2_E_*` name, or an errno name such as
 * `'EACCES'` when libpmem2 would return `-errno`.
 */
export type Pmem2ErrorCode = Pmem2CodeName | `E${string}`;

/** Extra facts attached to a {@link Pmem2Error}. */
export interface Pmem2ErrorOptions {
  /** The exact text `pmem2_errormsg()` holds after libpmem2 fails on the same path. */
  readonly libpmem2Message?: string;
  /** The system call that failed, for errno-based errors (`'mmap'`, `'fstat'`, …). */
  readonly syscall?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

const BRAND = Symbol.for('@pmem2/errors.Pmem2Error');

/**
 * The error every `@pmem2/*` call throws for bad input or a failed system call.
 *
 * @remarks
 * `errno` is the negative number the C function would return: a `PMEM2_E_*` value
 * (≤ −100000) or `-errno`. `code` is its stable name. `message` says what happened, with the
 * values involved, and what to do; `libpmem2Message` is the text libpmem2's
 * `pmem2_errormsg()` would hold, so C and TypeScript can be compared.
 *
 * @example
 * ```ts
 * import { Pmem2Error, PMEM2_E } from '@pmem2/errors';
 * const e = new Pmem2Error(PMEM2_E.MAP_RANGE, 'mapping larger than file size',
 *   { libpmem2Message: 'mapping larger than file size' });
 * e.code;  // 'PMEM2_E_MAP_RANGE'
 * e.errno; // -100006
 * ```
 * @see libpmem2: pmem2_errormsg(3), pmem2_perror(3)
 */
export class Pmem2Error extends Error {
  override readonly name = 'Pmem2Error';
  /** `'PMEM2_E_…'` or an errno name such as `'EACCES'`. */
  readonly code: Pmem2ErrorCode;
  /** The negative value libpmem2 returns: a `PMEM2_E_*` value or `-errno`. */
  readonly errno: number;
  /** The failing system call, for errno-based errors. */
  readonly syscall?: string;
  /** libpmem2's own errormsg text for this path (empty where libpmem2 sets none). */
  readonly libpmem2Message: string;

  /**
   * @param errno - a `PMEM2_E_*` value or a negative errno.
   * @param message - what happened and what to do; defaults to `libpmem2Message`.
   * @throws RangeError when `errno` is not a negative integer.
   */
  constructor(errno: number, message?: string, options: Pmem2ErrorOptions = {}) {
    if (!Number.isSafeInteger(errno) || errno >= 0) {
      throw new RangeError(`Pmem2Error needs a negative libpmem2 return value, got ${errno}`);
    }
    const libpmem2Message = options.libpmem2Message ?? '';
    super(message ?? (libpmem2Message || defaultMessage(errno)), { cause: options.cause });
    this.errno = errno;
    this.code = pmem2CodeName(errno) ?? (errnoName(errno) as Pmem2ErrorCode);
    this.libpmem2Message = libpmem2Message;
    if (options.syscall !== undefined) this.syscall = options.syscall;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * Builds the error libpmem2 reports after a failed system call: `errno` is `-errno` and
   * `libpmem2Message` is `"<syscall>: <strerror>"` (libpmem2's ERR_W_ERRNO format).
   *
   * @param errno - the errno, positive or negative.
   * @param syscall - the system call name as libpmem2 prints it.
   * @param message - what happened and what to do.
   * @example
   * ```ts
   * import { Pmem2Error } from '@pmem2/errors';
   * const e = Pmem2Error.fromErrno(13, 'mmap', 'cannot map /data/log: permission denied');
   * e.libpmem2Message; // 'mmap: Permission denied'
   * ```
   */
  static fromErrno(errno: number, syscall: string, message?: string): Pmem2Error {
    const n = -Math.abs(errno);
    const libpmem2Message = `${syscall}: ${strerror(n)}`;
    return new Pmem2Error(n, message ?? libpmem2Message, { libpmem2Message, syscall });
  }
}

function defaultMessage(errno: number): string {
  const name = pmem2CodeName(errno);
  return name ?? `${errnoName(errno)}: ${strerror(errno)}`;
}

/**
 * Tells whether a value is a {@link Pmem2Error}, also across duplicate copies of this package.
 *
 * @example
 * ```ts
 * import { isPmem2Error } from '@pmem2/errors';
 * try { doSomething(); } catch (e) { if (isPmem2Error(e)) console.log(e.code); }
 * ```
 */
export function isPmem2Error(value: unknown): value is Pmem2Error {
  return typeof value === 'object' && value !== null && BRAND in value;
}
