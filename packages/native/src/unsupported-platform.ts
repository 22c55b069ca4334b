// unsupported-platform.ts -- the Pmem2Error for a machine that no prebuild fits and that has no
// build from source: the platform found, the platforms the installed prebuilds cover, what to do

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';

/** This machine as node-gyp-build matches it against `prebuilds/<platform>-<arch>/`. */
export interface PlatformTarget {
  /** `process.platform`, or `npm_config_platform` when set (node-gyp-build honours it). */
  readonly platform: string;
  /** `process.arch`, or `npm_config_arch` when set. */
  readonly arch: string;
  /** `'glibc'` or `'musl'`: `LIBC` when set, else musl on Alpine, as node-gyp-build decides. */
  readonly libc: string;
  /** `process.versions.modules`, the Node ABI number (N-API prebuilds fit every ABI). */
  readonly abi: string;
}

/**
 * The platform node-gyp-build looks for, decided the way it decides it.
 *
 * @param env - the environment to read (default: `process.env`).
 * @returns platform, arch, libc and Node ABI.
 * @see libpmem2: pmem2_map_new(3) (PMEM2_E_NOSUPP)
 */
export function currentTarget(env: NodeJS.ProcessEnv = process.env): PlatformTarget {
  const platform = env.npm_config_platform || process.platform;
  const alpine = platform === 'linux' && existsSync('/etc/alpine-release');
  return {
    platform,
    arch: env.npm_config_arch || process.arch,
    libc: env.LIBC || (alpine ? 'musl' : 'glibc'),
    abi: process.versions.modules,
  };
}

/**
 * The platforms the prebuilds in `prebuildsDir` cover, as `<platform>-<arch> <libc>`, sorted:
 * a file tagged `musl` serves musl, any other serves glibc (prebuildify's naming).
 *
 * @param prebuildsDir - a package's `prebuilds/` folder (missing: no platform).
 * @returns e.g. `['linux-x64 glibc', 'linux-x64 musl']`.
 * @see libpmem2: pmem2_map_new(3) (PMEM2_E_NOSUPP)
 */
export function supportedTargets(prebuildsDir: string): string[] {
  if (!existsSync(prebuildsDir)) return [];
  const found = new Set<string>();
  for (const tuple of readdirSync(prebuildsDir, { withFileTypes: true })) {
    if (!tuple.isDirectory()) continue;
    for (const file of readdirSync(join(prebuildsDir, tuple.name))) {
      if (!file.endsWith('.node')) continue;
      found.add(`${tuple.name} ${file.split('.').includes('musl') ? 'musl' : 'glibc'}`);
    }
  }
  return [...found].sort();
}

/**
 * The error `@pmem2/native` throws at import when node-gyp-build found no addon for this
 * machine: `PMEM2_E_NOSUPP`, naming the platform found, the platforms the installed
 * prebuilds cover, and the two ways out (build from source, or a supported platform).
 *
 * @param packageRoot - the installed package folder (holding `prebuilds/`).
 * @param cause - node-gyp-build's own error, kept as `cause`.
 * @param target - the platform found (default: {@link currentTarget}).
 * @returns the error to throw.
 * @see libpmem2: pmem2_map_new(3) (PMEM2_E_NOSUPP)
 */
export function unsupportedPlatformError(
  packageRoot: string,
  cause: unknown,
  target: PlatformTarget = currentTarget(),
): Pmem2Error {
  const prebuildsDir = join(packageRoot, 'prebuilds');
  const supported = supportedTargets(prebuildsDir);
  const found = `${target.platform}-${target.arch} ${target.libc}, Node ABI ${target.abi} (Node ${process.versions.node})`;
  const covered =
    supported.length > 0
      ? `its prebuilds cover ${supported.join(', ')}`
      : `it has no prebuilds (${prebuildsDir} is empty or missing)`;
  return new Pmem2Error(
    PMEM2_E.NOSUPP,
    `@pmem2/native has no addon for this platform: found ${found}; ${covered}, and nothing was built from source. ` +
      'Install a C compiler, make and python3 and reinstall (npm rebuild @pmem2/native) to build it from source, ' +
      'or run on a supported platform.',
    { cause },
  );
}
