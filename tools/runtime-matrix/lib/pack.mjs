// pack.mjs -- builds and packs the workspace packages the way they would be published
//
// `pnpm pack` turns `workspace:*` into real versions. The native tarball then gets the
// cross-built prebuilds (linux-arm64, linux-x64 musl) added next to the linux-x64 glibc one,
// which is what a release tarball built by release-workflow.yml contains.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
function listPrebuilds(packageRoot) {
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
 * Packs every package into `destDir`, adds `extraPrebuilds` ([{ relative, file }]) to the
 * native tarball, and resolves to `{ tarballs: { errors: path, … }, prebuilds }` where
 * `prebuilds` maps each prebuild in the final native tarball to its sha256.
 */
export async function packPackages(pnpm, destDir, extraPrebuilds) {
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
  const packageRoot = join(unpacked, 'package');
  const own = listPrebuilds(packageRoot);
  if (
    !Object.keys(own).some((p) => p.startsWith('prebuilds/linux-x64/') && !p.includes('.musl.'))
  ) {
    throw new Error(
      `the packed @pmem2/native has no prebuilds/linux-x64/*.node (it has: ${Object.keys(own).join(', ') || 'none'}); its build (prebuildify --napi --strip) must run before packing`,
    );
  }
  for (const { relative, file } of extraPrebuilds) {
    mkdirSync(join(packageRoot, 'prebuilds', relative.split('/')[0]), { recursive: true });
    cpSync(file, join(packageRoot, 'prebuilds', relative));
  }
  rmSync(tarballs.native);
  await runOrThrow('tar', ['czf', tarballs.native, '-C', unpacked, 'package']);
  const prebuilds = listPrebuilds(packageRoot);
  rmSync(unpacked, { recursive: true, force: true });
  return { tarballs, prebuilds };
}
