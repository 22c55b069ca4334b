// child.ts -- runs Node scripts and modules in a fresh process (anything that could crash, or
// needs load-time environment) and reads their one-line JSON answers

import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/** What a child process did. */
export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runNode} and {@link runModule}. */
export interface NodeOptions {
  /** Node flags before the script (`--expose-gc`, ...). */
  readonly nodeFlags?: readonly string[];
  /** Working directory (where bare `@pmem2/*` imports resolve from). */
  readonly cwd?: string;
  /** Variables added to this process's environment; `undefined` removes one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds before the child is killed (default 120 s). */
  readonly timeout?: number;
}

/** This process's environment with `env` applied (an `undefined` value removes the variable). */
export function childEnv(
  env: Readonly<Record<string, string | undefined>> = {},
): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  return merged;
}

/** Runs `node [nodeFlags] ...args` and waits for it. */
export function runNode(args: readonly string[], options: NodeOptions = {}): ChildResult {
  const result = spawnSync(process.execPath, [...(options.nodeFlags ?? []), ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Runs the ES module text `code` (`node --input-type=module -e code`) and waits for it. */
export function runModule(code: string, options: NodeOptions = {}): ChildResult {
  return runNode(['--input-type=module', '-e', code], options);
}

/** Child runners for module bodies that start with one import (see {@link importingChildren}). */
export interface ImportingChildren {
  /** Runs `body` after the import, with extra environment and Node flags. */
  runChild(body: string, env?: Record<string, string>, nodeArgs?: string[]): ChildResult;
  /** Runs `body` after the import; it must exit 0 and print JSON on its last stdout line. */
  childJson<T>(body: string, env?: Record<string, string>, nodeArgs?: string[]): T;
}

/**
 * Runners for ES module bodies run in a fresh node after `import { <names> } from '<entry>'`
 * (a file URL), with a 60 s timeout: anything that could crash the process, or needs
 * load-time environment, runs there.
 */
export function importingChildren(entry: string, names: string): ImportingChildren {
  const runChild = (body: string, env: Record<string, string> = {}, nodeArgs: string[] = []) =>
    runModule(`import { ${names} } from ${JSON.stringify(entry)};\n${body}`, {
      env,
      nodeFlags: nodeArgs,
      timeout: 60_000,
    });
  return {
    runChild,
    childJson: <T>(body: string, env?: Record<string, string>, nodeArgs?: string[]) =>
      answerOf<T>(runChild(body, env, nodeArgs)),
  };
}

/** The JSON values of a text with one per line (what the oracles and children print). */
export function jsonLines<T>(text: string): T[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

/** The JSON value on the last line of a child's stdout. */
export function lastJsonLine<T>(child: ChildResult): T {
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? 'null') as T;
}

/**
 * Asserts that the child exited 0 without a signal (showing the end of its stderr when not)
 * and returns the JSON value of its last stdout line.
 */
export function answerOf<T>(child: ChildResult): T {
  expect({ status: child.status, signal: child.signal, stderr: child.stderr.slice(-4000) }).toEqual(
    { status: 0, signal: null, stderr: expect.any(String) },
  );
  return lastJsonLine<T>(child);
}

/**
 * Asserts that the child exited 0, without a signal and with an empty stderr, and returns the
 * JSON value of its stdout.
 */
export function quietAnswerOf<T>(child: ChildResult): T {
  expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });
  return JSON.parse(child.stdout) as T;
}
