// helpers.ts -- the map crash suite's files, the map registry, and its fixture scripts run in a
// fresh Node process (from the package directory, so that `@pmem2/*` resolve)

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Backend, backendFile, type ChildResult, runNode } from '@pmem2/test-kit';

export const MiB = 1024 * 1024;

const here = dirname(fileURLToPath(import.meta.url));
const mapEntry = createRequire(import.meta.url).resolve('@pmem2/map');

/** Whether @pmem2/map has been built (its children import dist/). */
export const HAVE_DIST = existsSync(mapEntry);

/** @pmem2/map's realm-wide registry of live mappings (an internal module of its dist). */
export const { mappingRegistry } = (await import(
  pathToFileURL(join(dirname(mapEntry), 'registry.js')).href
)) as { mappingRegistry: { readonly size: number } };

/** A sparse file of `size` bytes on the backend, removed after the test file. */
export function makeFile(backend: Backend, size: number): string {
  return backendFile(backend, size, 'pmem2-reliability-map-');
}

/** Runs a fixture script from test/map/fixtures in a fresh Node process. */
export function runFixture(
  name: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  nodeFlags: readonly string[] = [],
): ChildResult {
  return runNode([join(here, 'fixtures', name), ...args], { env, nodeFlags, timeout: 60_000 });
}
