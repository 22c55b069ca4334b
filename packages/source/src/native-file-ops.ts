// native-file-ops.ts -- the optional @pmem2/native addon's fallocate and fiemap, for the system
// calls node:fs lacks; loaded on first use, absent when @pmem2/native is not installed
//
// @pmem2/native is an optional peer dependency: its types are imported here (type-only, erased
// from the output, so nothing loads it at import time) and `tsc -b` checks this package against
// the addon's contract; the addon itself is loaded lazily with require.

import { createRequire } from 'node:module';
import type { NativeBinding } from '@pmem2/native';

/**
 * The two primitives of `@pmem2/native`'s binding this package calls: fallocate(2) and the
 * FS_IOC_FIEMAP ioctl (statuses: 0 or -errno).
 */
export type NativeFileOps = Pick<NativeBinding, 'fallocate' | 'fiemap'>;

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
