// workspace.mjs -- the public packages of the repository, and a throwaway copy of its working tree
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/release */
export const TOOL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root. */
export const REPO_ROOT = resolve(TOOL_DIR, '..', '..');

/** A package.json, parsed. */
export function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/**
 * Every package under `packages/` that is not private (what `pnpm -r publish` publishes), as
 * `{ name, dir, manifest }` with `dir` relative to `root`, sorted by folder.
 */
export function publicPackages(root = REPO_ROOT) {
  return readdirSync(join(root, 'packages'))
    .sort()
    .map((folder) => join('packages', folder))
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(join(root, dir)) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }));
}

/** The names of every private workspace package (tools/*, docs), which nothing published may need. */
export function privatePackageNames(root = REPO_ROOT) {
  const folders = ['packages', 'tools'].flatMap((parent) =>
    readdirSync(join(root, parent)).map((folder) => join(root, parent, folder)),
  );
  return [...folders, join(root, 'docs')]
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map(readManifest)
    .filter((manifest) => manifest.private === true)
    .map((manifest) => manifest.name);
}

function lstatOrUndefined(path) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Copies the working tree of `root` (tracked files and untracked ones git does not ignore, as
 * they are now, committed or not) into `dest`. Build outputs and node_modules are not copied.
 */
export function copyWorkingTree(dest, root = REPO_ROOT) {
  const listed = spawnSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout.split('\0').filter(Boolean);
  for (const file of files) {
    const from = join(root, file);
    const stats = lstatOrUndefined(from);
    if (stats === undefined) continue; // deleted in the working tree
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    if (stats.isSymbolicLink()) symlinkSync(readlinkSync(from), join(dest, file));
    else copyFileSync(from, join(dest, file));
  }
  return files.length;
}
