// paths.mjs -- where the repository, the workspace packages and the runtime cache are
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/runtime-matrix */
export const TOOL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root. */
export const REPO_ROOT = resolve(TOOL_DIR, '..', '..');

/** Fetched runtimes and cross-built prebuilds; ignored by git, reused across runs. */
export const CACHE_DIR = process.env.PMEM2_MATRIX_CACHE ?? join(TOOL_DIR, '.cache');

/** The packages packed for the smoke test, dependencies first. */
export const PACKED_PACKAGES = ['errors', 'config', 'source', 'native', 'map'];

/** A workspace package's directory, e.g. packageDir('native'). */
export function packageDir(name) {
  return join(REPO_ROOT, 'packages', name);
}
