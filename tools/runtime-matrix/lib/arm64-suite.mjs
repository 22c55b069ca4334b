// arm64-suite.mjs -- the whole @pmem2/map vitest suite from the packed tarballs, run by an
// emulated Node in a consumer project that has no compiler on PATH
//
// The consumer installed the five tarballs plus vitest (and vite) at the workspace's versions
// with npm under emulation, so npm picked vitest's arm64 native pieces (rolldown's
// @rolldown/binding-linux-arm64-gnu, lightningcss-linux-arm64-gnu) itself. This lays the map
// package's own test folder next to the packed package (`suite/map/test`, with `src` and
// `dist` linked to the installed @pmem2/map, and the private @pmem2/test-kit copied in), adds the fault-injection shim cross-compiled for arm64 where its
// cache looks for it (so its tests never call cc), and runs vitest.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { sha256 } from './cross-build.mjs';
import { run, runOrThrow, tail } from './exec.mjs';
import { packageDir, REPO_ROOT } from './paths.mjs';
import { failedTestNames, parseVitestSummary } from './vitest-suite.mjs';

/** The test file whose comparisons with the C oracle may skip on arm64 (no cc to build it). */
const ORACLE_FILE = 'test/oracle.test.ts';

/** vitest and vite at the workspace's versions, as consumer devDependencies. */
export function vitestDevDependencies() {
  const rootRequire = createRequire(join(REPO_ROOT, 'package.json'));
  const vitestManifest = rootRequire.resolve('vitest/package.json');
  const vitest = JSON.parse(readFileSync(vitestManifest, 'utf8')).version;
  const vite = JSON.parse(
    readFileSync(createRequire(vitestManifest).resolve('vite/package.json'), 'utf8'),
  ).version;
  return { vitest, vite };
}

/** @pmem2/fault-inject with its shim built for arm64 under the name its cache looks for. */
async function addFaultInject(consumerDir, crossCc) {
  const from = join(REPO_ROOT, 'tools', 'fault-inject');
  const to = join(consumerDir, 'node_modules', '@pmem2', 'fault-inject');
  mkdirSync(join(to, '.cache'), { recursive: true });
  for (const file of ['package.json', 'index.js', 'index.d.ts', 'shim.c'])
    cpSync(join(from, file), join(to, file));
  const digest = sha256(join(to, 'shim.c')).slice(0, 16);
  const shim = join(to, '.cache', `pmem2-fault-shim-${digest}.so`);
  // The flags of fault-inject's buildShim().
  const flags = ['-std=gnu11', '-O1', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC'];
  await runOrThrow(crossCc, [...flags, '-o', shim, join(to, 'shim.c'), '-ldl']);
}

/** Lays out suite/map (the package's tests over the installed package) in the consumer. */
function layOutSuite(consumerDir) {
  const suite = join(consumerDir, 'suite');
  rmSync(suite, { recursive: true, force: true });
  const mapDir = join(suite, 'map');
  mkdirSync(mapDir, { recursive: true });
  cpSync(join(packageDir('map'), 'test'), join(mapDir, 'test'), { recursive: true });
  cpSync(join(packageDir('map'), 'vitest.config.ts'), join(mapDir, 'vitest.package.config.ts'));
  for (const part of ['src', 'dist'])
    symlinkSync(join('..', '..', 'node_modules', '@pmem2', 'map', part), join(mapDir, part));
  // The private test kit the map tests import (helpers, sysfs fixtures, the vitest setup), as
  // built in the workspace; its own dependency (@pmem2/errors) resolves to the packed one.
  const kit = join(consumerDir, 'node_modules', '@pmem2', 'test-kit');
  rmSync(kit, { recursive: true, force: true });
  for (const part of ['package.json', 'dist', 'fixtures'])
    cpSync(join(REPO_ROOT, 'tools', 'test-kit', part), join(kit, part), {
      recursive: true,
      verbatimSymlinks: true,
    });
  // The package's own config, plus: the packed src/*.ts lives under node_modules, which vitest
  // would hand to Node untransformed; inline it so vite transforms it like the workspace's.
  writeFileSync(
    join(mapDir, 'vitest.config.mjs'),
    `import { mergeConfig } from 'vitest/config';
import base from './vitest.package.config.ts';

export default mergeConfig(base, {
  test: { testTimeout: 120_000, server: { deps: { inline: [/\\/@pmem2\\/map\\/src\\//] } } },
});
`,
  );
  return mapDir;
}

/** Skipped tests per file from vitest's JSON report. */
function skippedByFile(report, mapDir) {
  const skipped = {};
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(mapDir) ? file.name.slice(mapDir.length + 1) : file.name;
    const count = file.assertionResults.filter(
      (a) => a.status !== 'passed' && a.status !== 'failed',
    ).length;
    if (count > 0) skipped[name] = count;
  }
  return skipped;
}

/**
 * Runs the map suite with `launcher` (the emulated `node`) in the consumer. Resolves to
 * `{ ok, short, detail, log }`: passed when nothing failed and nothing but the oracle
 * comparisons skipped, and those only with their `SKIPPED: … on arm64` line.
 */
export async function runArm64MapSuite({ consumerDir, launcher, env, crossCc, timeoutMs }) {
  await addFaultInject(consumerDir, crossCc);
  const mapDir = layOutSuite(consumerDir);
  const report = join(consumerDir, 'map-suite.json');
  const result = await run(
    launcher,
    [
      join(consumerDir, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd: mapDir, env: { ...env, CI: 'true', FORCE_COLOR: '0' }, timeoutMs },
  );
  const output = stripVTControlCharacters(result.output);
  const counts = parseVitestSummary(output);
  const seconds = (result.ms / 1000).toFixed(0);
  let skipped = {};
  try {
    skipped = skippedByFile(JSON.parse(readFileSync(report, 'utf8')), mapDir);
  } catch {
    // no report: the summary line (or its absence) says why
  }
  const summary = counts
    ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${seconds} s`
    : `no vitest summary in ${seconds} s`;
  const problems = [];
  if (result.timedOut) problems.push(`timed out after ${timeoutMs / 1000} s`);
  else if (result.code !== 0) problems.push(`exit ${result.code ?? result.signal}`);
  if (!counts || counts.passed === 0) problems.push('no test passed');
  const strayed = Object.keys(skipped).filter((file) => file !== ORACLE_FILE);
  if (strayed.length)
    problems.push(
      `tests skipped outside ${ORACLE_FILE}: ${strayed.map((f) => `${f} (${skipped[f]})`).join(', ')}`,
    );
  const oracleLine = /SKIPPED: map oracle tests[^\n]*/.exec(output)?.[0];
  if (skipped[ORACLE_FILE] && !oracleLine)
    problems.push(`${ORACLE_FILE} skipped without its SKIPPED line`);
  if (problems.length === 0) {
    const oracle = skipped[ORACLE_FILE]
      ? `; the ${skipped[ORACLE_FILE]} oracle comparisons skipped on arm64: "${oracleLine.trim()}"`
      : '';
    return {
      ok: true,
      short: `${counts.passed}/${counts.passed + counts.skipped}`,
      detail: `${summary}${oracle}`,
      log: result.output,
    };
  }
  const names = failedTestNames(output);
  return {
    ok: false,
    detail: `${problems.join('; ')}; ${summary}${names.length ? `; failed: ${names.join(' | ')}` : `; ${tail(output, 4)}`}`,
    log: result.output,
  };
}
