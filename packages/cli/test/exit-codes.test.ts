// exit-codes.test.ts -- every exit status pmem2 documents, each produced by a real run

import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.js';
import { type CliRun, isOneClearLine, runCli, scratchFile } from './run-cli.js';

const scratch = scratchFile(64 * 1024);
afterAll(() => scratch.cleanup());

/** One run per exit status, and what it must print. */
const CASES: readonly {
  readonly status: ExitCode;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly check: (run: CliRun) => void;
}[] = [
  {
    status: ExitCode.OK,
    args: ['info', scratch.file],
    check: (run) => {
      expect(run.stdout).toContain(`size          ${64 * 1024} bytes`);
      expect(run.stderr).toBe('');
    },
  },
  {
    status: ExitCode.PMEM2_ERROR,
    args: ['map', scratch.file, '-g', 'page', '--offset', '100'],
    check: (run) => {
      expect(run.stdout).toBe('');
      expect(isOneClearLine(run.stderr)).toBe(true);
      expect(run.stderr).toContain('[PMEM2_E_OFFSET_UNALIGNED, errno -100011; libpmem2: ');
    },
  },
  {
    status: ExitCode.USAGE,
    args: [],
    check: (run) => expect(run.stderr).toMatch(/^pmem2: no command given\n\nUsage:/),
  },
  {
    // the native addon cannot be loaded: no prebuild for this (pretended) CPU, no local build
    status: ExitCode.INTERNAL,
    args: ['info', scratch.file],
    env: { PREBUILDS_ONLY: '1', npm_config_arch: 'riscv64' },
    check: (run) => {
      expect(run.stdout).toBe('');
      expect(isOneClearLine(run.stderr)).toBe(true);
      expect(run.stderr).toMatch(
        /^pmem2: cannot load the pmem2 libraries: @pmem2\/native has no addon for this platform: found linux-riscv64 .*\[PMEM2_E_NOSUPP\]$/m,
      );
    },
  },
];

describe('pmem2 exit status', () => {
  it('exitCodes-everyDocumentedStatus-hasACase', () => {
    expect(CASES.map((c) => c.status).sort((a, b) => a - b)).toEqual(
      Object.values(ExitCode).sort((a, b) => a - b),
    );
  });

  it.each(CASES.map((c) => [c.status, c] as const))('exitCodes-%i', (status, c) => {
    const run = runCli(c.args, c.env);
    expect(run.status, run.stderr).toBe(status);
    c.check(run);
  });
});
