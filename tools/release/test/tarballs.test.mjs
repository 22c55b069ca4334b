// tarballs.test.mjs -- what `pnpm pack` puts into each public package's tarball: README,
// LICENSE, the build, no build bookkeeping, and a manifest that needs nothing private
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pnpmCommand } from '../../runtime-matrix/lib/pack.mjs';
import { packAndUnpack } from '../lib/tarball.mjs';
import { privatePackageNames, publicPackages, REPO_ROOT } from '../lib/workspace.mjs';

const packages = publicPackages();
const privateNames = privatePackageNames();
const license = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'pmem2-tarballs-'));
/** name -> what packAndUnpack returned */
const packed = {};

beforeAll(async () => {
  const pnpm = await pnpmCommand();
  for (const { name, dir } of packages) {
    packed[name] = await packAndUnpack(pnpm, join(REPO_ROOT, dir), join(work, name.slice(1)));
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
];

describe.each(packages.map((p) => [p.name]))('the %s tarball', (name) => {
  it('has a README that says what the package is, and the LICENSE', () => {
    const { files, root } = packed[name];
    expect(files).toContain('README.md');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.startsWith(`# ${name}\n`)).toBe(true);
    expect(readme).toMatch(/ESM only/);
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toBe(license);
  });

  it('has the build and no build bookkeeping or tests', () => {
    const { files } = packed[name];
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|node_modules|\.turbo|build)\//.test(f))).toEqual([]);
  });

  it('depends on nothing private and on no workspace: version', () => {
    const { manifest } = packed[name];
    const wrong = DEPENDENCY_FIELDS.flatMap((field) =>
      Object.entries(manifest[field] ?? {})
        .filter(
          ([dep, spec]) => privateNames.includes(dep) || String(spec).startsWith('workspace:'),
        )
        .map(([dep, spec]) => `${field}: ${dep}@${spec}`),
    );
    expect(wrong).toEqual([]);
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/github\.com\//);
  });
});

describe('package-specific contents', () => {
  it('native-prebuildsAndSourcesAndTheRealInstallScript', () => {
    const { files, manifest } = packed['@pmem2/native'];
    expect(files).toContain(`prebuilds/linux-${process.arch}/@pmem2+native.node`);
    expect(files).toContain('binding.gyp');
    expect(files).toContain('csrc/binding.c');
    // npm names a synthetic `node-gyp rebuild` for a package with binding.gyp unless it says
    // gypfile: false; the script it runs is node-gyp-build (loads a prebuild, else compiles)
    expect(manifest.scripts.install).toBe('node-gyp-build');
    expect(manifest.gypfile).toBe(false);
    expect(manifest.os).toEqual(['linux']);
    expect(manifest.cpu).toEqual(['x64', 'arm64']);
  });

  it('cli-binIsPackedAndExecutable', () => {
    const { files, manifest, mode } = packed['@pmem2/cli'];
    const bin = manifest.bin.pmem2.replace(/^\.\//, '');
    expect(files).toContain(bin);
    expect(mode(bin) & 0o111).not.toBe(0);
    expect(files).toContain('dist/bin.js');
  });
});
