// addon-override.test.ts -- PMEM2_NATIVE_ADDON (a testing aid) loads the named .node file instead of node-gyp-build's choice

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'pmem2-native-override-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Imports the built package in a child and prints which .node files it mapped and a mapNew status. */
const PROBE = `
import { readFileSync } from 'node:fs';
import { binding } from './dist/index.js';
const map = binding.mapNew(-1, 0n, 4096n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null, new Float64Array(6));
const works = typeof map === 'object' && binding.mapDelete(map) === 0;
const addons = [...new Set(readFileSync('/proc/self/maps', 'utf8').split('\\n')
  .map((l) => l.split(/\\s+/).at(-1)).filter((f) => f.endsWith('.node')))];
console.log(JSON.stringify({ addons, works }));
`;

/** Runs {@link PROBE} with `PMEM2_NATIVE_ADDON` set to `addon` (or unset), from `cwd`. */
function probe(addon: string | undefined, cwd = packageRoot) {
  const env = { ...process.env };
  delete env.PMEM2_NATIVE_ADDON;
  if (addon !== undefined) env.PMEM2_NATIVE_ADDON = addon;
  const script = PROBE.replace('./dist/index.js', join(packageRoot, 'dist/index.js'));
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env,
    encoding: 'utf8',
  });
}

describe('PMEM2_NATIVE_ADDON', () => {
  /** The file node-gyp-build chose (a prebuild, or build/Release/ in a clone). */
  let built = '';

  it("unset: node-gyp-build loads the package's own build, and only it", () => {
    expect(existsSync(join(packageRoot, 'dist/index.js'))).toBe(true);
    const child = probe(undefined);
    expect(child.stderr).toBe('');
    const answer = JSON.parse(child.stdout) as { addons: string[]; works: boolean };
    expect(answer.works).toBe(true);
    expect(answer.addons).toHaveLength(1);
    built = answer.addons[0] ?? '';
    expect(built.startsWith(packageRoot)).toBe(true);
  });

  it('an absolute path: that file is loaded instead, and it works', () => {
    const copy = join(work, 'copy-of-pmem2-addon.node');
    copyFileSync(built, copy);
    const child = probe(copy);
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ addons: [copy], works: true });
  });

  it('a relative path is taken from the current directory', () => {
    const copy = join(work, 'relative-pmem2-addon.node');
    copyFileSync(built, copy);
    const child = probe(relative(tmpdir(), copy), tmpdir());
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ addons: [copy], works: true });
  });

  it('a file that cannot be loaded fails the import with an error naming it', () => {
    const missing = join(work, 'no-such-addon.node');
    const child = probe(missing);
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(missing);
  });
});
