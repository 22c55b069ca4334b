// mmap-io-install.ts -- installs @riaskov/mmap-io with npm into the ignored cache, once

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadMmapIo, MMAP_IO_PACKAGE, MMAP_IO_VERSION } from './mmap-io-api.js';

/** Where the package is, or why it could not be had. */
export type MmapIoInstall =
  | { readonly ok: true; readonly dir: string; readonly installedNow: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * Installs the package into `<cacheDir>/mmap-io` with `npm install` (it compiles from source
 * on Node 20: node-pre-gyp finds no prebuilt binary). Not a workspace dependency on purpose:
 * a failed compile must cost its rows, not the workspace install.
 */
export function installMmapIo(cacheDir: string): MmapIoInstall {
  const dir = path.join(cacheDir, `mmap-io-${MMAP_IO_VERSION}`);
  if (typeof loadMmapIo(dir) !== 'string') return { ok: true, dir, installedNow: false };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'pmem2-bench-peers', private: true }, null, 2)}\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (env.npm_config_nodedir === undefined && fs.existsSync('/usr/include/node/node.h')) {
    env.npm_config_nodedir = '/usr'; // node-gyp would otherwise download headers
  }
  const res = spawnSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--loglevel=error',
      `${MMAP_IO_PACKAGE}@${MMAP_IO_VERSION}`,
    ],
    { cwd: dir, env, encoding: 'utf8', timeout: 300_000 },
  );
  if (res.error) return { ok: false, reason: `npm install failed to run: ${res.error.message}` };
  if (res.status !== 0) {
    const tail = `${res.stderr}`.trim().split('\n').slice(-3).join(' | ');
    return {
      ok: false,
      reason: `npm install ${MMAP_IO_PACKAGE}@${MMAP_IO_VERSION} failed: ${tail}`,
    };
  }
  const loaded = loadMmapIo(dir);
  if (typeof loaded === 'string') return { ok: false, reason: loaded };
  return { ok: true, dir, installedNow: true };
}
