#!/usr/bin/env node
// run.mjs -- the runtime matrix: the packed @pmem2 stack under Node 20/22/24, linux-arm64
// glibc and musl (qemu), musl, Bun and Deno, printed as a runtime × suite table
//
// Usage: node tools/runtime-matrix/run.mjs [--main-run-passed] [--only rows] [--json file]
//        [--no-apt] [--keep]
// See README.md beside this file for what every cell means. Exits 1 if any cell that can run
// here failed; "not verifiable here" cells (with their reason) do not fail the run.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDebianPackages } from './lib/apt.mjs';
import { arm64MuslRow } from './lib/arm64-musl-row.mjs';
import { arm64Row } from './lib/arm64-row.mjs';
import { mapSuiteDevDependencies } from './lib/arm64-suite.mjs';
import { systemNpmGlobalConfig } from './lib/consumer.mjs';
import { CROSS_TARGETS, crossBuild, prebuildFileName, sha256 } from './lib/cross-build.mjs';
import { checkArm64Prebuild, checkMuslPrebuild, describeGlibcPrebuild } from './lib/elf.mjs';
import { errorSummary, firstLine } from './lib/exec.mjs';
import { FAILED, Matrix, NOT_VERIFIABLE, PASSED } from './lib/matrix.mjs';
import { checkMuslLibraries, muslBunCommand } from './lib/musl-runtime.mjs';
import { nodeRow } from './lib/node-row.mjs';
import { addPrebuilds, buildPackages, packPackages, pnpmCommand } from './lib/pack.mjs';
import { CACHE_DIR, packageDir, REPO_ROOT } from './lib/paths.mjs';
import { BUN_MUSL, DEBIAN_PACKAGES, NODE_BUILDS } from './lib/pins.mjs';
import { ensureQemu } from './lib/qemu.mjs';
import { ensureBunMusl, ensureJsRuntimes, ensureNodeBuild } from './lib/runtimes.mjs';
import { fileSystemType, runSmoke } from './lib/smoke-cell.mjs';

const HELP = `Usage: node tools/runtime-matrix/run.mjs [options]

  --main-run-passed  Node ${process.versions.node}'s native and map suites already passed in this CI run
                     (the main test suite); record them instead of running them again
  --only <rows>      comma-separated rows: node20,node22,node24,arm64,arm64musl,musl,bun,deno
                     (arm64musl runs in the arm64 row's install: select both)
  --json <file>      also write the matrix as JSON
  --no-apt           do not apt-get install missing Debian packages (their cells become n/v)
  --no-build         pack the packages as they are built now (release workflow: the prebuilds
                     downloaded from the platform runners must not be rebuilt here)
  --keep             keep the temporary folder (tarballs, consumer projects)
  -h, --help         this text`;

const MINUTE = 60 * 1000;
const ALL_ROWS = ['node20', 'node22', 'node24', 'arm64', 'arm64musl', 'musl', 'bun', 'deno'];
const SUITES = ['native', 'map'];
const X64_PREBUILD = `prebuilds/linux-x64/${prebuildFileName('@pmem2/native')}`;

const { values: options } = parseArgs({
  options: {
    'main-run-passed': { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
    'no-apt': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log(HELP);
  process.exit(0);
}
const selected = options.only ? options.only.split(',').map((s) => s.trim()) : ALL_ROWS;
const unknown = selected.filter((r) => !ALL_ROWS.includes(r));
if (unknown.length) {
  console.error(`run.mjs: unknown row ${unknown.join(', ')}; rows are ${ALL_ROWS.join(', ')}`);
  process.exit(2);
}
if (selected.includes('arm64musl') && !selected.includes('arm64')) {
  console.error("run.mjs: the arm64musl row runs in the arm64 row's npm install; add arm64");
  process.exit(2);
}
const wants = (row) => selected.includes(row);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const say = (text) => console.log(`== [${elapsed()}] ${text}`);

const matrix = new Matrix([
  { id: 'prebuild', title: 'prebuild' },
  { id: 'native', title: 'native suite' },
  { id: 'map', title: 'map suite' },
  { id: 'install', title: 'npm install, no cc' },
  { id: 'pnpm', title: 'pnpm 10 install, no cc' },
  { id: 'ext4', title: 'smoke ext4' },
  { id: 'tmpfs', title: 'smoke tmpfs' },
]);
const ROW_TITLES = {
  node20: `node ${process.versions.node} x64`,
  node22: `node ${NODE_BUILDS.node22.version} x64`,
  node24: `node ${NODE_BUILDS.node24.version} x64`,
  arm64: `node ${NODE_BUILDS.node22arm64.version} arm64 (qemu 10)`,
  arm64musl: `bun ${BUN_MUSL.arm64.version} arm64 musl (qemu 10)`,
  musl: `bun ${BUN_MUSL.x64.version} x64 musl`,
  bun: 'bun 1.4.5 x64',
  deno: 'deno 2.9.6 x64',
};
for (const row of selected) matrix.addRow(row, ROW_TITLES[row]);

/** Marks every still-empty cell of `row` in `columns` with `status` and `detail`. */
function fillRow(row, columns, status, detail) {
  for (const column of columns) {
    if (!matrix.get(row, column)) matrix.set(row, column, status, { detail });
  }
}

const workDir = mkdtempSync(join(tmpdir(), 'pmem2-matrix-'));
const stepTimes = {};

/** Runs one phase, timing it; a throw fails `onErrorRows`' remaining cells with the message. */
async function phase(name, onErrorRows, fn) {
  const t0 = Date.now();
  say(name);
  try {
    return await fn();
  } catch (error) {
    console.log(`   ${name} failed: ${error.message}`);
    for (const row of onErrorRows) {
      if (wants(row))
        fillRow(
          row,
          matrix.columns.map((c) => c.id),
          FAILED,
          `${name}: ${errorSummary(error.message)}`,
        );
    }
    return undefined;
  } finally {
    stepTimes[name] = Math.round((Date.now() - t0) / 1000);
  }
}

// 1. Debian packages for the cross builds and the emulator. Missing ones that could not be
// installed because --no-apt said so (or not root) make the rows' cells n/v; a failed
// apt-get install fails them.
const debianOk = {};
for (const [part, rows] of Object.entries({ arm64: ['arm64', 'arm64musl'], musl: ['musl'] })) {
  if (!rows.some(wants)) continue;
  const result = await phase(`Debian packages for ${part}`, [], () =>
    ensureDebianPackages(DEBIAN_PACKAGES[part], { allowInstall: !options['no-apt'] }),
  );
  for (const row of rows) debianOk[row] = result?.ok ?? false;
  if (!result?.ok) {
    for (const row of rows.filter(wants))
      fillRow(
        row,
        ['prebuild', 'ext4', 'tmpfs', 'install', 'map'],
        result?.notAllowed ? NOT_VERIFIABLE : FAILED,
        result?.reason ?? 'apt-get failed',
      );
  } else if (result.installed.length) {
    console.log(`   installed ${result.installed.join(' ')}`);
  }
}

// 2. Runtimes from the npm registry (cached).
const runtimes = await phase(
  `runtimes from npm (cached in ${relative(REPO_ROOT, CACHE_DIR) || CACHE_DIR})`,
  [],
  async () => {
    const fetches = {
      node22: wants('node22') && ensureNodeBuild(NODE_BUILDS.node22),
      node24: wants('node24') && ensureNodeBuild(NODE_BUILDS.node24),
      arm64: wants('arm64') && ensureNodeBuild(NODE_BUILDS.node22arm64),
      qemu: wants('arm64') && ensureQemu(),
      arm64musl: wants('arm64musl') && ensureBunMusl('arm64'),
      js: (wants('bun') || wants('deno')) && ensureJsRuntimes(),
      musl: wants('musl') && ensureBunMusl('x64'),
    };
    const settled = {};
    for (const [key, promise] of Object.entries(fetches)) {
      if (!promise) continue;
      try {
        settled[key] = await promise;
        console.log(`   ${key}: ${settled[key].fromCache ? 'cached' : 'fetched'}`);
      } catch (error) {
        settled[key] = { error: firstLine(error.message) };
        console.log(`   ${key}: ${error.message}`);
      }
    }
    return settled;
  },
);
const fetchFailed = (key, rows) => {
  const error = runtimes?.[key]?.error ?? (runtimes ? undefined : 'fetch phase failed');
  if (error)
    for (const row of rows)
      if (wants(row))
        fillRow(
          row,
          matrix.columns.map((c) => c.id),
          FAILED,
          `fetching the runtime: ${error}`,
        );
  return Boolean(error);
};
fetchFailed('node22', ['node22']);
fetchFailed('node24', ['node24']);
fetchFailed('arm64', ['arm64']);
fetchFailed('qemu', ['arm64', 'arm64musl']);
fetchFailed('arm64musl', ['arm64musl']);
fetchFailed('js', ['bun', 'deno']);
fetchFailed('musl', ['musl']);

// 3. Build (turbo replays the main run), cross-build, pack.
const pnpm = await pnpmCommand();
const built = await phase('build @pmem2/map and its dependencies (turbo)', ALL_ROWS, async () => {
  if (options['no-build']) console.log('   skipped (--no-build)');
  else await buildPackages(pnpm);
  return true;
});

const packed = built
  ? await phase('pnpm pack errors, config, source, native, map', ALL_ROWS, () =>
      packPackages(pnpm, join(workDir, 'tarballs')),
    )
  : undefined;
if (packed) {
  console.log(`   native tarball prebuilds: ${Object.keys(packed.prebuilds).join(', ')}`);
  const local = join(packageDir('native'), X64_PREBUILD);
  const facts = await describeGlibcPrebuild(local).catch((e) => `readelf failed: ${e.message}`);
  const same = packed.prebuilds[X64_PREBUILD] === sha256(local);
  for (const row of ['node20', 'node22', 'node24', 'bun', 'deno']) {
    if (!wants(row) || matrix.get(row, 'prebuild')) continue;
    matrix.set(row, 'prebuild', same ? PASSED : FAILED, {
      detail: same
        ? `${X64_PREBUILD} (${packed.prebuilds[X64_PREBUILD].slice(0, 12)}), built once by @pmem2/native's build (prebuildify): ${facts}`
        : `the packed ${X64_PREBUILD} differs from packages/native/prebuilds (or is missing)`,
    });
  }
}

// The arm64 and musl prebuilds: checked where @pmem2/native's build already packed one,
// else cross-built here (Debian's aarch64 gcc / aarch64-linux-musl-gcc / musl-gcc) and added
// to the tarball.
const extraPrebuilds = [];
const prebuildOut = join(CACHE_DIR, 'prebuilds');
for (const [row, target, check] of [
  [
    'arm64',
    'linux-arm64',
    (file) => checkArm64Prebuild(file, CROSS_TARGETS['linux-arm64'].objdump),
  ],
  [
    'arm64musl',
    'linux-arm64-musl',
    (file) =>
      checkMuslPrebuild(file, {
        arch: 'arm64',
        objdump: CROSS_TARGETS['linux-arm64-musl'].objdump,
      }),
  ],
  ['musl', 'linux-x64-musl', (file) => checkMuslPrebuild(file)],
]) {
  if (!packed || !wants(row) || !debianOk[row] || matrix.get(row, 'prebuild')) continue;
  const spec = CROSS_TARGETS[target];
  const relative = `${spec.tuple}/${prebuildFileName('@pmem2/native', spec.tags)}`;
  if (packed.prebuilds[`prebuilds/${relative}`]) {
    const checked = await check(join(packed.nativeRoot, 'prebuilds', relative));
    matrix.set(row, 'prebuild', checked.ok ? PASSED : FAILED, {
      detail: `prebuilds/${relative} (${packed.prebuilds[`prebuilds/${relative}`].slice(0, 12)}), built by @pmem2/native's build: ${checked.ok ? checked.detail : checked.problems.join('; ')}`,
    });
    continue;
  }
  await phase(`cross-build the addon for ${target}`, [row], async () => {
    const build = await crossBuild(target, prebuildOut, workDir);
    if (!build.ok) {
      console.log(build.log.split('\n').slice(-20).join('\n'));
      const errors = build.log.split('\n').filter((l) => /error/i.test(l));
      fillRow(
        row,
        matrix.columns.map((c) => c.id),
        FAILED,
        `${build.reason}: ${firstLine(errors.join('\n') || build.log)}`,
      );
      return;
    }
    const checked = await check(build.file);
    matrix.set(row, 'prebuild', checked.ok ? PASSED : FAILED, {
      detail: `prebuilds/${build.relative} (${build.sha256.slice(0, 12)}), cross-built here in ${(build.ms / 1000).toFixed(0)} s: ${checked.ok ? checked.detail : checked.problems.join('; ')}`,
    });
    if (checked.ok) extraPrebuilds.push(build);
  });
}
if (packed && extraPrebuilds.length) {
  await phase('add the cross-built prebuilds to the native tarball', ALL_ROWS, async () => {
    await addPrebuilds(packed, extraPrebuilds);
    console.log(`   native tarball prebuilds: ${Object.keys(packed.prebuilds).join(', ')}`);
  });
}

// 4. Files to map: one on ext4 (the clone's file system), one on tmpfs.
const filesDir = { ext4: join(CACHE_DIR, 'smoke-files'), tmpfs: '/dev/shm/pmem2-matrix' };
const fsOk = {};
for (const [column, dir] of Object.entries(filesDir)) {
  const type = await fileSystemType(dir).catch(() => 'unknown');
  fsOk[column] = column === 'ext4' ? type === 'ext2/ext3' : type === 'tmpfs';
  if (!fsOk[column]) {
    for (const row of selected) {
      if (!matrix.get(row, column))
        matrix.set(row, column, NOT_VERIFIABLE, { detail: `${dir} is ${type}, not ${column}` });
    }
  }
}
// The files' directory, made again if a suite run in between removed it.
const ensureDir = (dir) => {
  mkdirSync(dir, { recursive: true });
  return dir;
};
const smokeFiles = (row) =>
  Object.entries(filesDir)
    .filter(([column]) => fsOk[column] && !matrix.get(row, column))
    .map(([column, dir]) => ({ column, file: join(ensureDir(dir), `${row}-${process.pid}.bin`) }));

/** Runs the smoke test for `row` and records one cell per file system. */
async function smokeRow(
  row,
  { command, consumerDir, env, expectedPrebuild, checkLibraries, timeoutMs = 2 * MINUTE },
) {
  const targets = smokeFiles(row);
  if (targets.length === 0) return;
  const results = await runSmoke({
    command,
    consumerDir,
    files: targets.map((t) => t.file),
    env,
    expectedPrebuild,
    checkLibraries,
    timeoutMs,
  });
  for (const [i, t] of targets.entries()) matrix.record(row, t.column, results[i]);
}

// 5. Node 20, 22, 24: suites, npm install with no compiler, smoke.
const nodeBinaries = {
  node20: process.execPath,
  node22: runtimes?.node22?.node,
  node24: runtimes?.node24?.node,
};
const consumers = {};
const globalConfig = await systemNpmGlobalConfig();
const smokeDirs = Object.fromEntries(Object.entries(filesDir).filter(([column]) => fsOk[column]));
for (const row of ['node20', 'node22', 'node24']) {
  if (!wants(row) || !nodeBinaries[row] || !packed) continue;
  const consumer = await nodeRow(row, nodeBinaries[row], {
    ...{ matrix, phase, fillRow, smokeRow, workDir, packed },
    rowTitle: ROW_TITLES[row],
    mainRunPassed: options['main-run-passed'],
    globalConfig,
    expectedPrebuild: X64_PREBUILD,
    smokeDirs,
  });
  if (consumer) consumers[row] = consumer;
}

// 6. linux-arm64 under qemu: npm install (with vitest) run by the emulated node, the map
// suite, then smoke (lib/arm64-row.mjs).
const rowContext = { matrix, phase, fillRow, smokeRow, workDir, packed };
let arm64Consumer;
if (wants('arm64') && packed && runtimes?.arm64?.node && runtimes?.qemu?.qemu && debianOk.arm64) {
  arm64Consumer = await arm64Row({
    ...rowContext,
    runtimes,
    globalConfig,
    armPrebuild: `prebuilds/linux-arm64/${prebuildFileName('@pmem2/native')}`,
    suiteDevDependencies: mapSuiteDevDependencies(),
    rowTitle: ROW_TITLES.arm64,
  });
}

// 6b. linux-arm64 musl: Bun's aarch64 musl build under qemu and musl's loader, in the arm64
// consumer (lib/arm64-musl-row.mjs).
const arm64MuslReady = runtimes?.arm64musl?.bun && runtimes?.qemu?.qemu && debianOk.arm64musl;
if (wants('arm64musl') && packed && arm64MuslReady) {
  await arm64MuslRow({
    ...rowContext,
    consumer: arm64Consumer,
    qemu: runtimes.qemu.qemu,
    bun: runtimes.arm64musl.bun,
    muslPrebuild: `prebuilds/linux-arm64/${prebuildFileName('@pmem2/native', '.musl')}`,
    rowTitle: ROW_TITLES.arm64musl,
  });
}
if (wants('arm64musl')) {
  fillRow(
    'arm64musl',
    ['native'],
    NOT_VERIFIABLE,
    "the native suite compiles C fixtures and packs the workspace (as on the arm64 row); the map suite runs the addon's every call",
  );
}

// 7. Bun and Deno (glibc builds): the smoke test in the Node 20 npm consumer.
const baseConsumer = consumers.node20 ?? consumers.node22 ?? consumers.node24;
for (const row of ['bun', 'deno']) {
  if (!wants(row) || !runtimes?.js?.[row] || !packed) continue;
  if (!baseConsumer) {
    fillRow(
      row,
      ['ext4', 'tmpfs'],
      NOT_VERIFIABLE,
      'no npm-installed consumer project (run a node row too)',
    );
    continue;
  }
  const binary = runtimes.js[row];
  await phase(`${ROW_TITLES[row]}: smoke`, [], () =>
    smokeRow(row, {
      command: row === 'bun' ? [binary.path] : [binary.path, 'run', '-A', '--no-lock'],
      consumerDir: baseConsumer.dir,
      env: {
        ...baseConsumer.env,
        NO_COLOR: '1',
        DENO_NO_UPDATE_CHECK: '1',
        DENO_DIR: join(CACHE_DIR, 'deno-dir'),
      },
      expectedPrebuild: X64_PREBUILD,
    }),
  );
  if (!binary.postinstall)
    console.log(
      `   note: ${row}'s npm postinstall did not run; used the platform package's binary`,
    );
}

// 8. musl: Bun's musl build under Debian's musl loader, loading the musl prebuild.
if (wants('musl') && packed && runtimes?.musl?.bun && debianOk.musl && baseConsumer) {
  const muslPrebuild = `prebuilds/linux-x64/${prebuildFileName('@pmem2/native', '.musl')}`;
  await phase(`${ROW_TITLES.musl}: smoke under musl's loader`, [], async () => {
    if (!packed.prebuilds[muslPrebuild]) {
      return fillRow(
        'musl',
        ['ext4', 'tmpfs'],
        FAILED,
        'the musl prebuild was not built, nothing to load',
      );
    }
    const launcher = await muslBunCommand(runtimes.musl.bun, 'x64');
    if (!launcher.ok) return fillRow('musl', ['ext4', 'tmpfs'], NOT_VERIFIABLE, launcher.reason);
    // A separate copy of the consumer, so LIBC=musl cannot affect the glibc rows.
    const consumerDir = join(workDir, 'consumer-musl');
    cpSync(baseConsumer.dir, consumerDir, { recursive: true, verbatimSymlinks: true });
    await smokeRow('musl', {
      command: launcher.command,
      consumerDir,
      // node-gyp-build detects musl only by /etc/alpine-release; LIBC is its documented override.
      env: { ...baseConsumer.env, LIBC: 'musl' },
      expectedPrebuild: muslPrebuild,
      checkLibraries: checkMuslLibraries('x64'),
    });
  });
}
if (wants('musl')) {
  fillRow(
    'musl',
    SUITES,
    NOT_VERIFIABLE,
    'vitest is not run under the musl runtime; the smoke test is the musl check',
  );
}
for (const row of ['bun', 'deno', 'musl']) {
  if (wants(row) && !matrix.get(row, 'install')) {
    matrix.set(row, 'install', NOT_VERIFIABLE, {
      detail: 'uses the Node 20 npm install (Bun and Deno run from an npm-installed project)',
    });
  }
}
for (const row of ['bun', 'deno']) {
  if (wants(row))
    fillRow(
      row,
      SUITES,
      NOT_VERIFIABLE,
      'not run: the suites start child processes with Node CLI flags (process.execPath --expose-gc, --input-type) that Bun and Deno treat differently; measured by hand on 2026-11-26, native suite: bun --bun vitest 161/163 (2 GC-finalizer tests), deno run -A vitest 130/163 (child-process tests); the smoke test is their check',
    );
}

// 9. The table.
const { passed, failed, notVerifiable } = matrix.counts();
console.log(
  `\n== runtime matrix (${elapsed()}; phases: ${Object.entries(stepTimes)
    .map(([k, v]) => `${k.split(':')[0]} ${v}s`)
    .join(', ')})\n`,
);
console.log(matrix.render());
if (options.json) {
  writeFileSync(
    options.json,
    `${JSON.stringify({ date: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000), ...matrix.toJSON() }, null, 2)}\n`,
  );
}
if (options.keep) console.log(`\nkept ${workDir}`);
else rmSync(workDir, { recursive: true, force: true });
rmSync(filesDir.tmpfs, { recursive: true, force: true });
console.log(`\nMatrix: ${passed} passed, ${failed} failed, ${notVerifiable} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
