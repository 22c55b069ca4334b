// arm64-suite.mjs -- the whole @pmem2/map vitest suite from the packed tarballs, run by an
// emulated runtime (Node 22 arm64; Bun's arm64 musl build) in a consumer project that has no
// compiler on PATH
//
// The consumer installed the five tarballs plus vitest (and vite) at the workspace's versions
// and @pmem2/map's devDependencies (fast-check) with npm under emulation, so npm picked
// vitest's arm64 native pieces (rolldown's @rolldown/binding-linux-arm64-gnu,
// lightningcss-linux-arm64-gnu) itself. This lays the map
// package's own test folder next to the packed package (`suite/map/test`, with `src` and
// `dist` linked to the installed @pmem2/map, `suite/<name>` to the other installed packages,
// and the private @pmem2/test-kit copied in), with
// suite/expect-prebuild.mjs, which fails every test file unless the expected prebuild is the
// addon mapped, and runs vitest.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { run, tail } from './exec.mjs';
import { PACKED_PACKAGES, packageDir, REPO_ROOT, TOOL_DIR } from './paths.mjs';
import { failedTestNames, parseVitestSummary } from './vitest-suite.mjs';

/** The test file whose comparisons with the C oracle may skip on arm64 (no cc to build it). */
const ORACLE_FILE = 'test/oracle.test.ts';

/**
 * Tests that run on x86_64 only (`runIf(x64)`: CACHE_LINE's native flush, BYTE's JavaScript
 * fence), as many per file as skip on arm64; a file skipping more fails the cell.
 */
const X64_ONLY = { 'test/persist-routines.test.ts': 8, 'test/persist-args-fallback.test.ts': 1 };

/**
 * advice.test.ts's populate tests, which skip (with their `SKIPPED: populate` line) when the
 * row's probe found that the emulator ignores MADV_POPULATE_* (PMEM2_TEST_POPULATE_IGNORED).
 */
const POPULATE_FILE = 'test/advice.test.ts';
const POPULATE_TESTS = 3;

/**
 * System tools the map suite calls besides the shell's (lost-pages.test.ts fills a small
 * tmpfs and ext4 mounted in a private mount namespace), for the suite's PATH.
 */
export const MAP_SUITE_TOOLS = ['unshare', 'mount', 'umount', 'mkfs.ext4'];

/**
 * What the map suite needs from the registry, as consumer devDependencies: vitest and vite at
 * the workspace's versions, and @pmem2/map's own devDependencies (fast-check), as pinned
 * there (its `workspace:` ones are the packed tarballs already).
 */
export function mapSuiteDevDependencies() {
  const rootRequire = createRequire(join(REPO_ROOT, 'package.json'));
  const vitestManifest = rootRequire.resolve('vitest/package.json');
  const vitest = JSON.parse(readFileSync(vitestManifest, 'utf8')).version;
  const vite = JSON.parse(
    readFileSync(createRequire(vitestManifest).resolve('vite/package.json'), 'utf8'),
  ).version;
  const map = JSON.parse(readFileSync(join(packageDir('map'), 'package.json'), 'utf8'));
  const own = Object.entries(map.devDependencies ?? {}).filter(
    ([, range]) => !String(range).startsWith('workspace:'),
  );
  return { vitest, vite, ...Object.fromEntries(own) };
}

/**
 * Lays out suite/map (the package's tests over the installed package) in the consumer, with
 * suite/expect-prebuild.mjs as every test file's first setup.
 */
function layOutSuite(consumerDir) {
  const suite = join(consumerDir, 'suite');
  rmSync(suite, { recursive: true, force: true });
  const mapDir = join(suite, 'map');
  mkdirSync(mapDir, { recursive: true });
  cpSync(join(packageDir('map'), 'test'), join(mapDir, 'test'), { recursive: true });
  cpSync(join(packageDir('map'), 'vitest.config.ts'), join(mapDir, 'vitest.package.config.ts'));
  for (const part of ['src', 'dist'])
    symlinkSync(join('..', '..', 'node_modules', '@pmem2', 'map', part), join(mapDir, part));
  // Child processes some tests start import the other packages as the workspace lays them
  // out, by path from the test folder (`../../config/dist/index.js`): the installed ones.
  for (const name of PACKED_PACKAGES.filter((n) => n !== 'map'))
    symlinkSync(join('..', 'node_modules', '@pmem2', name), join(suite, name));
  // The private test kit the map tests import (helpers, sysfs fixtures, the vitest setup), as
  // built in the workspace; its own dependency (@pmem2/errors) resolves to the packed one.
  const kit = join(consumerDir, 'node_modules', '@pmem2', 'test-kit');
  rmSync(kit, { recursive: true, force: true });
  for (const part of ['package.json', 'dist', 'fixtures'])
    cpSync(join(REPO_ROOT, 'tools', 'test-kit', part), join(kit, part), {
      recursive: true,
      verbatimSymlinks: true,
    });
  cpSync(join(TOOL_DIR, 'suite', 'expect-prebuild.mjs'), join(mapDir, 'expect-prebuild.mjs'));
  // The package's own config, plus: the packed src/*.ts lives under node_modules, which vitest
  // would hand to Node untransformed; inline it so vite transforms it like the workspace's.
  writeFileSync(
    join(mapDir, 'vitest.config.mjs'),
    `import { mergeConfig } from 'vitest/config';
import base from './vitest.package.config.ts';

export default mergeConfig(base, {
  test: {
    testTimeout: 120_000,
    setupFiles: ['./expect-prebuild.mjs'],
    server: { deps: { inline: [/\\/@pmem2\\/map\\/src\\//] } },
  },
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
 * Runs the map suite with `launcher` (the emulated `node` or `bun`, `runtimeArgs` before the
 * script: `--bun` for Bun) in the consumer. Resolves to `{ ok, short, detail, log }`: passed
 * when nothing failed and nothing but the oracle comparisons skipped, and those only with
 * their `SKIPPED: …` line.
 */
export async function runArm64MapSuite({
  consumerDir,
  launcher,
  runtimeArgs = [],
  env,
  expectedPrebuild,
  timeoutMs,
}) {
  const mapDir = layOutSuite(consumerDir);
  const report = join(consumerDir, 'map-suite.json');
  rmSync(report, { force: true });
  const result = await run(
    launcher,
    [
      ...runtimeArgs,
      join(consumerDir, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    {
      cwd: mapDir,
      env: { ...env, CI: 'true', FORCE_COLOR: '0', PMEM2_EXPECT_PREBUILD: expectedPrebuild },
      timeoutMs,
    },
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
  const populateIgnored = env.PMEM2_TEST_POPULATE_IGNORED !== undefined;
  const allowed = { ...X64_ONLY, ...(populateIgnored ? { [POPULATE_FILE]: POPULATE_TESTS } : {}) };
  const strayed = Object.keys(skipped).filter(
    (file) => file !== ORACLE_FILE && skipped[file] > (allowed[file] ?? 0),
  );
  if (strayed.length)
    problems.push(
      `tests skipped outside ${ORACLE_FILE}: ${strayed.map((f) => `${f} (${skipped[f]})`).join(', ')}`,
    );
  const oracleLine = /SKIPPED: map oracle tests[^\n]*/.exec(output)?.[0];
  if (skipped[ORACLE_FILE] && !oracleLine)
    problems.push(`${ORACLE_FILE} skipped without its SKIPPED line`);
  const populateLine = /SKIPPED: populate[^\n]*/.exec(output)?.[0];
  if (populateIgnored && skipped[POPULATE_FILE] && !populateLine)
    problems.push(`${POPULATE_FILE} skipped without its SKIPPED line`);
  if (problems.length === 0) {
    const oracle = skipped[ORACLE_FILE]
      ? `; the ${skipped[ORACLE_FILE]} oracle comparisons skipped on arm64: "${oracleLine.trim()}"`
      : '';
    const x64Only = Object.keys(X64_ONLY).filter((file) => skipped[file]);
    const populateNote = populateLine ? `; ${populateLine.trim()}` : '';
    const x64Note = x64Only.length
      ? `; x86_64-only tests skipped: ${x64Only.map((f) => `${f} (${skipped[f]})`).join(', ')}`
      : '';
    return {
      ok: true,
      short: `${counts.passed}/${counts.passed + counts.skipped}`,
      detail: `${summary}${oracle}${x64Note}${populateNote}`,
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

/**
 * Runs `suite()` (a runArm64MapSuite call) and, if it fails, once more, printing the failure's
 * output: a pass on retry is recorded with the first failure in its note (a flaky test), a
 * second failure fails the cell. Resolves to the record for matrix.record().
 */
export async function suiteWithRetry(suite, label) {
  const first = await suite();
  if (first.ok) return first;
  console.log(tail(first.log, 80));
  console.log(`   ${label} map suite failed; running it once more`);
  const retry = await suite();
  if (!retry.ok) console.log(tail(retry.log, 40));
  return {
    ok: retry.ok,
    short: retry.ok ? `${retry.short} on retry` : '',
    detail: retry.ok
      ? `${retry.detail}; the first run FAILED (flaky?): ${first.detail}`
      : `failed twice; ${retry.detail}`,
  };
}
