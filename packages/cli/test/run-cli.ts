// run-cli.ts -- spawns the built pmem2 binary and captures what it prints

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/bin.js ...args`; `env` entries replace (or, when undefined, remove) variables. */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): CliRun {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  // Detection tests must not inherit a granularity override from the caller's shell.
  if (!('PMEM2_FORCE_GRANULARITY' in env)) delete merged.PMEM2_FORCE_GRANULARITY;
  const result = spawnSync(process.execPath, [BIN, ...args], { env: merged, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh directory under os.tmpdir() with a `size`-byte file `file`; `cleanup()` removes it. */
export function scratchFile(size: number): { dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pmem2-cli-test-'));
  const file = join(dir, 'file');
  writeFileSync(file, Buffer.alloc(size));
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One line starting with "pmem2", hence no stack trace: what a user mistake must print. */
export function isOneClearLine(text: string): boolean {
  const lines = text.trimEnd().split('\n');
  return lines.length === 1 && lines[0]?.startsWith('pmem2') === true;
}
