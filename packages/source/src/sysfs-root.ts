// sysfs-root.ts -- where sysfs is read from: "/" normally, a fixture tree in tests

import { join } from 'node:path';

/**
 * Options of every call that reads sysfs.
 *
 * @example
 * ```ts
 * import { autoFlush, type SysfsOptions } from '@pmem2/source';
 * const options: SysfsOptions = { sysfsRoot: '/tmp/fake-sys' };
 * autoFlush(options);
 * ```
 * @see libpmem2: pmem2_source_from_fd(3)
 */
export interface SysfsOptions {
  /**
   * The directory that stands for `/` when sysfs paths are built: `<sysfsRoot>/sys/...`.
   *
   * @remarks
   * A testing aid: it lets a machine without NVDIMMs or device DAX run every sysfs branch
   * against a fixture tree. By default the `PMEM2_SYSFS_ROOT` environment variable, else `/`.
   */
  readonly sysfsRoot?: string;
}

/**
 * Resolves the sysfs root of a call: `options.sysfsRoot`, else the `PMEM2_SYSFS_ROOT`
 * environment variable (read at each call), else `/`.
 *
 * @remarks
 * libpmem2 always reads the real `/sys`; the override exists for tests. `@pmem2/map` uses this
 * to find `/sys/bus/nd/devices/region<N>/deep_flush`.
 *
 * @param options - an optional explicit root.
 * @returns an absolute or relative directory path; `/` on a normal run.
 * @throws never.
 * @example
 * ```ts
 * import { sysfsRoot } from '@pmem2/source';
 * sysfsRoot();                              // '/' (unless PMEM2_SYSFS_ROOT is set)
 * sysfsRoot({ sysfsRoot: '/tmp/fake-sys' }); // '/tmp/fake-sys'
 * ```
 * @see libpmem2: pmem2_deep_flush(3), pmem2_source_from_fd(3)
 */
export function sysfsRoot(options: SysfsOptions = {}): string {
  const fromEnv = process.env.PMEM2_SYSFS_ROOT;
  return options.sysfsRoot ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : '/');
}

/** Joins a sysfs root and an absolute sysfs path such as `/sys/bus/nd/devices`. */
export function sysfsPath(root: string, absolutePath: string): string {
  return join(root, absolutePath);
}
