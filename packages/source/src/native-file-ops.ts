// native-file-ops.ts -- the optional @pmem2/native addon's fallocate and fiemap, for the system
// calls node:fs lacks; loaded on first use, absent when @pmem2/native is not installed

import { createRequire } from 'node:module';
import type { FileExtent } from './file-extents.js';

/** The two primitives of `@pmem2/native`'s binding this package calls (statuses: 0 or -errno). */
export interface NativeFileOps {
  /** fallocate(2); 0 or -errno (PMEM2_E_MAP_RANGE for an offset or length above 2^63 - 1). */
  fallocate(fd: number, mode: number, offset: bigint, length: bigint): number;
  /** The FS_IOC_FIEMAP ioctl over the whole file, or -errno. */
  fiemap(fd: number): FileExtent[] | number;
}

/** The addon, or why it is not there. */
export type NativeFileOpsLoad =
  | { readonly ops: NativeFileOps; readonly why?: undefined }
  | { readonly ops: null; readonly why: string };

let loaded: NativeFileOpsLoad | undefined;

/**
 * `@pmem2/native`'s fallocate and fiemap, loaded once with require (the addon is ESM without
 * top-level await, which require loads on Node >= 20.19); `ops` is null, with the reason, when
 * the optional peer is not installed, fails to load, or is too old to have them.
 */
export function nativeFileOps(): NativeFileOpsLoad {
  loaded ??= load();
  return loaded;
}

function load(): NativeFileOpsLoad {
  let binding: Partial<NativeFileOps> | undefined;
  try {
    const native = createRequire(import.meta.url)('@pmem2/native') as {
      binding?: Partial<NativeFileOps>;
    };
    binding = native.binding;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return {
      ops: null,
      why:
        code === 'MODULE_NOT_FOUND' && message?.includes("'@pmem2/native'") === true
          ? '@pmem2/native is not installed'
          : `@pmem2/native failed to load (${message ?? String(error)})`,
    };
  }
  if (typeof binding?.fallocate !== 'function' || typeof binding.fiemap !== 'function')
    return { ops: null, why: '@pmem2/native is too old to have fallocate and fiemap' };
  return { ops: binding as NativeFileOps };
}
