// pmem2-error.ts -- expectations on the Pmem2Error a call throws (one home for every suite)

import { isPmem2Error, type Pmem2Error } from '@pmem2/errors';
import { expect } from 'vitest';

/**
 * Runs `fn` and returns the Pmem2Error it throws, or `undefined` when it returns; any other
 * throw fails the test (it is rethrown).
 */
export function catchPmem2OrNone(fn: () => unknown): Pmem2Error | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (isPmem2Error(error)) return error;
    throw error;
  }
}

/** Runs `fn` and returns the Pmem2Error it throws; returning or throwing anything else fails. */
export function catchPmem2(fn: () => unknown): Pmem2Error {
  const error = catchPmem2OrNone(fn);
  if (error === undefined) throw new Error('expected a Pmem2Error, but the call returned');
  return error;
}

/**
 * Asserts that `fn` throws a Pmem2Error with `code` (and libpmem2's errormsg text when given)
 * and returns it for further checks.
 */
export function expectPmem2(fn: () => unknown, code: string, libpmem2Message?: string): Pmem2Error {
  const error = catchPmem2(fn);
  expect(error.name).toBe('Pmem2Error');
  expect(error.code).toBe(code);
  if (libpmem2Message !== undefined) expect(error.libpmem2Message).toBe(libpmem2Message);
  return error;
}
