// pack.test.ts -- @pmem2/errors and @pmem2/config as users get them: packed, installed, loaded

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { envWithoutScriptRunner, packWorkspacePackage, tempDir } from '@pmem2/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';

const PACKAGES_DIR = resolve(import.meta.dirname, '..', '..');
const PACKED = ['errors', 'config'] as const;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** Every file below `dir`, as paths relative to it. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? walk(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

let work: string;
let app: string;
let tarballs: string[];
let lockfile: { packages: Record<string, { hasInstallScript?: boolean }> };

beforeAll(() => {
  for (const name of PACKED) {
    const dist = join(PACKAGES_DIR, name, 'dist', 'index.js');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: build first (pnpm build)`);
  }
  work = tempDir('pmem2-pack-'); // removed after the file by the test kit
  tarballs = PACKED.map((name) => packWorkspacePackage(join(PACKAGES_DIR, name), work));
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    '{ "name": "app", "version": "1.0.0", "private": true }\n',
  );
  // offline: the two tarballs depend only on each other, so nothing comes from a registry
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--offline',
      '--cache',
      join(work, 'npm-cache'),
      ...tarballs,
    ],
    { cwd: app, encoding: 'utf8', env: envWithoutScriptRunner() },
  );
  lockfile = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
}, 120_000);

/** Runs a script in a fresh node process inside the app and returns its stdout. */
function runInApp(args: string[]): string {
  return execFileSync(process.execPath, args, {
    cwd: app,
    encoding: 'utf8',
    env: envWithoutScriptRunner(),
  });
}

describe('packed @pmem2/errors and @pmem2/config', () => {
  it('install both packages and nothing else', () => {
    expect(tarballs.map((t) => basename(t))).toEqual([
      expect.stringMatching(/^pmem2-errors-\d+\.\d+\.\d+\.tgz$/),
      expect.stringMatching(/^pmem2-config-\d+\.\d+\.\d+\.tgz$/),
    ]);
    const installed = Object.keys(lockfile.packages)
      .filter((p) => p !== '')
      .sort();
    expect(installed).toEqual(['node_modules/@pmem2/config', 'node_modules/@pmem2/errors']);
  });

  it('resolve workspace:* to the packed version of @pmem2/errors', () => {
    const config = JSON.parse(
      readFileSync(join(app, 'node_modules/@pmem2/config/package.json'), 'utf8'),
    );
    const errors = JSON.parse(
      readFileSync(join(app, 'node_modules/@pmem2/errors/package.json'), 'utf8'),
    );
    expect(config.dependencies).toEqual({ '@pmem2/errors': errors.version });
  });

  it('have no install script, no binding.gyp and no native code', () => {
    for (const [path, entry] of Object.entries(lockfile.packages)) {
      expect(entry.hasInstallScript, path).toBeUndefined();
    }
    for (const name of PACKED) {
      const root = join(app, 'node_modules/@pmem2', name);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      for (const script of INSTALL_SCRIPTS) expect(manifest.scripts?.[script]).toBeUndefined();
      expect(manifest.gypfile).toBeUndefined();
      const files = walk(root);
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files.filter((f) => /\.(node|gyp|c|cc|h|so)$/.test(f))).toEqual([]);
    }
    expect(walk(join(app, 'node_modules')).filter((f) => f.endsWith('.node'))).toEqual([]);
  });

  const script = `
    const rsv = null;
    const cfg = new Config().setRequiredStoreGranularity(Granularity.PAGE).setOffset(4096)
      .setLength(8192n).setVmReservation(rsv, 0);
    validateGranularitySet(cfg);
    validateOffset(cfg, 4096);
    let code = 'none';
    try { validateLength(cfg, 8192, 4096); } catch (e) {
      code = e instanceof Pmem2Error ? e.code : 'not a Pmem2Error';
    }
    console.log(JSON.stringify({ offset: String(cfg.offset), protection: cfg.protection, code,
      errno: PMEM2_E.MAP_RANGE }));`;
  const expected = {
    offset: '4096',
    protection: 3221225472,
    code: 'PMEM2_E_MAP_RANGE',
    errno: -100006,
  };

  it('load with import', () => {
    const out = runInApp([
      '--input-type=module',
      '-e',
      `import { Config, Granularity, validateGranularitySet, validateOffset, validateLength }
         from '@pmem2/config';
       import { Pmem2Error, PMEM2_E } from '@pmem2/errors';
       ${script}`,
    ]);
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('load with require (require(esm), Node >= 20.19)', () => {
    const out = runInApp([
      '-e',
      `const { Config, Granularity, validateGranularitySet, validateOffset, validateLength } =
         require('@pmem2/config');
       const { Pmem2Error, PMEM2_E } = require('@pmem2/errors');
       ${script}`,
    ]);
    expect(JSON.parse(out)).toEqual(expected);
  });
});
