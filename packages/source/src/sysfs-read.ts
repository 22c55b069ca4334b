// sysfs-read.ts -- one open + one read(2) of a sysfs attribute, as libpmem2 reads them

import { closeSync, openSync, readSync } from 'node:fs';
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
