// pnpm-consumer.test.mjs -- the pnpm cell's judges: the ignored-build notice and the installed tree
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInstalledNative } from '../lib/consumer.mjs';
import { sha256 } from '../lib/cross-build.mjs';
import { ignoredNativeBuild } from '../lib/pnpm-consumer.mjs';

describe('ignoredNativeBuild', () => {
  it("finds pnpm 10's boxed warning naming @pmem2/native, even with the path wrapped", () => {
    const output = `+ @pmem2/native 0.1.0
╭ Warning ─────────────────────────────────────────────────────────────────────╮
│   Ignored build scripts: @pmem2/native@file:../pmem2-matrix-PGqdbn/tarball   │
│   s/pmem2-native-0.1.0.tgz.                                                  │
╰──────────────────────────────────────────────────────────────────────────────╯
Done in 1.2s using pnpm v10.34.9`;
    expect(ignoredNativeBuild(output)).toBe(true);
  });

  it('finds it when the box wraps right after the colon', () => {
    const output = `│   Ignored build scripts:                                                     │
│   @pmem2/native@file:../tarballs/pmem2-native-0.1.0.tgz.                     │
│   Run "pnpm approve-builds" to pick which dependencies should be allowed     │`;
    expect(ignoredNativeBuild(output)).toBe(true);
  });

  it('is false when pnpm ran the script or ignored only another package', () => {
    expect(ignoredNativeBuild('.../@pmem2/native install$ node-gyp-build\nDone')).toBe(false);
    expect(
      ignoredNativeBuild(
        'Ignored build scripts: esbuild@0.25.0.\nRun "pnpm approve-builds" to pick\n+ @pmem2/native@file:x.tgz',
      ),
    ).toBe(false);
  });
});

describe('checkInstalledNative', () => {
  const dirs = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A pnpm-style project: node_modules/@pmem2/native links into .pnpm/, with one prebuild. */
  function pnpmProject() {
    const dir = mkdtempSync(join(tmpdir(), 'pmem2-matrix-test-'));
    dirs.push(dir);
    const real = join(dir, 'node_modules', '.pnpm', 'native', 'node_modules', '@pmem2', 'native');
    mkdirSync(join(real, 'prebuilds', 'linux-x64'), { recursive: true });
    writeFileSync(join(real, 'prebuilds', 'linux-x64', 'a.node'), 'addon');
    mkdirSync(join(dir, 'node_modules', '@pmem2'));
    symlinkSync(real, join(dir, 'node_modules', '@pmem2', 'native'));
    const packed = {
      'prebuilds/linux-x64/a.node': sha256(join(real, 'prebuilds/linux-x64/a.node')),
    };
    return { dir, real, packed };
  }

  it('passes an untouched install through the symlink', () => {
    const { dir, packed } = pnpmProject();
    expect(checkInstalledNative(dir, packed, 'pnpm install')).toBeUndefined();
  });

  it('reports a build/ folder in the real package folder', () => {
    const { dir, real, packed } = pnpmProject();
    mkdirSync(join(real, 'build'));
    expect(checkInstalledNative(dir, packed, 'pnpm install')).toMatch(
      /^pnpm install compiled the addon/,
    );
  });

  it('reports a changed or missing prebuild, and a missing package', () => {
    const { dir, real, packed } = pnpmProject();
    writeFileSync(join(real, 'prebuilds', 'linux-x64', 'a.node'), 'rebuilt');
    expect(checkInstalledNative(dir, packed, 'pnpm install')).toBe(
      'installed prebuilds differ from the packed ones: prebuilds/linux-x64/a.node',
    );
    rmSync(join(dir, 'node_modules', '@pmem2', 'native'));
    expect(checkInstalledNative(dir, packed, 'pnpm install')).toBe(
      'pnpm install did not install @pmem2/native',
    );
  });
});
