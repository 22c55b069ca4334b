// patches.test.ts -- the fixes proposed in patches/*.diff, applied to a copy of @pmem2/native's
// C sources and built into .cache/: the regression cases that fail today pass against it

import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARM_PATH, runWithFault } from '@pmem2/fault-inject';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon, nativeDir, redirectScript } from '../src/build-addon.js';
import { answerOf, childrenDir, packageDir, removeDir, runChild, tempDir } from './helpers.js';

const dir = tempDir('patches');
const cache = join(packageDir, '.cache', 'patched');
const patches = readdirSync(join(packageDir, 'patches')).filter((f) => f.startsWith('native-'));

describe('the proposed native patches fix the regressions', () => {
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    rmSync(cache, { recursive: true, force: true });
    cpSync(join(nativeDir, 'csrc'), join(cache, 'packages', 'native', 'csrc'), { recursive: true });
    for (const patch of patches) {
      const args = ['-p1', '-d', cache, '-i', join(packageDir, 'patches', patch)];
      try {
        execFileSync('patch', ['--forward', ...args], { stdio: 'pipe' });
      } catch {
        // applied upstream already: the reverse applies cleanly; anything else is an error
        execFileSync('patch', ['-R', '--dry-run', ...args], { stdio: 'pipe' });
      }
    }
    const addon = buildAddon({
      output: join(cache, 'pmem2_native_patched.node'),
      csrc: join(cache, 'packages', 'native', 'csrc'),
    });
    const redirect = join(cache, 'redirect.cjs');
    writeFileSync(redirect, redirectScript(addon));
    env = { NODE_OPTIONS: `--require ${redirect}` };
  });

  it('a zero-length map into a reservation leaves it empty', () => {
    const answer = answerOf<Record<string, unknown>>(
      runChild('crash.mjs', ['zero-length-in-reservation', dir], { env }),
    );
    expect(answer.mapped).toMatchObject({ code: 'EINVAL' });
    expect(answer.rsvDelete).toEqual({ ok: true });
  });

  it.each([
    ['delete', 'munmap'],
    ['delete-in-reservation', 'mmap'],
  ] as const)(
    '%s after a failed %s: the map stays usable, a retry deletes it, nothing leaks',
    (op, func) => {
      const script = JSON.stringify(join(childrenDir, 'fault.mjs'));
      const answer = answerOf<Record<string, unknown>>(
        runWithFault({ func, nth: 1, errno: 12 }, `await import(${script});`, {
          cwd: packageDir,
          env: { ...env, FAULT_OP: op, FAULT_DIR: dir },
        }),
      );
      expect(answer.result).toMatchObject({ code: 'ENOMEM', errno: -12 });
      expect(answer.usable).toMatchObject({ ok: true });
      expect(answer.retry).toEqual({ ok: true });
      expect(answer.leak).toMatchObject({ fileLines: [], newBig: [], fdsAdded: [], registry: 0 });
      expect(ARM_PATH).toBe('/pmem2-fault/arm');
    },
  );

  it('cleans up', () => {
    removeDir(dir);
    expect(patches.length).toBeGreaterThan(0);
  });
});
