// persist-async.test.ts -- persistAsync/flushAsync: msync on the thread pool at PAGE
// granularity, synchronous completion at CACHE_LINE/BYTE, checks as rejections

import { readFileSync } from 'node:fs';
import { Granularity } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { describe, expect, it } from 'vitest';
import { mapNew } from '../src/index.js';
import { catchPmem2, MiB, makeFile, openSource, prepareConfig } from './helpers.js';

describe('persistAsync / flushAsync at PAGE granularity (shared file, no MAP_SYNC)', () => {
  it('run msync off the main thread and resolve; the data reaches the file', async () => {
    const path = makeFile('ext4', MiB);
    using file = openSource(path);
    using map = mapNew(prepareConfig(), file.source);
    expect(map.storeGranularity).toBe(Granularity.PAGE);
    map.bytes()[4097] = 9;
    binding.drain();
    const pending = map.persistAsync(4096, 2);
    expect(binding.lastOp().msynced).toBe(false); // nothing ran on this thread
    await expect(pending).resolves.toBeUndefined();
    await expect(map.flushAsync(0, MiB)).resolves.toBeUndefined();
    expect(readFileSync(path)[4097]).toBe(9);
  });

  it('reject a range outside the mapping with PMEM2_E_MAP_RANGE and start nothing', async () => {
    using file = openSource(makeFile('ext4', MiB));
    using map = mapNew(prepareConfig(), file.source);
    const pending = map.persistAsync(MiB, 1);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({ code: 'PMEM2_E_MAP_RANGE' });
    await expect(map.flushAsync(-1, 1)).rejects.toMatchObject({ code: 'PMEM2_E_MAP_RANGE' });
  });

  it('reject after delete with PMEM2_E_MAPPING_NOT_FOUND', async () => {
    using file = openSource(makeFile('ext4', MiB));
    const map = mapNew(prepareConfig(), file.source);
    map.delete();
    await expect(map.persistAsync(0, 1)).rejects.toMatchObject({
      code: 'PMEM2_E_MAPPING_NOT_FOUND',
    });
  });

  it('a delete while msyncs are pending waits for started ones and skips queued ones', async () => {
    using file = openSource(makeFile('ext4', 8 * MiB));
    const map = mapNew(prepareConfig(), file.source);
    map.bytes().fill(1);
    const pending = [map.persistAsync(0, 8 * MiB), map.flushAsync(0, 8 * MiB)];
    map.delete();
    const settled = await Promise.allSettled(pending);
    for (const s of settled) {
      // started before delete: resolved; still queued: skipped with a typed error
      if (s.status === 'rejected') {
        expect(s.reason).toMatchObject({ code: 'PMEM2_E_MAPPING_NOT_FOUND' });
        expect(String(s.reason.message)).toContain('deleted before the msync started');
      }
    }
  });

  it('[Symbol.asyncDispose] deletes once and is a no-op afterwards', async () => {
    using file = openSource(makeFile('ext4', MiB));
    const map = mapNew(prepareConfig(), file.source);
    const pending = map.persistAsync(0, MiB);
    await map[Symbol.asyncDispose]();
    await pending;
    expect(catchPmem2(() => map.size).code).toBe('PMEM2_E_MAPPING_NOT_FOUND');
    await expect(map[Symbol.asyncDispose]()).resolves.toBeUndefined();
  });
});

describe('persistAsync at BYTE granularity (anonymous memory)', () => {
  it('completes synchronously: the drain ran before the call returned', async () => {
    using source = Source.fromAnon(MiB);
    using map = mapNew(prepareConfig(), source);
    expect(map.storeGranularity).toBe(Granularity.BYTE);
    const pending = map.persistAsync(0, 64);
    expect(binding.lastOp()).toMatchObject({ msynced: false, drained: true });
    await expect(pending).resolves.toBeUndefined();
    await expect(map.persistAsync(0, 2 * MiB)).rejects.toMatchObject({
      code: 'PMEM2_E_MAP_RANGE',
    });
  });
});
