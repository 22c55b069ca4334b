// kit.test.ts -- the kit's helpers fail when they should, and clean up what they make

import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  answerOf,
  backendFile,
  buildOracle,
  catchPmem2,
  catchPmem2OrNone,
  expectPmem2,
  holeyFile,
  libpmem2FileOrSkip,
  mappingsOf,
  removeTempDir,
  removeTempDirs,
  reportSkip,
  runModule,
  tempDir,
} from '../src/index.js';
import setup from '../src/tmp-guard.js';

const mapRange = () => {
  throw new Pmem2Error(PMEM2_E.MAP_RANGE);
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Pmem2Error expectations', () => {
  it('return the thrown Pmem2Error, undefined when nothing is thrown, rethrow anything else', () => {
    expect(catchPmem2(mapRange).code).toBe('PMEM2_E_MAP_RANGE');
    expect(catchPmem2OrNone(() => 1)).toBeUndefined();
    expect(() => catchPmem2(() => 1)).toThrow('expected a Pmem2Error, but the call returned');
    expect(() =>
      catchPmem2(() => {
        throw new TypeError('not ours');
      }),
    ).toThrow(TypeError);
  });

  it('expectPmem2 fails on another code or another libpmem2 text', () => {
    expect(expectPmem2(mapRange, 'PMEM2_E_MAP_RANGE').errno).toBe(PMEM2_E.MAP_RANGE);
    expect(() => expectPmem2(mapRange, 'PMEM2_E_NOSUPP')).toThrow(/PMEM2_E_NOSUPP/);
    expect(() => expectPmem2(mapRange, 'PMEM2_E_MAP_RANGE', 'other text')).toThrow(/other text/);
  });
});

describe('temp files', () => {
  it('tempDir lives under os.tmpdir(); removeTempDir and removeTempDirs remove it', () => {
    const one = tempDir('pmem2-kit-');
    const two = tempDir('pmem2-kit-');
    expect(one.startsWith(tmpdir())).toBe(true);
    removeTempDir(one);
    expect(existsSync(one)).toBe(false);
    writeFileSync(join(two, 'x'), 'x');
    removeTempDirs();
    expect(existsSync(two)).toBe(false);
  });

  it('holeyFile and backendFile make sparse files of the size asked', () => {
    const path = holeyFile(tempDir(), 'f', 1 << 20);
    expect(statSync(path)).toMatchObject({ size: 1 << 20, blocks: 0 });
    expect(statSync(backendFile('tmpfs', 8192)).size).toBe(8192);
    expect(statSync(backendFile('ext4', 4096)).size).toBe(4096);
  });
});

describe('the temp-dir guard', () => {
  it('points TMPDIR at a private directory and fails naming what was left there', () => {
    const outer = process.env.TMPDIR;
    const teardown = setup();
    const dir = process.env.TMPDIR as string;
    expect(dir).not.toBe(outer);
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, 'tmp.leftover'), '');
    expect(teardown).toThrow(/left 1 temp entries behind.*tmp\.leftover/);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    expect(existsSync(dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(outer);
  });

  it('passes when nothing was left', () => {
    const teardown = setup();
    expect(teardown).not.toThrow();
  });

  it('this run is under the guard: TMPDIR and PMEM2_TEST_SHM are private run directories', () => {
    expect(tmpdir()).toMatch(/\/pmem2-test-run-[^/]+$/);
    expect(process.env.PMEM2_TEST_SHM).toMatch(/^\/dev\/shm\/pmem2-test-run-/);
  });
});

describe('oracle builds and skips', () => {
  it('reportSkip warns SKIPPED, or throws with PMEM2_REQUIRE_ORACLE=1', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubEnv('PMEM2_REQUIRE_ORACLE', '');
    reportSkip('a check', 'a reason');
    expect(warn).toHaveBeenCalledWith('SKIPPED: a check — a reason');
    vi.stubEnv('PMEM2_REQUIRE_ORACLE', '1');
    expect(() => reportSkip('a check', 'a reason')).toThrow('SKIPPED: a check — a reason');
    warn.mockRestore();
  });

  it('libpmem2FileOrSkip: true for a present file, the skip rule for a missing one', () => {
    expect(libpmem2FileOrSkip(process.execPath, 'a present file')).toBe(true);
    vi.stubEnv('PMEM2_REQUIRE_ORACLE', '1');
    expect(() => libpmem2FileOrSkip('/no/such/header.h', 'a missing file')).toThrow(
      'SKIPPED: a missing file — /no/such/header.h is missing (apt-get install libpmem2-dev)',
    );
  });

  it('a program that does not compile is a skip that names gcc', () => {
    const bad = join(tempDir(), 'bad.c');
    writeFileSync(bad, 'this is not C\n');
    vi.stubEnv('PMEM2_REQUIRE_ORACLE', '1');
    expect(() => buildOracle(bad, { what: 'bad oracle' })).toThrow(
      /^SKIPPED: bad oracle — (gcc could not build|.*missing|gcc is not)/,
    );
  });
});

describe('child processes', () => {
  it('answerOf reads the last JSON line and fails on a non-zero exit', () => {
    expect(
      answerOf(runModule('console.log("noise"); console.log(JSON.stringify({ a: 1 }));')),
    ).toEqual({ a: 1 });
    expect(() => answerOf(runModule('process.exit(3)'))).toThrow();
  });

  it('runModule passes env entries and removes undefined ones', () => {
    vi.stubEnv('PMEM2_KIT_PROBE', 'parent');
    const code =
      'console.log(JSON.stringify([process.env.PMEM2_KIT_PROBE ?? null, process.env.PMEM2_KIT_NEW]))';
    expect(
      answerOf(runModule(code, { env: { PMEM2_KIT_PROBE: undefined, PMEM2_KIT_NEW: 'x' } })),
    ).toEqual([null, 'x']);
  });

  it('mappingsOf finds nothing for a file that is not mapped', () => {
    expect(mappingsOf(join(tempDir(), 'never-mapped'))).toEqual([]);
  });
});
