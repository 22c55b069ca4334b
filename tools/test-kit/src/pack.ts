// pack.ts -- packs a workspace package with pnpm as publishing does (workspace:* becomes a
// version), for the tests that install the tarballs the way users get them

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** This environment without the npm_* / pnpm_* variables of the script runner that started us. */
export function envWithoutScriptRunner(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name)),
  );
}

/** pnpm: the one running these tests, else the pinned one (`packageManager`) through npx. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath ?? '';
  if (basename(execPath).startsWith('pnpm') && existsSync(execPath)) {
    return [process.execPath, [execPath]];
  }
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  return ['npx', ['-y', String(root.packageManager)]];
}

/**
 * `pnpm pack` of the workspace package in `dir` into the directory `dest`.
 *
 * @returns the path of the tarball.
 * @throws Error when pnpm fails or prints no tarball.
 */
export function packWorkspacePackage(dir: string, dest: string): string {
  const [command, args] = pnpmCommand();
  const out = execFileSync(command, [...args, 'pack', '--pack-destination', dest], {
    cwd: dir,
    encoding: 'utf8',
    env: envWithoutScriptRunner(),
  });
  const tgz = out
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.endsWith('.tgz'));
  if (tgz === undefined) throw new Error(`pnpm pack in ${dir} printed no tarball:\n${out}`);
  return join(dest, basename(tgz));
}
