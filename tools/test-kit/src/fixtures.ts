// fixtures.ts -- the committed fixture sysfs trees (PMDK's linux_*_paths counterparts) and the
// writable copies tests vary

import { statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyTree } from './temp.js';

const SYSFS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sysfs');

/** The absolute path of the committed fixture sysfs tree `name` (see fixtures/sysfs/README.md). */
export function sysfsFixture(name: string): string {
  return join(SYSFS, name);
}

/** A writable copy of fixture tree `name` (symlinks kept), removed after the test file. */
export function copySysfsFixture(name: string): string {
  return copyTree(sysfsFixture(name), name, 'pmem2-sysfs-');
}

/** Writes one sysfs attribute of a fixture copy. */
export function writeAttribute(root: string, path: string, content: string): void {
  writeFileSync(join(root, path), content);
}

/** The device DAX of the `devdax` fixture, below `sys/devices/...`. */
export const DEVDAX_DEVICE = 'sys/devices/platform/e820_pmem/ndbus0/region0/dax0.1/dax0.0';

/**
 * A copy of the `devdax` fixture (a 1 GiB device DAX with 2 MiB alignment at char device 1:3,
 * /dev/null) in which char device 1:5 (/dev/zero, which mmap accepts) is that device too, so
 * that whole mappings of a "device DAX" run. With `retarget`, the device's `dev` attribute says
 * 1:5 as well.
 */
export function devdaxFixture(options: { readonly retarget?: boolean } = {}): string {
  const root = copySysfsFixture('devdax');
  symlinkSync(`../../${DEVDAX_DEVICE.slice('sys/'.length)}`, join(root, 'sys/dev/char/1:5'));
  if (options.retarget === true) writeAttribute(root, `${DEVDAX_DEVICE}/dev`, '1:5\n');
  return root;
}

/** `"major:minor"` of the filesystem holding `path` (its st_dev), as sysfs `dev` files say. */
export function devOf(path: string): string {
  const dev = statSync(path, { bigint: true }).dev;
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}
