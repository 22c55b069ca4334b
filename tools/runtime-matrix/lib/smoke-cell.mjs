// smoke-cell.mjs -- runs smoke/smoke.mjs under one runtime and judges its result per file
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, tail } from './exec.mjs';

/** The file system type of a folder as `stat -f` names it ("ext2/ext3" for ext4, "tmpfs"). */
export async function fileSystemType(dir) {
  mkdirSync(dir, { recursive: true });
  const { stdout } = await run('stat', ['-f', '-c', '%T', dir]);
  return stdout.trim();
}

/** The `SMOKE-RESULT {…}` object in a smoke run's output, if any. */
export function parseSmokeResult(output) {
  const line = output.split('\n').findLast((l) => l.startsWith('SMOKE-RESULT '));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice('SMOKE-RESULT '.length));
  } catch {
    return undefined;
  }
}

/**
 * Judges one file of a smoke result: every step passed, the expected prebuild was loaded, and
 * `checkLibraries(libraries)` (if given) returns no complaint. Resolves to `{ ok, short, detail }`.
 */
export function judgeSmokeFile(result, file, expectedPrebuild, checkLibraries) {
  if (result.error) return { ok: false, detail: result.error };
  if (result.prebuild !== expectedPrebuild) {
    return { ok: false, detail: `loaded ${result.prebuild}, expected ${expectedPrebuild}` };
  }
  const libraryProblem = checkLibraries?.(result.libraries ?? []);
  if (libraryProblem) return { ok: false, detail: libraryProblem };
  const entry = result.files.find((f) => f.file === file);
  if (!entry) return { ok: false, detail: `no result for ${file}` };
  const failed = entry.steps.filter((s) => !s.ok);
  if (failed.length > 0) {
    return { ok: false, detail: failed.map((s) => `${s.name}: ${s.error}`).join('; ') };
  }
  const { runtime } = result;
  return {
    ok: true,
    detail: `${runtime.name} ${runtime.version} ${runtime.arch} napi ${runtime.napi} loaded ${result.prebuild}; ${entry.steps.length} steps passed${checkLibraries ? `; C runtime mapped: ${(result.libraries ?? []).join(' ')}` : ''}`,
  };
}

/**
 * Runs `command… smoke.mjs files…` in the consumer folder and judges each file. Resolves to
 * an array of `{ ok, detail }`, one per file, in order.
 */
export async function runSmoke({
  command,
  consumerDir,
  files,
  env,
  expectedPrebuild,
  checkLibraries,
  timeoutMs,
}) {
  const [program, ...args] = command;
  const outcome = await run(program, [...args, join(consumerDir, 'smoke.mjs'), ...files], {
    cwd: consumerDir,
    env,
    timeoutMs,
  });
  const result = parseSmokeResult(outcome.output);
  if (!result) {
    console.log(tail(outcome.output, 40));
    const why = outcome.timedOut
      ? `timed out after ${timeoutMs / 1000} s`
      : `exit ${outcome.code ?? outcome.signal}, no SMOKE-RESULT`;
    return files.map(() => ({ ok: false, detail: `${why}: ${tail(outcome.output, 8)}` }));
  }
  const seconds = `${(outcome.ms / 1000).toFixed(1)}s`;
  const judged = files.map((file) =>
    judgeSmokeFile(result, file, expectedPrebuild, checkLibraries),
  );
  // A failure's own words go into the log (the table only has the summary).
  if (judged.some((j) => !j.ok)) console.log(tail(outcome.output, 40));
  return judged.map((j) => (j.ok ? { ...j, short: seconds } : j));
}
