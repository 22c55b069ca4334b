// helpers.ts -- the native crash suites' children: an ES module body run in a fresh node with
// @pmem2/native's binding imported (anything that could kill the process runs there)

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { importingChildren } from '@pmem2/test-kit';

/** libpmem2's status codes, which the binding returns. */
export { PMEM2_E as E } from '@pmem2/errors';
export { FILESYSTEMS, scratchDir } from '@pmem2/test-kit';

/** The built @pmem2/native entry point that children import (turbo builds before tests). */
export const distEntry = pathToFileURL(
  createRequire(import.meta.url).resolve('@pmem2/native'),
).href;

/** Runs an ES module body in a fresh node with `binding` imported (`runChild`, `childJson`). */
export const { runChild, childJson } = importingChildren(distEntry, 'binding');
