// run-process.ts -- runs a runner process with input on stdin; a signal to the harness ends it

import { type ChildProcess, spawn } from 'node:child_process';

/** What a finished runner process left. */
export interface ProcessOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** Why the process did not end normally, or null when it exited 0. */
  readonly failure: string | null;
}

const live = new Set<ChildProcess>();

/** Ends the runner processes still running (used by the harness's signal handler). */
export function killRunners(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Spawns `command`, writes `input` to its stdin and collects its output. */
export function runProcess(
  command: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<ProcessOutput> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      // the process died before reading everything; 'close' reports why
    });
    let spawnError: string | null = null;
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      const stderr = Buffer.concat(err).toString('utf8');
      const failure =
        spawnError ??
        (code === 0
          ? null
          : `exit ${code ?? signal}${stderr ? `: ${stderr.trim().slice(0, 300)}` : ''}`);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr, failure });
    });
    child.stdin.end(input);
  });
}
