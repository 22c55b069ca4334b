// share.test.ts -- one mapping shared with worker threads: deletes and exits in any order
// never leave a view over unmapped memory, the last view unmaps, refused tokens are typed
// errors; every scenario runs in a child process under the fd / maps / registry leak check

import { describe, expect, it } from 'vitest';
import { answerOf, runChild, tempDir } from './helpers.js';

const dir = tempDir('share');
const NO_LEAK = { fileLines: [], newBig: [], fdsAdded: [], fdsRemoved: [], registry: 0 };
const OK = { ok: true };

/** Runs one scenario of children/share.mjs and returns its answer. */
function scenario<T>(name: string, ...args: string[]): T {
  return answerOf<T>(runChild('share.mjs', [name, dir, ...args]));
}

describe('a mapping shared with worker threads', () => {
  it('main deletes while a worker reads: the worker keeps reading the file, then unmaps', () => {
    const answer = scenario<Record<string, unknown>>('deleteWhileWorkerReads');
    expect(answer).toMatchObject({
      mappedWhileWorkerHolds: true, // the worker's view holds the range
      mainView: 0, // main's views are detached by its delete
      worker: {
        afterDelete: 200,
        bad: 0, // every read, also after main's delete, saw the file's bytes
        registered: 1,
        persisted: OK,
        length: 0,
        left: 0,
      },
      stored: [0x5a, 0xa5], // the worker's stores after main's delete reached the file
      leak: NO_LEAK,
    });
  });

  it('a worker exit and worker.terminate() with a live view release only that view', () => {
    expect(scenario('workerExitAndTerminate')).toMatchObject({
      exitAnswer: { registered: 1 },
      counted: true,
      afterTerminate: true, // main's map is untouched by the workers going
      mappedAfterMainDelete: true, // the spinning worker still holds the range
      leak: NO_LEAK, // and its terminate() unmapped it
    });
  });

  it('8 workers persist disjoint chunks of one map; the file holds all of them', () => {
    const answer = scenario<{ answers: unknown[]; chunks: boolean[]; leak: unknown }>(
      'eightWorkers',
    );
    expect(answer.answers).toEqual(Array(8).fill({ persisted: OK, left: 0 }));
    expect(answer.chunks).toEqual(Array(8).fill(true));
    expect(answer.leak).toMatchObject(NO_LEAK);
  });

  it('Atomics.add on the views of 5 threads counts every increment', () => {
    expect(scenario('atomics')).toMatchObject({
      total: 5_000_000,
      answers: Array(4).fill({ left: 0 }),
      leak: NO_LEAK,
    });
  });

  it('refuses a token used twice, of a deleted map, forged or from another process', () => {
    const { bytes } = scenario<{ bytes: number[] }>('makeToken');
    expect(bytes).toHaveLength(32);
    const NOT_FOUND = { code: 'PMEM2_E_MAPPING_NOT_FOUND', errno: -100016 };
    const EINVAL = { code: 'EINVAL', errno: -22 };
    expect(scenario('refusedTokens', JSON.stringify(bytes))).toMatchObject({
      inMain: { own: 'PMEM2_E_MAPPING_EXISTS' }, // the sharing thread has its own map
      first: OK,
      again: NOT_FOUND,
      deleted: NOT_FOUND,
      forged: EINVAL,
      realAfterForged: OK, // a forged attempt does not consume the real token
      foreign: EINVAL,
      notToken: EINVAL,
      left: 0,
      leak: NO_LEAK,
    });
  });
});
