// crash.test.ts -- a writer child is SIGKILLed at random points, hundreds of times; after each
// kill the log holds a run of the written records, in order, with every acknowledged commit

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinearLog, RingLog } from '../src/index.js';
import { seqOf } from './fixtures/records.mjs';
import { scratchDir } from './helpers/files.js';
import { rng } from './helpers/write-back.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.mjs', import.meta.url));
const path = scratchDir('crash');

interface Kill {
  readonly acked: number;
  readonly trimmed: number;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the writer, kills it `delayMs` after it is ready, returns what it acknowledged. */
async function killWriter(file: string, shape: string, delayMs: number): Promise<Kill> {
  const child = spawn(process.execPath, [WRITER, file, shape], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const ready = !out.includes('ready');
    out += chunk;
    if (ready && out.includes('ready')) setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  const [, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  const last = (word: string) =>
    Math.max(
      0,
      ...[...out.matchAll(new RegExp(`^${word} (\\d+)$`, 'gm'))].map((m) => Number(m[1])),
    );
  return { acked: last('ack'), trimmed: last('trim'), signal, stderr };
}

describe.each([
  ['linear', 120],
  ['ring', 80],
] as const)('SIGKILL of a %s writer', (shape, kills) => {
  it(`writer-killed${kills}Times-recoveryKeepsEveryAcknowledgedCommitInOrder`, async () => {
    const file = path(shape);
    const created =
      shape === 'ring'
        ? RingLog.create(file, { capacity: 64 * 1024 })
        : LinearLog.create(file, { segmentSize: 256 * 1024 });
    created.close();
    const random = rng(shape === 'ring' ? 2 : 1);
    let acknowledgedTotal = 0;
    let verified = 0; // records before this one were compared byte for byte after an earlier kill
    for (let k = 0; k < kills; k++) {
      const kill = await killWriter(file, shape, Math.floor(random() * 25));
      expect({ signal: kill.signal, stderr: kill.stderr }).toEqual({
        signal: 'SIGKILL',
        stderr: '',
      });
      const log = shape === 'ring' ? RingLog.open(file) : LinearLog.open(file);
      const seqs = [...log.records()].map((r, i) =>
        seqOf(r.data, shape === 'ring' || i >= verified),
      );
      log.close();
      verified = seqs.length;
      const first = seqs[0] ?? kill.trimmed;
      expect(seqs.includes(-1), 'a record with foreign bytes was recovered').toBe(false);
      expect(seqs).toEqual(seqs.map((_, i) => first + i)); // a run, in order
      expect(first + seqs.length).toBeGreaterThanOrEqual(kill.acked); // every acked commit
      if (shape === 'linear') expect(first).toBe(0);
      else expect(first).toBeGreaterThanOrEqual(kill.trimmed); // trimmed records stay gone
      acknowledgedTotal = Math.max(acknowledgedTotal, kill.acked);
    }
    expect(acknowledgedTotal).toBeGreaterThan(kills); // the writers did commit between kills
  });
});
