// build-addon.ts -- compiles @pmem2/native's C sources (the list in its binding.gyp) into a
// separate .node file: with sanitizers for the ASan/UBSan run, or patched for a fix's check

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The @pmem2/native package directory (holds binding.gyp and csrc/). */
export const nativeDir = dirname(
  createRequire(import.meta.url).resolve('@pmem2/native/package.json'),
);

/** Options of {@link buildAddon}. */
export interface AddonBuild {
  /** Where the .node file goes; its base name must contain "pmem2" (fault-inject matches it). */
  readonly output: string;
  /** The directory whose C files are compiled; default @pmem2/native's csrc/. */
  readonly csrc?: string;
  /** Extra compiler flags, e.g. -fsanitize=address,undefined. */
  readonly flags?: readonly string[];
}

/** The C sources binding.gyp lists, relative to the package directory. */
export function addonSources(): string[] {
  const gyp = readFileSync(join(nativeDir, 'binding.gyp'), 'utf8');
  return [...gyp.matchAll(/"(csrc\/[\w.-]+\.c)"/g)].map((m) => m[1] as string);
}

/** The newest modification time among the sources and headers of `csrc`. */
function newestSource(csrc: string): number {
  const files = execFileSync('ls', [csrc], { encoding: 'utf8' }).trim().split('\n');
  return Math.max(...files.map((f) => statSync(join(csrc, f)).mtimeMs));
}

/**
 * Compiles the addon with gcc as binding.gyp does (same defines and warnings) plus `flags`;
 * skips the work when `output` is newer than every source. Returns `output`.
 */
export function buildAddon(build: AddonBuild): string {
  const csrc = build.csrc ?? join(nativeDir, 'csrc');
  if (existsSync(build.output) && statSync(build.output).mtimeMs > newestSource(csrc)) {
    return build.output;
  }
  mkdirSync(dirname(build.output), { recursive: true });
  const sources = addonSources().map((s) => join(csrc, s.replace(/^csrc\//, '')));
  execFileSync(
    'gcc',
    [
      '-std=gnu11',
      '-O1',
      '-g',
      '-shared',
      '-fPIC',
      '-Wall',
      '-Wextra',
      '-fvisibility=hidden',
      '-DNAPI_VERSION=8',
      '-D_GNU_SOURCE',
      '-D_FILE_OFFSET_BITS=64',
      '-I/usr/include/node',
      ...(build.flags ?? []),
      '-o',
      build.output,
      ...sources,
      '-pthread',
      '-Wl,-z,nodelete',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return build.output;
}
