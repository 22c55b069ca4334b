// durability.test.ts -- two processes share a mapping: a reader sees what the writer persists,
// and every record the writer acknowledged before SIGKILL is intact when the file is mapped again

import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerOf, childrenDir, packageDir, runChild, tempDir } from './helpers.js';

const dir = tempDir('durability');

describe('multi-process durability', () => {
  it('a reader sees persisted records; acknowledged records survive SIGKILL of the writer', async () => {
    const path = join(dir, 'log');
    const fd = openSync(path, 'w+');
    ftruncateSync(fd, 1024 * 1024); // 16,384 slots: the writer does not wrap before the kill
    closeSync(fd);

    const writer = spawn(process.execPath, [join(childrenDir, 'durability.mjs'), 'writer', path], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let acknowledged = -1;
    let pending = '';
    const killedAt = new Promise<number>((resolve) => {
      writer.stdout.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const match = /^ack (\d+)$/.exec(line);
          if (match) acknowledged = Math.max(acknowledged, Number(match[1]));
        }
        if (acknowledged >= 2000 && !writer.killed) {
          writer.kill('SIGKILL'); // in the middle of the write+persist loop
          resolve(acknowledged);
        }
      });
    });
    // meanwhile another process maps the file and waits for the first 500 records
    const reader = runChildAsync(['reader', path, '500']);
    const lastAck = await killedAt;
    const exit = await new Promise<NodeJS.Signals | null>((resolve) =>
      writer.on('exit', (_code, signal) => resolve(signal)),
    );
    expect(exit).toBe('SIGKILL');
    expect(stderr).toBe('');
    expect(JSON.parse((await reader).trim())).toEqual({ seen: 500 });

    const verify = answerOf<{ checked: number; broken: number[] }>(
      runChild('durability.mjs', ['verify', path, String(lastAck + 1)]),
    );
    expect(verify).toEqual({ checked: lastAck + 1, broken: [] });
  });
});

/** Runs durability.mjs with `args` in the background; resolves to its stdout on exit 0. */
function runChildAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(childrenDir, 'durability.mjs'), ...args], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`reader exited ${code} ${signal}`)),
    );
  });
}
