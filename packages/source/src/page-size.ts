// page-size.ts -- the system page size (sysconf(_SC_PAGESIZE)) from /proc/self/auxv

import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

const AT_NULL = 0n;
const AT_PAGESZ = 6n;
const AUXV_ENTRY_BYTES = 16;

let cached: number | undefined;

/**
 * The page size the kernel gave this process (the `AT_PAGESZ` entry of the auxiliary vector,
 * which is what glibc's `sysconf(_SC_PAGESIZE)` returns). Read once and cached.
 *
 * @remarks Linux on a 64-bit CPU only. libpmem2 keeps it in its global `Pagesize`.
 */
export function pageSize(): number {
  if (cached !== undefined) return cached;
  const auxv = readFileSync('/proc/self/auxv');
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  const littleEndian = endianness() === 'LE';
  for (let at = 0; at + AUXV_ENTRY_BYTES <= auxv.byteLength; at += AUXV_ENTRY_BYTES) {
    const type = view.getBigUint64(at, littleEndian);
    if (type === AT_NULL) break;
    if (type === AT_PAGESZ) {
      cached = Number(view.getBigUint64(at + 8, littleEndian));
      return cached;
    }
  }
  throw new Error('/proc/self/auxv has no AT_PAGESZ entry; is this a 64-bit Linux?');
}
