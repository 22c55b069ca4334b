// errors.ts -- the log's own error codes, carried by a Pmem2Error subclass

import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';

/**
 * Why a log call failed. Each reason travels in a {@link LogError} (a `Pmem2Error`), whose
 * `errno`/`code` is the nearest libpmem2 code or errno, so code that handles `Pmem2Error`
 * keeps working; test `error.reason` for the log's own meaning.
 *
 * | reason | `code` | when |
 * |---|---|---|
 * | `LOG_FULL` | `ENOSPC` | no room for the record (ring: trim the head; linear: `maxSize`), or the file system has none for the file (create, grow) |
 * | `RECORD_TOO_LARGE` | `PMEM2_E_LENGTH_OUT_OF_RANGE` | a record larger than one area |
 * | `LOG_CLOSED` | `PMEM2_E_MAPPING_NOT_FOUND` | any call after `close()` |
 * | `NOT_A_LOG` | `PMEM2_E_INVALID_FILE_TYPE` | no log magic, or the other log shape |
 * | `INCOMPATIBLE_VERSION` | `PMEM2_E_NOSUPP` | a log format this version cannot read |
 * | `CORRUPT_HEADER` | `EBADMSG` | the header fails its checksum or its geometry is impossible |
 * | `BAD_POSITION` | `PMEM2_E_OFFSET_OUT_OF_RANGE` | a position that is not a live record |
 * | `INVALID_ARGUMENT` | `EINVAL` | an option or argument of the wrong kind |
 *
 * @example
 * ```ts
 * import { LogErrorReason } from '@pmem2/log';
 * LogErrorReason.LOG_FULL; // 'LOG_FULL'
 * ```
 */
export const LogErrorReason = {
  LOG_FULL: 'LOG_FULL',
  RECORD_TOO_LARGE: 'RECORD_TOO_LARGE',
  LOG_CLOSED: 'LOG_CLOSED',
  NOT_A_LOG: 'NOT_A_LOG',
  INCOMPATIBLE_VERSION: 'INCOMPATIBLE_VERSION',
  CORRUPT_HEADER: 'CORRUPT_HEADER',
  BAD_POSITION: 'BAD_POSITION',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const;

/** One of {@link LogErrorReason}. */
export type LogErrorReason = (typeof LogErrorReason)[keyof typeof LogErrorReason];

const ENOSPC = -ERRNO.ENOSPC;
const EBADMSG = -ERRNO.EBADMSG;
const EINVAL = -ERRNO.EINVAL;

const ERRNO_OF: Readonly<Record<LogErrorReason, number>> = {
  LOG_FULL: ENOSPC,
  RECORD_TOO_LARGE: PMEM2_E.LENGTH_OUT_OF_RANGE,
  LOG_CLOSED: PMEM2_E.MAPPING_NOT_FOUND,
  NOT_A_LOG: PMEM2_E.INVALID_FILE_TYPE,
  INCOMPATIBLE_VERSION: PMEM2_E.NOSUPP,
  CORRUPT_HEADER: EBADMSG,
  BAD_POSITION: PMEM2_E.OFFSET_OUT_OF_RANGE,
  INVALID_ARGUMENT: EINVAL,
};

/**
 * The error every `@pmem2/log` call throws for a log-level failure: a `Pmem2Error` with a
 * {@link LogErrorReason}. Errors of the layers below (a failed `mapNew`, `msync`, `open`)
 * pass through unchanged as plain `Pmem2Error`s.
 *
 * @example
 * ```ts
 * import { isPmem2Error } from '@pmem2/errors';
 * import { LogError } from '@pmem2/log';
 * const e = new LogError('LOG_FULL', 'the ring is full; trim it');
 * e.reason; // 'LOG_FULL'
 * e.code; // 'ENOSPC'
 * isPmem2Error(e); // true
 * ```
 */
export class LogError extends Pmem2Error {
  /** What went wrong, in the log's own terms. */
  readonly reason: LogErrorReason;

  /**
   * @param reason - the log's reason; it decides `errno` and `code`.
   * @param message - what happened and what to do.
   * @throws never (the errno table covers every reason).
   */
  constructor(reason: LogErrorReason, message: string) {
    super(ERRNO_OF[reason], message);
    this.reason = reason;
  }
}

/**
 * Tells whether `value` is a {@link LogError}, optionally of one reason.
 *
 * @example
 * ```ts
 * import { isLogError, LogError } from '@pmem2/log';
 * isLogError(new LogError('LOG_CLOSED', 'closed'), 'LOG_CLOSED'); // true
 * isLogError(new Error('x')); // false
 * ```
 */
export function isLogError(value: unknown, reason?: LogErrorReason): value is LogError {
  return value instanceof LogError && (reason === undefined || value.reason === reason);
}
