// run-cli.ts -- spawns the built pmem2 binary and captures what it prints

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTempDir, runNode, tempDir } from '@pmem2/test-kit';

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
  // Detection tests must not inherit a granularity override from the caller's shell.
  const result = runNode([BIN, ...args], { env: { PMEM2_FORCE_GRANULARITY: undefined, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A fresh directory under os.tmpdir() with a `size`-byte file `file`; `cleanup()` removes it
 * (the test kit also does after the test file).
 */
export function scratchFile(size: number): { dir: string; file: string; cleanup: () => void } {
  const dir = tempDir('pmem2-cli-test-');
  const file = join(dir, 'file');
  writeFileSync(file, Buffer.alloc(size));
  return { dir, file, cleanup: () => removeTempDir(dir) };
}

/** One line starting with "pmem2", hence no stack trace: what a user mistake must print. */
export function isOneClearLine(text: string): boolean {
  const lines = text.trimEnd().split('\n');
  return lines.length === 1 && lines[0]?.startsWith('pmem2') === true;
}
