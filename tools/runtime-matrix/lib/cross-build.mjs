// cross-build.mjs -- builds @pmem2/native's addon for linux-arm64 (glibc, musl) and linux-x64
// (musl)
//
// Uses the package's own binding.gyp through node-gyp, with Debian's cross compilers as CC,
// on a copy of the package in a temporary folder (packages/native is never touched), then
// strips the result like `prebuildify --strip` and files it under the name node-gyp-build
// looks for: prebuilds/linux-arm64/@pmem2+native.node, prebuilds/linux-arm64/@pmem2+native.musl.node
// and prebuilds/linux-x64/@pmem2+native.musl.node.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from './exec.mjs';
import { packageDir } from './paths.mjs';

/** The cross targets: compiler driver, node-gyp arch, strip tool and the prebuild's place. */
export const CROSS_TARGETS = {
  'linux-arm64': {
    cc: 'aarch64-linux-gnu-gcc',
    arch: 'arm64',
    strip: 'aarch64-linux-gnu-strip',
    objdump: 'aarch64-linux-gnu-objdump',
    tuple: 'linux-arm64',
    tags: '',
  },
  'linux-arm64-musl': {
    cc: 'aarch64-linux-musl-gcc',
    arch: 'arm64',
    strip: 'aarch64-linux-gnu-strip',
    objdump: 'aarch64-linux-gnu-objdump',
    tuple: 'linux-arm64',
    tags: '.musl',
  },
  'linux-x64-musl': {
    cc: 'musl-gcc',
    arch: 'x64',
    strip: 'strip',
    objdump: 'objdump',
    tuple: 'linux-x64',
    tags: '.musl',
  },
};

/** The file name prebuildify gives a package's addon: @scope/name -> @scope+name. */
export function prebuildFileName(packageName, tags = '') {
  return `${packageName.replace('/', '+')}${tags}.node`;
}

/** node-gyp's CLI: the native package's devDependency, else the copy bundled with npm. */
function nodeGypCli() {
  const nativeRequire = createRequire(join(packageDir('native'), 'package.json'));
  try {
    return nativeRequire.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
  }
}

/** sha256 of a file, hex. */
export function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Builds the addon for `target` into `<outDir>/<tuple>/<file>`. Resolves to
 * `{ ok, file, relative, sha256, log }` or `{ ok: false, reason, log }`.
 */
export async function crossBuild(target, outDir, workDir) {
  const spec = CROSS_TARGETS[target];
  const nativeDir = packageDir('native');
  const pkg = JSON.parse(readFileSync(join(nativeDir, 'package.json'), 'utf8'));
  const copy = join(workDir, `native-${target}`);
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  for (const entry of ['package.json', 'binding.gyp', 'csrc']) {
    if (existsSync(join(nativeDir, entry)))
      cpSync(join(nativeDir, entry), join(copy, entry), { recursive: true });
  }
  const env = {
    ...process.env,
    CC: spec.cc,
    CXX: spec.cc,
    LINK: spec.cc,
    CC_target: spec.cc,
    npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr',
  };
  const gyp = await run(
    process.execPath,
    [nodeGypCli(), 'rebuild', `--arch=${spec.arch}`, '--nodedir=/usr', '--jobs=2'],
    { cwd: copy, env, timeoutMs: 5 * 60 * 1000 },
  );
  if (gyp.code !== 0) {
    return { ok: false, reason: `node-gyp with ${spec.cc} failed`, log: gyp.output };
  }
  const built = readdirSync(join(copy, 'build', 'Release')).find((f) => f.endsWith('.node'));
  if (!built) return { ok: false, reason: 'node-gyp produced no .node file', log: gyp.output };
  const relative = join(spec.tuple, prebuildFileName(pkg.name, spec.tags));
  const file = join(outDir, relative);
  mkdirSync(join(outDir, spec.tuple), { recursive: true });
  cpSync(join(copy, 'build', 'Release', built), file);
  const strip = await run(spec.strip, ['--strip-all', file]);
  if (strip.code !== 0) return { ok: false, reason: `${spec.strip} failed`, log: strip.output };
  return { ok: true, file, relative, sha256: sha256(file), log: gyp.output, ms: gyp.ms };
}
