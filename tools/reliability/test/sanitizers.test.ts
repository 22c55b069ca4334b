// sanitizers.test.ts -- @pmem2/native built a second time with -fsanitize=address,undefined
// runs the map stack (crash scenarios, the workload, worker threads) with zero reports; a
// valgrind memcheck pass over the normal build finds no invalid access in the addon's frames

import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon, nativeDir } from '../src/build-addon.js';
import { packageDir, runChild, tempDir } from './helpers.js';

const dir = tempDir('sanitizers');
const cache = join(packageDir, '.cache');

/** The shared object gcc links ASan from ('' when gcc has none). */
function libasan(): string {
  try {
    const path = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
    return path.startsWith('/') ? path : '';
  } catch {
    return '';
  }
}

const asanLibrary = libasan();
const asanSuites = process.env.PMEM2_ASAN_SUITES === '1';
const hasValgrind = spawnSync('valgrind', ['--version']).status === 0;
if (asanLibrary === '')
  console.warn('SKIPPED: ASan/UBSan run — gcc has no libasan.so (apt-get install gcc)');
if (asanLibrary !== '' && !asanSuites)
  console.warn(
    'SKIPPED: the native and map suites under ASan/UBSan — opt-in, about 5 minutes each; ' +
      'set PMEM2_ASAN_SUITES=1 (.ci/run does)',
  );
if (!hasValgrind)
  console.warn('SKIPPED: valgrind memcheck run — valgrind not found (apt-get install valgrind)');

/** The sanitizer reports that must not appear. */
const REPORTS =
  /ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|SUMMARY: UndefinedBehaviorSanitizer/;

describe.runIf(asanLibrary !== '')('ASan + UBSan build of @pmem2/native', () => {
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    const addon = buildAddon({
      output: join(cache, 'asan', 'pmem2_native_asan.node'),
      flags: [
        '-fsanitize=address,undefined',
        '-fno-omit-frame-pointer',
        '-fno-sanitize-recover=undefined',
      ],
    });
    env = {
      // @pmem2/native loads this file instead of node-gyp-build's choice (its testing aid)
      PMEM2_NATIVE_ADDON: addon,
      LD_PRELOAD: asanLibrary,
      // Node leaks by design at exit; V8 needs its own SIGSEGV handling (trap handler)
      ASAN_OPTIONS:
        'detect_leaks=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:abort_on_error=0:' +
        // the fault-inject shim is preloaded before libasan in the fault tests' children
        'verify_asan_link_order=0',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    };
  });

  /** Runs `vitest run ...files` in `cwd` against the sanitized build: it passes, no reports. */
  function vitestIsClean(cwd: string, files: readonly string[], timeout: number): void {
    const child = spawnSync('pnpm', ['exec', 'vitest', 'run', ...files], {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout,
    });
    expect(`${child.stdout}${child.stderr}`).not.toMatch(REPORTS);
    // the lines that say what failed (a failed file may have no failed test), else the tail
    const failures = `${child.stdout}\n${child.stderr}`
      .split('\n')
      .filter((line) => /FAIL|Error|×|Unhandled|Segmentation|Aborted/.test(line))
      .join('\n');
    expect(child.status, (failures || child.stdout).slice(-3000)).toBe(0);
  }

  // The whole native and map suites against the sanitized build (~5 minutes each on 2 cores),
  // and their crash suites, which live here: `pnpm test:asan-suites`. vitest's workers inherit
  // PMEM2_NATIVE_ADDON and LD_PRELOAD.
  it.runIf(asanSuites).each([
    ['@pmem2/native', join(nativeDir, '..', 'native'), []],
    ['@pmem2/map', join(nativeDir, '..', 'map'), []],
    ['native and map crash', packageDir, ['test/native', 'test/map']],
  ])(
    'the %s test suite is clean',
    (_name, cwd, files) => vitestIsClean(cwd, files, 900_000),
    900_000,
  );

  // The SIGBUS handler's tests (faults on our mappings repaired in JIT code, thread-pool tasks,
  // workers; chaining; a full tmpfs) are quick: they run on every sanitizer run.
  it.runIf(!asanSuites).each([
    [
      '@pmem2/native',
      join(nativeDir, '..', 'native'),
      ['test/faults.test.ts', 'test/sigbus.test.ts', 'test/sigbus-race.test.ts'],
    ],
    ['@pmem2/map', join(nativeDir, '..', 'map'), ['test/lost-pages.test.ts']],
    ['reliability', packageDir, ['test/native/guard.test.ts']],
  ])(
    'the SIGBUS fault tests of %s are clean',
    (_name, cwd, files) => vitestIsClean(cwd, files, 170_000),
    180_000,
  );

  /** Runs a child against the ASan build and checks it is clean. */
  function clean(script: string, args: string[], execArgv: string[] = []): string {
    const child = runChild(script, args, {
      env,
      execArgv,
      timeout: 170_000,
    });
    expect(child.stderr).not.toMatch(REPORTS);
    expect({ status: child.status, signal: child.signal }).toEqual({ status: 0, signal: null });
    return child.stdout;
  }

  it('reports a deliberate heap overflow (the setup can fail)', () => {
    const canary = join(cache, 'asan', 'canary.node');
    execFileSync('gcc', [
      '-shared',
      '-fPIC',
      '-g',
      '-fsanitize=address',
      '-I/usr/include/node',
      '-DNAPI_VERSION=8',
      '-o',
      canary,
      join(packageDir, 'test', 'children', 'canary.c'),
    ]);
    const child = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(canary)}).overflow()`],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    expect(child.stderr).toMatch(/ERROR: AddressSanitizer: heap-buffer-overflow/);
    expect(child.status).not.toBe(0);
  });

  it('really loads the sanitized addon', () => {
    const child = runChild('loaded-addon.mjs', [], { env });
    expect(child.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/pmem2_native_asan\.node$/),
    ]);
  });

  it('the workload (every binding entry, hostile arguments, every map operation) is clean', () => {
    const answer = JSON.parse(clean('workload.mjs', [dir]).trim().split('\n').at(-1) as string);
    expect(answer.foreignKinds).toEqual(['TypeError']);
    expect(answer.registry).toBe(0);
  });

  it.each([
    ['deleted-map', []],
    ['deleted-source', []],
    ['protections', []],
    ['truncated', []],
    ['truncated-direct-access', []],
    ['reservation-with-maps', []],
    ['workers', []],
    ['gc-map-then-views', ['--expose-gc']],
    ['gc-views-then-map', ['--expose-gc']],
  ])('crash scenario %s is clean', (scenario, execArgv) => {
    clean('crash.mjs', [scenario, dir], execArgv);
  });

  it.each(['deleteWhileWorkerReads', 'workerExitAndTerminate', 'eightWorkers'])(
    'shared-mapping scenario %s is clean',
    (scenario) => {
      clean('share.mjs', [scenario, dir]);
    },
  );
});

describe.runIf(hasValgrind)('valgrind memcheck over the normal build', () => {
  /** Runs `node --jitless <child> ...args` under memcheck; asserts no invalid access in the addon. */
  function memcheck(script: string, args: readonly string[]): string {
    const child = spawnSync(
      'valgrind',
      [
        '--tool=memcheck',
        '--error-limit=no',
        '--leak-check=no',
        '--undef-value-errors=no',
        '--smc-check=all',
        process.execPath,
        '--jitless',
        '--max-old-space-size=256',
        join(packageDir, 'test', 'children', script),
        ...args,
      ],
      { cwd: packageDir, encoding: 'utf8', timeout: 170_000 },
    );
    expect({ status: child.status, signal: child.signal }).toEqual({ status: 0, signal: null });
    expect(child.stderr).toMatch(/ERROR SUMMARY: \d+ errors/); // valgrind really ran
    // one report per error: a header line, then "   at"/"   by" frames, then a blank line
    const blocks = child.stderr.split(/\n==\d+== \n/);
    const addonBlocks = blocks.filter(
      (b) =>
        /Invalid (read|write)|Jump to the invalid|Invalid free/.test(b) &&
        /pmem2[_+]native|csrc\//.test(b),
    );
    expect(addonBlocks).toEqual([]);
    return child.stdout;
  }

  it('no invalid read or write in the addon frames during a small workload', () => {
    expect(memcheck('workload.mjs', [dir, 'small'])).toContain('"registry":0');
  });

  // valgrind delivers the kernel's SIGBUS to the addon's handler and tracks the MAP_FIXED
  // anonymous page it maps over the lost one, so the repaired access completes under it too
  it('a SIGBUS on a truncated page (typed-array access, native calls) is repaired under memcheck', () => {
    const direct = JSON.parse(
      memcheck('crash.mjs', ['truncated-direct-access', dir]).trim().split('\n').at(-1) as string,
    );
    expect(direct).toMatchObject({
      survived: true,
      before: 0,
      lost: [{ offset: 8192, length: 4096, cause: 'truncated' }],
      persist: { code: 'PMEM2_E_IO_FAIL' },
    });
  });
});
