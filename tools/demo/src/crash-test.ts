// crash-test.ts -- forks the writer, SIGKILLs it partway, then recovers the log in this process

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startProgress } from './progress.js';
import { type Recovery, recoverLog } from './recovery.js';
import type { WriterMessage } from './writer-child.js';

/** What happened to the writer and what recovery found. */
export interface CrashTestResult {
  /** Records the writer acknowledged (each one committed) before it died. */
  readonly acknowledged: number;
  /** The signal that ended the writer (`'SIGKILL'`), or `null` if it finished first. */
  readonly signal: NodeJS.Signals | null;
  /** The writer's exit code when it was not killed. */
  readonly exitCode: number | null;
  readonly recovery: Recovery;
}

const WRITER = fileURLToPath(new URL('./writer-child.js', import.meta.url));

/**
 * Runs the writer on the (new, empty) log at `path` to append `records` records of
 * `recordSize` bytes, kills it with SIGKILL as soon as `killAfter` records are acknowledged,
 * then opens the log again (recovery) and verifies it.
 */
export async function runCrashTest(
  path: string,
  records: number,
  killAfter: number,
  recordSize: number,
): Promise<CrashTestResult> {
  const writer = fork(WRITER, [path, String(records), String(recordSize)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const progress = startProgress('writer', records);
  let acknowledged = 0;
  writer.on('message', (message: WriterMessage) => {
    if (message.type !== 'ack') return;
    acknowledged = Math.max(acknowledged, message.seq + 1);
    progress.update(acknowledged);
    if (acknowledged >= killAfter && writer.exitCode === null && !writer.killed) {
      writer.kill('SIGKILL');
    }
  });
  const disconnected = once(writer, 'disconnect');
  const [exitCode, signal] = (await once(writer, 'exit')) as [number | null, NodeJS.Signals | null];
  await disconnected; // every message sent before the kill has been read by now
  progress.end();

  return { acknowledged, signal, exitCode, recovery: recoverLog(path, recordSize) };
}
