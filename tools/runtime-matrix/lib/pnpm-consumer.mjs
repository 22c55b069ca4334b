// pnpm-consumer.mjs -- an empty project that installs the packed tarballs with pnpm 10 (which
// skips dependencies' install scripts) with no compiler on PATH
import { existsSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkInstalledNative,
  failedInstall,
  installedPrebuildTargets,
  visibleBuildTools,
  writeConsumerProject,
} from './consumer.mjs';
import { run, tail } from './exec.mjs';
import { PNPM_VERSION } from './pins.mjs';

/** What pnpm 10 prints when it skipped a dependency's install script (and still exits 0). */
export const IGNORED_BUILDS_NOTICE = 'Ignored build scripts';

/**
 * Whether pnpm's output says it skipped @pmem2/native's install script: its boxed warning
 * `Ignored build scripts: @pmem2/native@file:…`. The box wraps anywhere (after the colon, or
 * inside the tarball's path), so its lines are joined without their frame first.
 */
export function ignoredNativeBuild(output) {
  const unboxed = output
    .split('\n')
    .map((line) => line.replace(/[│╭╮╰╯─]/g, '').trim())
    .join('');
  return /Ignored build scripts:((?!Run "pnpm approve-builds").)*@pmem2\/native@file:/.test(
    unboxed,
  );
}

/**
 * pnpm's own CLI file (`pnpm.cjs`, started by `#!/usr/bin/env node`) of version PNPM_VERSION:
 * the `pnpm` on PATH if it is that version, else npx's cached copy (`npx -y -p pnpm@…`, as CI
 * gets it). Throws if neither resolves.
 */
export async function pnpmCli() {
  const onPath = await run('sh', ['-c', 'command -v pnpm && pnpm --version']);
  const [path, version] = onPath.stdout.trim().split('\n');
  if (onPath.code === 0 && version === PNPM_VERSION) return realpathSync(path);
  const viaNpx = await run(
    'npx',
    ['-y', '-p', `pnpm@${PNPM_VERSION}`, 'sh', '-c', 'command -v pnpm'],
    {
      timeoutMs: 3 * 60 * 1000,
    },
  );
  const npxPath = viaNpx.stdout.trim();
  if (viaNpx.code !== 0 || !npxPath.startsWith('/')) {
    throw new Error(`pnpm ${PNPM_VERSION} not found (npx: ${tail(viaNpx.output, 4)})`);
  }
  return realpathSync(npxPath);
}

/** Adds `pnpm` (a symlink to `cli`, run by the toolbin's `node` through env) to a toolbin. */
export function addPnpmToToolbin(toolbin, cli) {
  if (!existsSync(join(toolbin, 'pnpm'))) symlinkSync(cli, join(toolbin, 'pnpm'));
}

/**
 * Installs the tarballs into `dir` with `pnpm install` under `env` (whose PATH must hold
 * `pnpm`), its store in `storeDir`, then checks that pnpm said it ignored the install script,
 * that nothing was compiled and that the installed prebuilds are byte-identical to the packed
 * ones. Resolves to `{ ok, short, detail, log }`.
 */
export async function installPnpmConsumer(
  dir,
  tarballs,
  packedPrebuilds,
  env,
  storeDir,
  timeoutMs,
) {
  // pnpm.overrides: the packages' dependencies on each other (real versions after `pnpm pack`)
  // resolve to the same tarballs instead of the registry.
  writeConsumerProject(dir, tarballs, (dependencies) => ({ pnpm: { overrides: dependencies } }));
  const tools = await visibleBuildTools(env);
  if (tools.length > 0) {
    return { ok: false, detail: `build tools on PATH: ${tools.join(' ')}`, log: '' };
  }
  const install = await run(
    'pnpm',
    ['install', '--store-dir', storeDir, '--reporter', 'append-only', '--prefer-offline'],
    { cwd: dir, env, timeoutMs },
  );
  if (install.code !== 0) return failedInstall('pnpm', install, timeoutMs);
  if (!ignoredNativeBuild(install.output)) {
    return {
      ok: false,
      detail: `pnpm install did not print "${IGNORED_BUILDS_NOTICE}: @pmem2/native@file:…" (did @pmem2/native's install script run?): ${tail(install.output, 4)}`,
      log: install.output,
    };
  }
  const problem = checkInstalledNative(dir, packedPrebuilds, 'pnpm install');
  if (problem) return { ok: false, detail: problem, log: install.output };
  const seconds = (install.ms / 1000).toFixed(1);
  return {
    ok: true,
    short: `${seconds}s`,
    detail: `pnpm ${PNPM_VERSION} install in ${seconds} s, no compiler/make/python on PATH, install script ignored ("${IGNORED_BUILDS_NOTICE}: @pmem2/native@file:…"), nothing compiled, prebuilds (${installedPrebuildTargets(dir).join(', ')}) unchanged`,
    log: install.output,
  };
}
