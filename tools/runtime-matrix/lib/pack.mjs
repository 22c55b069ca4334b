// pack.mjs -- builds and packs the workspace packages the way they would be published
//
// `pnpm pack` turns `workspace:*` into real versions. Prebuilds that the native package's own
// build does not make here (linux-arm64; linux-x64 musl without musl-gcc) are cross-built by
// the matrix and added next to the others, which is what a release tarball built by
// .github/workflows/release.yml contains.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from './cross-build.mjs';
import { run, runOrThrow } from './exec.mjs';
import { PACKED_PACKAGES, packageDir, REPO_ROOT } from './paths.mjs';

/** How to call pnpm: the pnpm running this script, a pnpm 10 on PATH, or npx with the pin. */
export async function pnpmCommand() {
  const execPath = process.env.npm_execpath ?? '';
  if (/pnpm/.test(execPath) && existsSync(execPath)) return [process.execPath, execPath];
  const onPath = await run('pnpm', ['--version']);
  const pinned = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).packageManager;
  if (onPath.code === 0 && pinned === `pnpm@${onPath.stdout.trim()}`) return ['pnpm'];
  return ['npx', '-y', pinned];
}

/** Builds map and everything it depends on (turbo replays the main run's cache). */
export async function buildPackages(pnpm) {
  await runOrThrow(
    pnpm[0],
    [
      ...pnpm.slice(1),
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@pmem2/map...',
      '--output-logs=errors-only',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      timeoutMs: 10 * 60 * 1000,
    },
  );
}

/** Every prebuild in an unpacked package folder, as { 'prebuilds/linux-x64/x.node': sha256 }. */
export function listPrebuilds(packageRoot) {
  const root = join(packageRoot, 'prebuilds');
  const found = {};
  if (!existsSync(root)) return found;
  for (const tuple of readdirSync(root)) {
    for (const file of readdirSync(join(root, tuple))) {
      if (file.endsWith('.node'))
        found[`prebuilds/${tuple}/${file}`] = sha256(join(root, tuple, file));
    }
  }
  return found;
}

/**
 * Packs every package into `destDir` and unpacks the native tarball next to it. Resolves to
 * `{ tarballs: { errors: path, … }, nativeRoot, prebuilds }` where `prebuilds` maps each
 * prebuild in the native tarball (`prebuilds/<tuple>/<file>`) to its sha256.
 */
export async function packPackages(pnpm, destDir) {
  mkdirSync(destDir, { recursive: true });
  const tarballs = {};
  for (const name of PACKED_PACKAGES) {
    const before = new Set(readdirSync(destDir));
    await runOrThrow(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', destDir], {
      cwd: packageDir(name),
    });
    const made = readdirSync(destDir).find((f) => f.endsWith('.tgz') && !before.has(f));
    if (!made) throw new Error(`pnpm pack in packages/${name} made no tarball`);
    tarballs[name] = join(destDir, made);
  }
  const unpacked = join(destDir, 'native-unpacked');
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked);
  await runOrThrow('tar', ['xzf', tarballs.native, '-C', unpacked]);
  const nativeRoot = join(unpacked, 'package');
  const prebuilds = listPrebuilds(nativeRoot);
  if (!Object.keys(prebuilds).some((p) => /^prebuilds\/linux-x64\/[^.]+\.node$/.test(p))) {
    throw new Error(
      `the packed @pmem2/native has no prebuilds/linux-x64/*.node (it has: ${Object.keys(prebuilds).join(', ') || 'none'}); its build (prebuildify --napi --strip) must run before packing`,
    );
  }
  return { tarballs, nativeRoot, prebuilds };
}

/**
 * Adds prebuilds built here (`[{ relative: 'linux-arm64/x.node', file }]`) to the packed
 * native tarball, as a release tarball would carry them, and updates `packed.prebuilds`.
 */
export async function addPrebuilds(packed, extras) {
  if (extras.length === 0) return;
  for (const { relative, file } of extras) {
    mkdirSync(join(packed.nativeRoot, 'prebuilds', relative.split('/')[0]), { recursive: true });
    cpSync(file, join(packed.nativeRoot, 'prebuilds', relative));
  }
  rmSync(packed.tarballs.native);
  await runOrThrow('tar', [
    'czf',
    packed.tarballs.native,
    '-C',
    dirname(packed.nativeRoot),
    'package',
  ]);
  packed.prebuilds = listPrebuilds(packed.nativeRoot);
}
