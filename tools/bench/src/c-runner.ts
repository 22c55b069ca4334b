// c-runner.ts -- compiles c/bench.c against libpmem2 into the ignored cache and runs cases on it

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from './run-process.js';
import { parseRunnerOutput } from './runner-output.js';
import type { BenchCase, GranularityMode, RunnerResult } from './types.js';

/** The compiled C benchmark, or why there is none. */
export type CBench =
  | { readonly ok: true; readonly binary: string }
  | { readonly ok: false; readonly reason: string };

const CFLAGS = ['-O2', '-Wall', '-Wextra', '-std=gnu11'];

/** What {@link buildCBench} compiles with the main source, beyond the default flags. */
export interface CBuild {
  /** Linker arguments after the sources. */
  readonly libs?: readonly string[];
  /** More C files compiled in (their directories' headers are hashed and on the include path). */
  readonly sources?: readonly string[];
  /** More compiler flags (`-D...`). */
  readonly flags?: readonly string[];
}

/**
 * Compiles bench.c once per source, headers and flags (the binary's name carries their hash),
 * so a second run reuses it. A missing compiler or libpmem2 becomes a reason, not an exception.
 */
export function buildCBench(sourceFile: string, cacheDir: string, build: CBuild = {}): CBench {
  const libs = build.libs ?? ['-lpmem2'];
  const sources = build.sources ?? [];
  const includes = [...new Set(sources.map((s) => path.dirname(s)))].map((d) => `-I${d}`);
  const flags = [...CFLAGS, ...(build.flags ?? []), ...includes];
  if (!fs.existsSync('/usr/include/libpmem2.h')) {
    return {
      ok: false,
      reason: 'libpmem2.h not found: install libpmem2-dev (apt-get install libpmem2-dev)',
    };
  }
  const hash = createHash('sha256');
  const headers = new Set([sourceFile, ...sources].flatMap(localHeaders));
  for (const file of [sourceFile, ...sources, ...headers]) hash.update(fs.readFileSync(file));
  const digest = hash.update(flags.join(' ')).update(libs.join(' ')).digest('hex').slice(0, 16);
  const binary = path.join(cacheDir, `bench-c-${digest}`);
  if (fs.existsSync(binary)) return { ok: true, binary };
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const cc = process.env.CC ?? 'gcc';
  const res = spawnSync(cc, [...flags, '-o', tmp, sourceFile, ...sources, ...libs], {
    encoding: 'utf8',
  });
  if (res.error) return { ok: false, reason: `cannot run ${cc}: ${res.error.message}` };
  if (res.status !== 0) {
    return {
      ok: false,
      reason: `${cc} failed on ${path.basename(sourceFile)}: ${res.stderr.trim().split('\n').slice(0, 5).join(' | ')}`,
    };
  }
  fs.renameSync(tmp, binary);
  return { ok: true, binary };
}

/** The headers beside a C source (what its `#include "..."` lines may read), sorted. */
function localHeaders(sourceFile: string): string[] {
  const dir = path.dirname(sourceFile);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.h'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** The line the C program reads for one case (see the header of c/bench.c). */
export function cCaseLine(c: BenchCase): string {
  const peer = c.peer === 'c-libc' ? 'c-libc' : 'c-pmem2';
  return [
    c.id,
    peer,
    c.workload,
    c.path,
    c.size,
    c.len,
    c.flags,
    c.batch,
    c.samples,
    c.warmup,
    c.targetSampleMs,
  ].join(' ');
}

/** Environment for a runner process with the given forced granularity. */
export function runnerEnv(granularity: GranularityMode): NodeJS.ProcessEnv {
  return { ...process.env, PMEM2_FORCE_GRANULARITY: granularity };
}

/** Runs cases in one C process; a crash becomes an error result for every unanswered case. */
export async function runCCases(
  binary: string,
  cases: readonly BenchCase[],
  granularity: GranularityMode,
): Promise<RunnerResult[]> {
  const input = `${cases.map(cCaseLine).join('\n')}\n`;
  const res = await runProcess(binary, [], input, runnerEnv(granularity));
  return parseRunnerOutput(res.stdout, cases, `C runner died (${res.failure ?? 'no output'})`);
}
