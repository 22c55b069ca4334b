// helpers.ts -- runs child scripts of test/children and reads their one-line JSON answers

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The package directory (children run there so `@pmem2/*` resolve). */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the child scripts live. */
export const childrenDir = join(packageDir, 'test', 'children');

/** Whether `pnpm test:soak` asked for the full endurance sizes. */
export const soak = process.env.PMEM2_SOAK === '1';

/** What a child did. */
export interface ChildRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runChild}. */
export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
  readonly timeout?: number;
}

/** Runs `node [execArgv] test/children/<script> ...args` and waits for it. */
export function runChild(
  script: string,
  args: readonly string[] = [],
  options: ChildOptions = {},
): ChildRun {
  const result: SpawnSyncReturns<string> = spawnSync(
    process.execPath,
    [...(options.execArgv ?? []), join(childrenDir, script), ...args],
    {
      cwd: packageDir,
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      timeout: options.timeout ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Asserts the child exited 0 without a signal and returns its last stdout line as JSON. */
export function answerOf<T>(child: ChildRun): T {
  expect({ status: child.status, signal: child.signal, stderr: child.stderr.slice(-4000) }).toEqual(
    {
      status: 0,
      signal: null,
      stderr: expect.any(String),
    },
  );
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) as string) as T;
}

/** A fresh directory under os.tmpdir(); remove it with {@link removeDir}. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pmem2-reliability-${prefix}-`));
}

/** Removes a directory made by {@link tempDir}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
