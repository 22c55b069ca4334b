// unsupported-platform.test.ts -- importing @pmem2/native where no prebuild fits: one Pmem2Error
// (PMEM2_E_NOSUPP) naming the platform found and the ones the installed prebuilds cover

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = tempDir('pmem2-native-nosupp-'); // removed after the file by the test kit

interface ImportOutcome {
  readonly loaded: boolean;
  readonly name?: string;
  readonly code?: string;
  readonly errno?: number;
  readonly message?: string;
  readonly cause?: string;
  readonly stack?: string;
}

/** Imports `entry` in a child process that catches what the import throws and prints it. */
function importIn(entry: string, env: Record<string, string>): ImportOutcome {
  const script = `
    try {
      await import(${JSON.stringify(pathToFileURL(entry).href)});
      console.log(JSON.stringify({ loaded: true }));
    } catch (e) {
      console.log(JSON.stringify({ loaded: false, name: e.name, code: e.code, errno: e.errno,
        message: e.message, cause: e.cause?.message, stack: e.stack }));
    }`;
  const clean = { ...process.env };
  for (const v of ['PMEM2_NATIVE_ADDON', 'LIBC', 'npm_config_arch', 'npm_config_platform'])
    delete clean[v];
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ImportOutcome;
}

/** The `<platform>-<arch>` folders of prebuilds/ in the built package. */
const prebuildFolders = existsSync(join(packageRoot, 'prebuilds'))
  ? readdirSync(join(packageRoot, 'prebuilds'))
  : [];

describe('no prebuild for this platform', () => {
  it('import-otherArch-Pmem2ErrorNamingFoundAndSupportedPlatforms', () => {
    expect(prebuildFolders).toContain(`linux-${process.arch}`);
    const outcome = importIn(join(packageRoot, 'dist/index.js'), {
      PREBUILDS_ONLY: '1',
      npm_config_arch: 'riscv64',
    });
    expect(outcome).toMatchObject({
      loaded: false,
      name: 'Pmem2Error',
      code: 'PMEM2_E_NOSUPP',
      errno: -100001,
    });
    expect(outcome.message).toContain(
      `found linux-riscv64 glibc, Node ABI ${process.versions.modules} (Node ${process.versions.node})`,
    );
    for (const folder of prebuildFolders) expect(outcome.message).toContain(`${folder} glibc`);
    expect(outcome.message).toMatch(/Install a C compiler.*or run on a supported platform/);
    expect(outcome.message).not.toContain('\n');
    expect(outcome.cause).toMatch(/^No native build was found for platform=linux arch=riscv64/);
  });

  it('import-glibcWithOnlyMuslPrebuild-namesGlibcAndTheMuslPrebuild', () => {
    // A copy of the package whose prebuilds/ holds a musl addon only. node-gyp-build picks by
    // file name (an untagged prebuild fits any libc, a musl-tagged one musl only), so the file
    // is never loaded and a placeholder will do.
    const copy = join(work, 'musl-only');
    const tuple = join(copy, 'prebuilds', `linux-${process.arch}`);
    mkdirSync(tuple, { recursive: true });
    writeFileSync(join(tuple, '@pmem2+native.musl.node'), 'not an ELF file');
    cpSync(join(packageRoot, 'package.json'), join(copy, 'package.json'));
    cpSync(join(packageRoot, 'dist'), join(copy, 'dist'), { recursive: true });
    symlinkSync(join(packageRoot, 'node_modules'), join(copy, 'node_modules'));
    const outcome = importIn(join(copy, 'dist/index.js'), {});
    expect(outcome.code).toBe('PMEM2_E_NOSUPP');
    expect(outcome.message).toContain(`found linux-${process.arch} glibc`);
    expect(outcome.message).toContain(`its prebuilds cover linux-${process.arch} musl, and`);
  });

  it('import-noPrebuildsAtAll-saysSo', () => {
    const copy = join(work, 'none');
    mkdirSync(copy);
    cpSync(join(packageRoot, 'package.json'), join(copy, 'package.json'));
    cpSync(join(packageRoot, 'dist'), join(copy, 'dist'), { recursive: true });
    symlinkSync(join(packageRoot, 'node_modules'), join(copy, 'node_modules'));
    const outcome = importIn(join(copy, 'dist/index.js'), {});
    expect(outcome.code).toBe('PMEM2_E_NOSUPP');
    expect(outcome.message).toContain('it has no prebuilds');
  });
});
