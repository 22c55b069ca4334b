// mmap-io-api.ts -- loads @riaskov/mmap-io from the directory the harness installed it in

import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The part of @riaskov/mmap-io the benchmarks use (its mmap-io.d.ts). */
export interface MmapIo {
  map(size: number, protection: number, flags: number, fd: number, offset?: number): Buffer;
  sync(buffer: Buffer, offset: number, size: number, blocking: boolean, invalidate: boolean): void;
  readonly PROT_READ: number;
  readonly PROT_WRITE: number;
  readonly MAP_SHARED: number;
}

/** The package this tool compares with, and its version. */
export const MMAP_IO_PACKAGE = '@riaskov/mmap-io';
export const MMAP_IO_VERSION = '1.4.3';

/** Requires the package from `installDir` (a folder with node_modules), or says why not. */
export function loadMmapIo(installDir: string): MmapIo | string {
  try {
    const require = createRequire(path.join(installDir, 'package.json'));
    const mod: unknown = require(MMAP_IO_PACKAGE);
    const m = mod as Partial<MmapIo> | null;
    if (typeof m?.map !== 'function' || typeof m.sync !== 'function') {
      return `${MMAP_IO_PACKAGE} loaded but has no map/sync functions`;
    }
    return m as MmapIo;
  } catch (e) {
    return `${MMAP_IO_PACKAGE} cannot be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}
