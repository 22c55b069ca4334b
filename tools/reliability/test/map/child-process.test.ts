// child-process.test.ts -- persistence across processes and the crash-prone rules, each in a
// fresh Node process so that a regression cannot kill the test runner

import { Worker } from 'node:worker_threads';
import { Config, Granularity } from '@pmem2/config';
import { mapNew } from '@pmem2/map';
import { Source } from '@pmem2/source';
import { BACKENDS } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { HAVE_DIST, MiB, makeFile, mappingRegistry, runFixture } from './helpers.js';

/** Runs a child.mjs scenario and returns its JSON line; fails on a signal or non-zero exit. */
function child(scenario: string, path: string, nodeFlags: readonly string[] = [], env = {}) {
  const result = runFixture('child.mjs', [scenario, path], env, nodeFlags);
  expect({ signal: result.signal, status: result.status, stderr: result.stderr }).toEqual({
    signal: null,
    status: 0,
    stderr: '',
  });
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

it('the package is built (child processes import dist/)', () => {
  expect(HAVE_DIST, 'run `pnpm build` (packages/map) first').toBe(true);
});

describe.each(BACKENDS)('on %s', (backend) => {
  it.each([undefined, 'byte', 'cache_line', 'page'])(
    'write, persist, delete; a fresh process maps again and sees the data (PMEM2_FORCE_GRANULARITY=%s)',
    (force) => {
      const path = makeFile(backend, 4 * MiB);
      const env = { PMEM2_FORCE_GRANULARITY: force };
      const written = child('write', path, [], env);
      expect(written.granularity).toBe(
        force === undefined ? 2 : ['byte', 'cache_line', 'page'].indexOf(force),
      );
      const read = child('read', path, [], env);
      expect(read.values).toEqual(read.expected);
      expect(read.values).not.toEqual([0, 0, 0, 0, 0, 0]);
    },
  );

  it('views of a deleted mapping are detached (length 0), never unmapped memory', () => {
    const result = child('afterDelete', makeFile(backend, MiB));
    expect(result).toEqual({
      length: 0,
      value: null,
      dataViewCode: 'TypeError',
      bufferCode: 'PMEM2_E_MAPPING_NOT_FOUND',
      mapped: 0,
    });
  });

  it('a read-only mapping refuses the buffer and stores, and reads by copy', () => {
    const path = makeFile(backend, 4 * MiB);
    child('write', path);
    expect(child('readOnly', path)).toEqual({
      bufferCode: 'PMEM2_E_NO_ACCESS',
      bytesCode: 'PMEM2_E_NO_ACCESS',
      memsetCode: 'PMEM2_E_NO_ACCESS',
      first: 3,
    });
  });

  it('a forgotten mapping is unmapped by the finalizer and leaves the registry', () => {
    const result = child('finalizer', makeFile(backend, MiB), ['--expose-gc']);
    expect(result).toEqual({
      before: { mapped: 1, registered: 1 },
      after: { mapped: 0, registered: 0 },
    });
  });

  it('reading pages lost to a truncate gives PMEM2_E_IO_FAIL, not SIGBUS', () => {
    expect(child('truncated', makeFile(backend, MiB))).toEqual({
      readCode: 'PMEM2_E_IO_FAIL',
      memsetCode: 'PMEM2_E_IO_FAIL',
    });
  });
});

describe('persistAsync in flight', () => {
  it('delete() waits for the running msyncs and skips queued ones: no crash, data in the file', () => {
    const result = child('deleteDuringPersistAsync', makeFile('ext4', 64 * MiB)) as {
      statuses: string[];
    };
    // which msyncs a thread-pool thread started before delete is a race: each one either ran
    // (fulfilled) or was skipped by delete (MAPPING_NOT_FOUND), never anything else
    expect(result.statuses).toHaveLength(3);
    for (const status of result.statuses) {
      expect(['fulfilled', 'PMEM2_E_MAPPING_NOT_FOUND']).toContain(status);
    }
    expect(result).toEqual({
      deleteCode: 'none',
      statuses: result.statuses,
      after: 'PMEM2_E_MAPPING_NOT_FOUND',
      mapped: 0,
      last: 3,
    });
  });

  it('[Symbol.asyncDispose] awaits the pending persistAsync, then deletes', () => {
    const result = child('asyncDispose', makeFile('ext4', 16 * MiB));
    expect(result).toEqual({
      resolvedBeforeDelete: true,
      sizeCode: 'PMEM2_E_MAPPING_NOT_FOUND',
      mapped: 0,
      first: 5,
    });
  });
});

describe('worker threads', () => {
  it('each realm has its own registry; a worker maps, writes and deletes independently', async () => {
    const path = makeFile('tmpfs', MiB);
    using source = Source.fromPath(path);
    using mine = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), source);
    const before = mappingRegistry.size;
    const worker = new Worker(new URL('./fixtures/worker.mjs', import.meta.url), {
      workerData: { path },
    });
    const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(result).toMatchObject({ registered: 1, after: 0 });
    expect(result.address).not.toBe(mine.address.toString(16));
    expect(mappingRegistry.size).toBe(before);
    expect(new TextDecoder().decode(mine.read(0, 13))).toBe('from a worker');
  });
});
