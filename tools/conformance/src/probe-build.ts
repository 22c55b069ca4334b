// probe-build.ts -- finds libpmem2 and compiles probe.c into a cache directory, once per source

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PROBE_SOURCE = path.join(PACKAGE_DIR, 'probe.c');
const CACHE_DIR = path.join(PACKAGE_DIR, '.cache');
const LIBPMEM2_HEADER = '/usr/include/libpmem2.h';
const CFLAGS = ['-O1', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];

/** The compiled probe, or why there is none. */
export type ProbeBuild =
  | { readonly ok: true; readonly binary: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Compiles probe.c against the installed libpmem2 (cached by the source's hash). Returns
 * `{ok: false}` with the reason when libpmem2-dev or gcc is missing; a compile error of the
 * probe itself is thrown, since that is a bug here and not a missing oracle.
 */
export function buildProbe(): ProbeBuild {
  if (!fs.existsSync(LIBPMEM2_HEADER)) {
    return { ok: false, reason: `${LIBPMEM2_HEADER} not found (apt-get install libpmem2-dev)` };
  }
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.error || gcc.status !== 0) return { ok: false, reason: 'gcc not found' };

  const source = fs.readFileSync(PROBE_SOURCE);
  const hash = createHash('sha256').update(source).update(CFLAGS.join(' ')).digest('hex');
  const binary = path.join(CACHE_DIR, `probe-${hash.slice(0, 16)}`);
  if (fs.existsSync(binary)) return { ok: true, binary };

  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const cc = spawnSync('gcc', [...CFLAGS, '-o', partial, PROBE_SOURCE, '-lpmem2'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) {
    if (/cannot find -lpmem2/.test(cc.stderr)) {
      return { ok: false, reason: 'libpmem2.so not found (apt-get install libpmem2-dev)' };
    }
    throw new Error(`compiling ${PROBE_SOURCE} failed:\n${cc.stderr}`);
  }
  fs.renameSync(partial, binary);
  return { ok: true, binary };
}
