// probe-build.ts -- finds libpmem2 and compiles the probe (probe*.c) into a cache directory, once
// per source

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The probe's C files: compiled together; the header only goes into the cache hash. */
const PROBE_SOURCES = ['probe.c', 'probe_parse.c', 'probe_ops.c'].map((f) =>
  path.join(PACKAGE_DIR, f),
);
const PROBE_HEADER = path.join(PACKAGE_DIR, 'probe.h');
const CACHE_DIR = path.join(PACKAGE_DIR, '.cache');
const LIBPMEM2_HEADER = '/usr/include/libpmem2.h';
const CFLAGS = ['-O1', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];

/** The compiled probe, or why there is none. */
export type ProbeBuild =
  | { readonly ok: true; readonly binary: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Compiles the probe's C files against the installed libpmem2 (cached by the source's hash). Returns
 * `{ok: false}` with the reason when libpmem2-dev or gcc is missing; a compile error of the
 * probe itself is thrown, since that is a bug here and not a missing oracle.
 */
export function buildProbe(): ProbeBuild {
  if (!fs.existsSync(LIBPMEM2_HEADER)) {
    return { ok: false, reason: `${LIBPMEM2_HEADER} not found (apt-get install libpmem2-dev)` };
  }
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.error || gcc.status !== 0) return { ok: false, reason: 'gcc not found' };

  const hasher = createHash('sha256');
  for (const file of [...PROBE_SOURCES, PROBE_HEADER]) hasher.update(fs.readFileSync(file));
  const hash = hasher.update(CFLAGS.join(' ')).digest('hex');
  const binary = path.join(CACHE_DIR, `probe-${hash.slice(0, 16)}`);
  if (fs.existsSync(binary)) return { ok: true, binary };

  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const cc = spawnSync('gcc', [...CFLAGS, '-o', partial, ...PROBE_SOURCES, '-lpmem2'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) {
    if (/cannot find -lpmem2/.test(cc.stderr)) {
      return { ok: false, reason: 'libpmem2.so not found (apt-get install libpmem2-dev)' };
    }
    throw new Error(`compiling ${PROBE_SOURCES.join(' ')} failed:\n${cc.stderr}`);
  }
  fs.renameSync(partial, binary);
  return { ok: true, binary };
}
