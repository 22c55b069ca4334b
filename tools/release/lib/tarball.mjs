// tarball.mjs -- packs a workspace package the way `pnpm publish` would, and unpacks it
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runOrThrow } from '../../runtime-matrix/lib/exec.mjs';

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path, base) : [relative(base, path)];
    })
    .sort();
}

/**
 * `pnpm pack`s the package in `packageDir` into `destDir` and unpacks it there. Resolves to
 * `{ tarball, root, files, manifest, mode(file) }`: the unpacked folder, its files (relative
 * paths), the packed package.json (workspace: versions replaced) and a file's mode bits.
 */
export async function packAndUnpack(pnpm, packageDir, destDir) {
  mkdirSync(destDir, { recursive: true });
  const out = await runOrThrow(
    pnpm[0],
    [...pnpm.slice(1), 'pack', '--json', '--pack-destination', destDir],
    { cwd: packageDir },
  );
  const { filename } = JSON.parse(out.slice(out.indexOf('{')));
  const tarball = filename.startsWith('/') ? filename : join(destDir, filename);
  const unpacked = join(destDir, 'unpacked');
  mkdirSync(unpacked);
  await runOrThrow('tar', ['xzf', tarball, '-C', unpacked]);
  const root = join(unpacked, 'package');
  return {
    tarball,
    root,
    files: filesUnder(root),
    manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')),
    mode: (file) => statSync(join(root, file)).mode & 0o777,
  };
}
