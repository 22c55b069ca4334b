// index.ts -- loads the @pmem2/native addon once and exports it with its typed contract

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './types.js';
import { unsupportedPlatformError } from './unsupported-platform.js';

export type * from './file-types.js';
export * from './map-new-result.js';
export type * from './reservation-types.js';
export * from './share-types.js';
export type * from './types.js';

type NodeGypBuild = (root: string) => unknown;

/** The package root: the directory that holds `prebuilds/` and `build/` (not `dist/`). */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The addon file named by `PMEM2_NATIVE_ADDON` (a testing aid), else node-gyp-build's choice.
 * A relative path is taken from the current working directory.
 */
function loadAddon(): NativeBinding {
  const override = process.env.PMEM2_NATIVE_ADDON;
  if (override) {
    const addon: { exports: unknown } = { exports: {} };
    process.dlopen(addon, resolve(override));
    return addon.exports as NativeBinding;
  }
  const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as NodeGypBuild;
  try {
    return nodeGypBuild(packageRoot) as NativeBinding;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('No native build was found')) {
      throw unsupportedPlatformError(packageRoot, error);
    }
    throw error;
  }
}

/**
 * The addon, loaded once by node-gyp-build from `prebuilds/<platform>-<arch>/` or, in a
 * clone, from `build/Release/`.
 *
 * @remarks
 * This is the only place in the repository that calls node-gyp-build. Every call returns 0,
 * a negative `PMEM2_E_*` code or `-errno` (house style R4); `@pmem2/map` turns statuses into
 * `Pmem2Error`. Only N-API plumbing failures throw (TypeError for a wrong argument kind).
 *
 * Testing aid: when the environment variable `PMEM2_NATIVE_ADDON` holds the path of a `.node`
 * file (relative paths from the current directory), that file is loaded instead, with no
 * check that it is a build of these sources: e.g. the addon compiled with
 * `-fsanitize=address,undefined`, or a patched build under test. Worker threads load the same
 * file. Not for production.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` at import when no prebuild fits this
 * machine and nothing was built from source: the message names the platform found (platform,
 * arch, libc, Node ABI), the platforms the installed `prebuilds/` cover, and what to do
 * (install a compiler and rebuild, or use a supported platform); node-gyp-build's own error
 * is its `cause`. Error from `process.dlopen` when the file named by `PMEM2_NATIVE_ADDON`, or
 * the prebuild chosen, cannot be loaded (the message names the file).
 * @example
 * ```ts
 * import { binding } from '@pmem2/native';
 * const map = binding.mapNew(-1, 0n, 4096n, 0xc0000000, false, 4096, null, 0n, 2, null,
 *   new Float64Array(6));
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export const binding: NativeBinding = loadAddon();
