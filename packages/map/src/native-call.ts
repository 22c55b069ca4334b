// native-call.ts -- the one place where @pmem2/native statuses become Pmem2Error

import { PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';

/**
 * How to turn the statuses of one native call into errors (libpmem2's texts on that path).
 *
 * @see libpmem2: pmem2_errormsg(3)
 */
export interface NativeCallContext {
  /** What was being attempted, with the values; starts the user-facing message. */
  readonly action: string;
  /** The system call libpmem2 names in its `"<syscall>: <strerror>"` text for `-errno`. */
  readonly syscall: string;
  /** libpmem2's errormsg text for each `PMEM2_E_*` status this call can return. */
  readonly texts?: Readonly<Record<number, string>>;
  /** `-errno` → `PMEM2_E_*` conversions libpmem2 applies on this path (the text stays errno's). */
  readonly translate?: Readonly<Record<number, number>>;
  /** What the user can do, per resulting status. */
  readonly advice?: Readonly<Record<number, string>>;
}

/** A native result: a value, or a negative status. */
type NativeResult<T> = T | number;

/**
 * A context, or a function that builds it only when the call failed, so that hot paths
 * (persist, flush, mem functions) format no message on success.
 *
 * @see libpmem2: pmem2_errormsg(3)
 */
export type LazyContext = NativeCallContext | (() => NativeCallContext);

// The context itself, built now if it was deferred.
function resolve(context: LazyContext): NativeCallContext {
  return typeof context === 'function' ? context() : context;
}

/**
 * Turns a negative status into the {@link @pmem2/errors!Pmem2Error} libpmem2 reports on the same path.
 *
 * @remarks
 * A `PMEM2_E_*` status gets `context.texts[status]` (or no text) as `libpmem2Message`; a
 * `-errno` gets `"<syscall>: <strerror>"` and keeps that text when `context.translate` turns
 * it into a `PMEM2_E_*` code (libpmem2 sets the message before converting the value).
 *
 * @returns the error (not thrown).
 * @see libpmem2: pmem2_errormsg(3), pmem2_err_to_errno(3)
 */
export function nativeError(status: number, context: NativeCallContext): Pmem2Error {
  if (status <= PMEM2_E.UNKNOWN) {
    const libpmem2Message = context.texts?.[status] ?? '';
    const what = libpmem2Message === '' ? '' : `: ${libpmem2Message}`;
    return new Pmem2Error(status, withAdvice(`${context.action} failed${what}`, status, context), {
      libpmem2Message,
    });
  }
  const libpmem2Message = `${context.syscall}: ${strerror(status)}`;
  const translated = context.translate?.[status] ?? status;
  return new Pmem2Error(
    translated,
    withAdvice(`${context.action} failed: ${libpmem2Message}`, translated, context),
    { libpmem2Message, syscall: context.syscall },
  );
}

/**
 * Throws the {@link @pmem2/errors!Pmem2Error} for a non-zero status; returns quietly for 0.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} the status's code, as {@link nativeError} builds it.
 * @see libpmem2: pmem2_errormsg(3)
 */
export function checkStatus(status: number, context: LazyContext): void {
  if (status !== 0) throw nativeError(status, resolve(context));
}

/**
 * Returns the value of a native call that yields a value or a negative status.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} when the result is a status, as {@link nativeError} builds it.
 * @see libpmem2: pmem2_errormsg(3)
 */
export function unwrapResult<T>(result: NativeResult<T>, context: LazyContext): T {
  if (typeof result === 'number') throw nativeError(result, resolve(context));
  return result;
}

// Appends the advice for `status`, if any.
function withAdvice(message: string, status: number, context: NativeCallContext): string {
  const advice = context.advice?.[status];
  return advice === undefined ? message : `${message}; ${advice}`;
}
