// sysfs-read.ts -- one open + one read(2) of a sysfs attribute, as libpmem2 reads them

import { closeSync, openSync, readSync } from 'node:fs';
import { Pmem2Error, strerror } from '@pmem2/errors';
import { requireErrno } from './node-errno.js';

/** The content of an attribute, or the failed system call and its errno. */
export type SysfsReadResult =
  | { readonly text: string }
  | { readonly syscall: 'open' | 'read'; readonly errno: number };

/**
 * Reads at most `maxBytes` of `path` with a single read(2), like libpmem2's sysfs helpers.
 */
export function readSysfsAttribute(path: string, maxBytes: number): SysfsReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { syscall: 'open', errno: requireErrno(error) };
  }
  try {
    const buffer = Buffer.alloc(maxBytes);
    const length = readSync(fd, buffer, 0, maxBytes, null);
    return { text: buffer.toString('latin1', 0, length) };
  } catch (error) {
    return { syscall: 'read', errno: requireErrno(error) };
  } finally {
    closeSync(fd);
  }
}

/**
 * libpmem2's error for a failed read of the attribute `path`: `-errno` with the text
 * `open "<path>": <strerror>` or `read: <strerror>`.
 */
export function sysfsReadFailure(
  result: { readonly syscall: 'open' | 'read'; readonly errno: number },
  path: string,
): Pmem2Error {
  const text =
    result.syscall === 'open'
      ? `open "${path}": ${strerror(result.errno)}`
      : `read: ${strerror(result.errno)}`;
  return new Pmem2Error(-result.errno, `cannot read ${path}: ${text}`, {
    libpmem2Message: text,
    syscall: result.syscall,
  });
}
