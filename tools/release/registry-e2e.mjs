#!/usr/bin/env node
// registry-e2e.mjs -- the release path through a real registry: version the packages, publish
// them to a local Verdaccio, install them from it with npm and no compiler, and use them
//
// 1. Copies the working tree into a temp folder (the repository's pending changesets stay
//    pending), installs there offline without scripts, runs `changeset version`, and checks
//    that every public package got a new version and a CHANGELOG.md section listing changes
//    (with no changeset pending, just after a release, the current versions and CHANGELOGs).
// 2. Copies the public packages' build outputs (dist/, prebuilds/) into the copy: run it after
//    `pnpm build`; what is published is what the build made.
// 3. Starts Verdaccio (this package's devDependency) on 127.0.0.1 with its storage in the temp
//    folder, adds a user, and runs `pnpm -r publish` in the copy, as the release workflow does.
// 4. In an empty project whose PATH holds only node, npm, npx and shell tools (the runtime
//    matrix's toolbin: no cc, make or python), npm-installs @pmem2/map and @pmem2/cli (and
//    config, source and errors, which the program imports) from Verdaccio, and checks that
//    nothing was compiled, the installed manifests, and npm's account of the install script.
// 5. Runs the runtime matrix's smoke program (map a file, write, persist, delete, read back)
//    and `npx pmem2 info <file>` / `npx pmem2 --version`, and checks their output.
// Verdaccio is stopped and the temp folder removed at the end (`--keep` keeps the folder).
// The last line is the summary; the exit status is 1 when any step failed.
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkInstalledNative,
  consumerEnv,
  makeToolbin,
  systemNpmGlobalConfig,
  visibleBuildTools,
} from '../runtime-matrix/lib/consumer.mjs';
import { run, runOrThrow, tail } from '../runtime-matrix/lib/exec.mjs';
import { listPrebuilds, pnpmCommand } from '../runtime-matrix/lib/pack.mjs';
import { runSmoke } from '../runtime-matrix/lib/smoke-cell.mjs';
import { checkVersionStep, pendingChangesets } from './lib/changelogs.mjs';
import {
  infoOutputProblem,
  installedManifestProblems,
  installScriptProblem,
} from './lib/consumer-checks.mjs';
import { createUser, packument, startVerdaccio } from './lib/verdaccio.mjs';
import { copyWorkingTree, publicPackages, REPO_ROOT } from './lib/workspace.mjs';

const { values: options } = parseArgs({ options: { keep: { type: 'boolean' } } });
const MINUTE = 60_000;
const INFO_FILE_SIZE = 64 * 1024;
const SMOKE_PROGRAM = join(REPO_ROOT, 'tools', 'runtime-matrix', 'smoke', 'smoke.mjs');
/** What the consumer installs: the packages under test (map, cli, log) and what the smoke program imports. */
const CONSUMER_PACKAGES = [
  '@pmem2/map',
  '@pmem2/cli',
  '@pmem2/log',
  '@pmem2/config',
  '@pmem2/source',
  '@pmem2/errors',
];

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'pmem2-registry-e2e-'));
const copy = join(work, 'repo');
const consumer = join(work, 'consumer');
let current = 'start';
let verdaccio;

/** Runs one step, printing its name and duration. */
async function step(name, fn) {
  current = name;
  console.log(`== ${name}`);
  const t0 = Date.now();
  const result = await fn();
  console.log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

/** The environment for pnpm in the copy: this one without what a parent pnpm/npm run set. */
function copyEnv() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_|^PNPM_|^pnpm_/i.test(k)),
  );
  return { ...env, TURBO_TELEMETRY_DISABLED: '1', CI: '1' };
}

function fail(message) {
  throw new Error(message);
}

async function main() {
  const packages = publicPackages();
  const pnpm = await pnpmCommand();
  const pnpmIn = (cwd, args, timeoutMs = 3 * MINUTE) =>
    runOrThrow(pnpm[0], [...pnpm.slice(1), ...args], { cwd, env: copyEnv(), timeoutMs });

  await step('the build outputs are there (run after pnpm build)', () => {
    for (const { dir } of packages) {
      if (!existsSync(join(REPO_ROOT, dir, 'dist'))) fail(`${dir}/dist is missing: run pnpm build`);
    }
    const prebuilds = Object.keys(listPrebuilds(join(REPO_ROOT, 'packages', 'native')));
    if (!prebuilds.includes(`prebuilds/linux-${process.arch}/@pmem2+native.node`)) {
      fail(
        `packages/native has no linux-${process.arch} prebuild (${prebuilds.join(', ') || 'none'})`,
      );
    }
  });

  const versions = await step('changeset version on a copy of the working tree', async () => {
    const files = copyWorkingTree(copy);
    console.log(`   ${files} files copied to ${copy}`);
    await pnpmIn(copy, ['install', '--offline', '--frozen-lockfile', '--ignore-scripts']);
    const pending = pendingChangesets(copy);
    if (pending.length > 0) await pnpmIn(copy, ['exec', 'changeset', 'version']);
    else console.log('   no pending changeset (just released): publishing the current versions');
    const { problems, versions } = checkVersionStep(copy, packages, {
      requireBump: pending.length > 0,
    });
    if (problems.length > 0) fail(problems.join('; '));
    for (const { name, manifest } of packages) {
      console.log(`   ${name}: ${manifest.version} -> ${versions[name]}, CHANGELOG.md has it`);
    }
    return versions;
  });

  await step('copy the build outputs into the copy', () => {
    for (const { dir } of packages) {
      for (const output of ['dist', 'prebuilds']) {
        const from = join(REPO_ROOT, dir, output);
        if (existsSync(from)) cpSync(from, join(copy, dir, output), { recursive: true });
      }
    }
  });

  await step('start Verdaccio on 127.0.0.1 and publish every public package', async () => {
    verdaccio = await startVerdaccio(join(work, 'verdaccio'));
    console.log(`   Verdaccio ${verdaccio.version} at ${verdaccio.url} (pid ${verdaccio.pid})`);
    const token = await createUser(verdaccio.url, 'release-e2e', 'release-e2e-password');
    const host = verdaccio.url.replace(/^http:/, '');
    appendFileSync(join(copy, '.npmrc'), `\n${host}:_authToken=${token}\n`);
    const out = await pnpmIn(copy, [
      '-r',
      'publish',
      '--registry',
      verdaccio.url,
      '--access',
      'public',
      '--no-git-checks',
    ]);
    console.log(tail(out, 12).replace(/^/gm, '   '));
    for (const { name } of packages) {
      const doc = await packument(verdaccio.url, name);
      if (!doc?.versions?.[versions[name]]) fail(`the registry has no ${name}@${versions[name]}`);
    }
  });

  const toolbin = await makeToolbin(join(work, 'bin'), { node: process.execPath });
  const env = consumerEnv(toolbin, await systemNpmGlobalConfig(), {
    npm_config_cache: join(work, 'npm-cache'),
  });

  await step('npm install from Verdaccio with no compiler on PATH', async () => {
    const tools = await visibleBuildTools(env);
    if (tools.length > 0) fail(`build tools on the consumer's PATH: ${tools.join(' ')}`);
    mkdirSync(consumer);
    writeFileSync(join(consumer, '.npmrc'), `@pmem2:registry=${verdaccio.url}\n`);
    writeFileSync(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'registry-consumer', private: true, type: 'module' }, null, 2)}\n`,
    );
    const specs = CONSUMER_PACKAGES.map((name) => `${name}@${versions[name]}`);
    const install = await run(
      join(toolbin, 'npm'),
      ['install', '--no-audit', '--no-fund', '--foreground-scripts', ...specs],
      { cwd: consumer, env, timeoutMs: 3 * MINUTE },
    );
    if (install.code !== 0)
      fail(`npm install ${specs.join(' ')} failed:\n${tail(install.output, 20)}`);
    console.log(`   npm install ${specs.join(' ')}: ok`);
    const prebuilds = listPrebuilds(join(copy, 'packages', 'native'));
    const problems = [
      checkInstalledNative(consumer, prebuilds, 'npm install'),
      ...installedManifestProblems(consumer, versions),
    ].filter(Boolean);
    problems.push(installScriptProblem(install.output, versions['@pmem2/native']));
    if (problems.some(Boolean)) fail(problems.filter(Boolean).join('; '));
    console.log(
      '   nothing compiled, prebuilds as built, npm names the install script node-gyp-build',
    );
  });

  const smoked = await step('smoke program: map, write, persist, delete, read back', async () => {
    cpSync(SMOKE_PROGRAM, join(consumer, 'smoke.mjs'));
    const [result] = await runSmoke({
      command: [join(toolbin, 'node')],
      consumerDir: consumer,
      files: [join(work, 'smoke-data')],
      env,
      expectedPrebuild: `prebuilds/linux-${process.arch}/@pmem2+native.node`,
      timeoutMs: 2 * MINUTE,
    });
    if (!result.ok) fail(result.detail);
    console.log(`   ${result.detail}`);
    return result;
  });

  await step('npx pmem2 info <file> and npx pmem2 --version', async () => {
    const file = join(work, 'info-data');
    writeFileSync(file, Buffer.alloc(INFO_FILE_SIZE));
    const info = await run(join(toolbin, 'npx'), ['pmem2', 'info', file], { cwd: consumer, env });
    if (info.code !== 0) fail(`npx pmem2 info exited ${info.code}:\n${tail(info.output, 10)}`);
    const problem = infoOutputProblem(info.stdout, file, INFO_FILE_SIZE);
    if (problem) fail(`npx pmem2 info: ${problem}:\n${info.stdout}`);
    console.log(info.stdout.trimEnd().replace(/^/gm, '   '));
    const version = await run(join(toolbin, 'npx'), ['pmem2', '--version'], { cwd: consumer, env });
    if (version.stdout.trim() !== versions['@pmem2/cli']) {
      fail(
        `npx pmem2 --version printed ${JSON.stringify(version.stdout.trim())}, published ${versions['@pmem2/cli']}`,
      );
    }
  });

  return `published ${packages.map((p) => `${p.name}@${versions[p.name]}`).join(', ')} to Verdaccio ${verdaccio.version}; npm-installed with no compiler on PATH; smoke (${smoked.detail.match(/\d+ steps/)?.[0] ?? 'all steps'}) and npx pmem2 info passed`;
}

let summary;
let ok = false;
try {
  summary = await main();
  ok = true;
} catch (error) {
  summary = `FAILED at "${current}": ${error instanceof Error ? error.message : String(error)}`;
  if (verdaccio && existsSync(verdaccio.log)) {
    console.log(`Verdaccio's log (last lines):\n${tail(readFileSync(verdaccio.log, 'utf8'), 20)}`);
  }
} finally {
  await verdaccio?.stop();
  if (options.keep) console.log(`   kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `\nregistry e2e: ${ok ? 'ok' : summary.split('\n')[0]}${ok ? ` in ${seconds} s: ${summary}` : ''}`,
);
if (!ok) console.log(summary);
process.exit(ok ? 0 : 1);
