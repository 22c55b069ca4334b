// package.test.ts -- the packed tarball installs and works with no compiler, from its prebuild

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packWorkspacePackage, tempDir } from '@pmem2/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const muslPrebuild = existsSync(join(packageRoot, 'prebuilds/linux-x64/@pmem2+native.musl.node'));
if (!muslPrebuild)
  console.warn(
    'SKIPPED: musl prebuild selection — no prebuilds/linux-x64/*.musl.node (musl-gcc missing at build)',
  );
const work = tempDir('pmem2-native-pack-'); // removed after the file by the test kit
const bin = join(work, 'bin');
const consumer = join(work, 'consumer');

/** The only tools on PATH: node and npm, and what their shell scripts need. No cc, make or python. */
const TOOLS = [
  'node',
  'npm',
  'npx',
  'sh',
  'dirname',
  'sed',
  'uname',
  'cat',
  'head',
  'tail',
  'ls',
  'env',
  'rm',
  'mkdir',
];

/** Finds a tool on the current PATH. */
function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A clean environment: this PATH, the real HOME (npm cache, nodedir), nothing from pnpm. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: bin, HOME: process.env.HOME ?? work, TMPDIR: tmpdir(), ...extra };
}

const USE = `
import fs from 'node:fs';
import { binding } from '@pmem2/native';
const path = process.argv[2];
fs.writeFileSync(path, Buffer.alloc(8192));
const fd = fs.openSync(path, 'r+');
const map = binding.mapNew(fd, 0n, 8192n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null, new Float64Array(6));
new Uint8Array(binding.mapBuffer(map)).set([1, 2, 3], 4096);
const persisted = binding.persist(map, 4096, 3);
const deleted = binding.mapDelete(map);
const bytes = [...fs.readFileSync(path).subarray(4096, 4099)];
console.log(JSON.stringify({ persisted, deleted, bytes }));
`;

beforeAll(() => {
  if (!existsSync(join(packageRoot, 'prebuilds')))
    throw new Error('prebuilds/ is missing: run `pnpm build` in packages/native first');
  mkdirSync(bin);
  mkdirSync(consumer);
  for (const tool of TOOLS) {
    const found = which(tool);
    if (found) symlinkSync(found, join(bin, tool));
  }
  // pnpm pack, as publishing does: it turns the `workspace:*` dependency on @pmem2/errors
  // into a version, and that package is packed too (npm resolves it to its tarball).
  const tarballs: Record<string, string> = {};
  for (const [name, dir] of [
    ['@pmem2/native', packageRoot],
    ['@pmem2/errors', join(packageRoot, '..', 'errors')],
  ] as const) {
    tarballs[name] = `file:${packWorkspacePackage(dir, work)}`;
  }
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: tarballs,
      overrides: { '@pmem2/errors': tarballs['@pmem2/errors'] },
    }),
  );
  writeFileSync(join(consumer, 'use.mjs'), USE);
});

describe('the packed tarball', () => {
  it('carries the prebuild, the sources and dist, not build/', () => {
    const tgz = readdirSync(work).find((f) => f.startsWith('pmem2-native-') && f.endsWith('.tgz'));
    expect(tgz).toBeDefined();
    const list = spawnSync('tar', ['-tzf', join(work, tgz ?? '')], { encoding: 'utf8' }).stdout;
    expect(list).toContain('package/prebuilds/linux-x64/@pmem2+native.node');
    expect(list).toContain('package/dist/index.js');
    expect(list).toContain('package/binding.gyp');
    expect(list).toContain('package/csrc/binding.c');
    expect(list).not.toContain('package/build/');
  });

  it('installs with npm where PATH has no compiler, make or python, and maps a file', () => {
    for (const tool of ['cc', 'gcc', 'make', 'python3', 'python'])
      expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env: cleanEnv() }).status).not.toBe(0);
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: consumer,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(install.status, install.stderr).toBe(0);
    expect(existsSync(join(consumer, 'node_modules/@pmem2/native/build'))).toBe(false);
    const run = spawnSync('node', ['use.mjs', join(work, 'data')], {
      cwd: consumer,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ persisted: 0, deleted: 0, bytes: [1, 2, 3] });
  });

  it('loads the prebuild with PREBUILDS_ONLY=1 (no local build to fall back to)', () => {
    const run = spawnSync('node', ['use.mjs', join(work, 'data2')], {
      cwd: consumer,
      env: cleanEnv({ PREBUILDS_ONLY: '1' }),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ persisted: 0, deleted: 0, bytes: [1, 2, 3] });
  });

  it.runIf(muslPrebuild)(
    'node-gyp-build picks the glibc prebuild here and the musl one for LIBC=musl',
    () => {
      const resolve = (env: Record<string, string>): string =>
        spawnSync(
          'node',
          ['-e', "console.log(require('node-gyp-build').resolve('node_modules/@pmem2/native'))"],
          {
            cwd: consumer,
            env: cleanEnv(env),
            encoding: 'utf8',
          },
        ).stdout.trim();
      expect(resolve({})).toMatch(/linux-x64\/@pmem2\+native\.node$/);
      expect(resolve({ LIBC: 'musl' })).toMatch(/linux-x64\/@pmem2\+native\.musl\.node$/);
    },
  );
});
