// vitest-suite.mjs -- runs a workspace package's vitest suite with a given Node binary
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { run, tail } from './exec.mjs';
import { packageDir, REPO_ROOT } from './paths.mjs';

/** Counts from vitest's closing "Tests  …" line, e.g. { passed: 41, failed: 0, skipped: 2 }. */
export function parseVitestSummary(output) {
  const plain = stripVTControlCharacters(output);
  const line = [...plain.matchAll(/^\s*Tests\s+(.*\(\d+\))\s*$/gm)].at(-1)?.[1];
  if (!line) return undefined;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [, n, kind] of line.matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    counts[kind === 'todo' ? 'skipped' : kind] += Number(n);
  }
  return counts;
}

/** The names of failed tests vitest listed (its "FAIL" and "×" lines), at most `limit`. */
export function failedTestNames(output, limit = 5) {
  const plain = stripVTControlCharacters(output);
  const names = [...plain.matchAll(/^\s*(?:FAIL|×)\s+(.+)$/gm)].map((m) => m[1].trim());
  return [...new Set(names)].slice(0, limit);
}

/**
 * Runs `<node> node_modules/vitest/vitest.mjs run --root packages/<pkg>` from the repository
 * root, with that node first on PATH too (tests that spawn `node` get the same version).
 * Resolves to `{ ok, short, detail, log }`.
 */
export async function runVitestSuite(node, pkg, nodeDir, timeoutMs) {
  if (!existsSync(join(nodeDir, 'node'))) {
    mkdirSync(nodeDir, { recursive: true });
    symlinkSync(node, join(nodeDir, 'node'));
  }
  const vitest = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const result = await run(node, [vitest, 'run', '--root', packageDir(pkg)], {
    cwd: REPO_ROOT,
    env: { ...process.env, PATH: `${nodeDir}:${process.env.PATH}`, FORCE_COLOR: '0', CI: 'true' },
    timeoutMs,
  });
  const counts = parseVitestSummary(result.output);
  const seconds = (result.ms / 1000).toFixed(0);
  const summary = counts
    ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${seconds} s`
    : `no vitest summary in ${seconds} s`;
  if (result.code === 0 && counts && counts.failed === 0 && counts.passed > 0) {
    return {
      ok: true,
      short: `${counts.passed}/${counts.passed + counts.skipped}`,
      detail: summary,
      log: result.output,
    };
  }
  const why = result.timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : `exit ${result.code ?? result.signal}`;
  const names = failedTestNames(result.output);
  return {
    ok: false,
    detail: `${why}; ${summary}${names.length ? `; failed: ${names.join(' | ')}` : `; ${tail(result.output, 4)}`}`,
    log: result.output,
  };
}
