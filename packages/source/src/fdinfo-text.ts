// fdinfo-text.ts -- the text of /proc/self/fdinfo/<fd>, with no fd leaked on any path

import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads `/proc/self/fdinfo/<fd>` (its first 4 KiB: the `flags:` line is near the top).
 * Not `readFileSync(path)`: when its own fstat fails, Node 20 throws before closing the fd it
 * opened, leaking one fd per failure; here the fd is closed on every path.
 */
export function readFdinfoText(fd: number): string {
  const info = openSync(`/proc/self/fdinfo/${fd}`, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const length = readSync(info, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, length);
  } finally {
    closeSync(info);
  }
}
