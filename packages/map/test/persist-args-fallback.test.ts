// persist-args-fallback.test.ts -- where the runtime forbids external buffers (persistArgs and
// rangesArgs are null), persist, flush, crc32 and the batches pass their ranges as arguments

import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { binding } from '@pmem2/native';
import { describe, expect, it, vi } from 'vitest';
import { mapNew } from '../src/index.js';
import { catchPmem2, makeFile, openSource, PAGE, prepareConfig } from './helpers.js';

vi.mock('@pmem2/native', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@pmem2/native')>();
  return { ...actual, binding: { ...actual.binding, persistArgs: null, rangesArgs: null } };
});

describe('persistArgs === null: the argument forms of persist, flush, crc32 and batches', () => {
  it('the mock took: the binding has no argument cells', () => {
    expect(binding.persistArgs).toBeNull();
    expect(binding.rangesArgs).toBeNull();
  });

  it('PAGE: persist and flush msync the range; a bad range still throws', () => {
    const path = makeFile('tmpfs', 4 * PAGE);
    using file = openSource(path);
    using map = mapNew(prepareConfig(), file.source);
    map.bytes()[PAGE + 3] = 5;
    map.persist(PAGE + 3, 1);
    expect(binding.lastOp()).toMatchObject({ msynced: true });
    map.flush(0, 1);
    expect(binding.lastOp()).toMatchObject({ msynced: true });
    expect(readFileSync(path)[PAGE + 3]).toBe(5);
    expect(catchPmem2(() => map.persist(4 * PAGE, 1)).code).toBe('PMEM2_E_MAP_RANGE');
  });

  it.runIf(process.arch === 'x64')('CACHE_LINE: persist flushes and drains', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'cache_line');
    using file = openSource(makeFile('tmpfs', 4 * PAGE));
    using map = mapNew(prepareConfig(), file.source);
    map.persist(0, 64);
    expect(binding.lastOp()).toMatchObject({ flushed: true, drained: true, msynced: false });
    map.persistRanges(new Float64Array([0, 64, PAGE, 1]));
    expect(binding.lastOp()).toMatchObject({ flushed: true, drained: true, msynced: false });
    const err = catchPmem2(() => map.flushRanges(new Float64Array([0, 64, 4 * PAGE, 1])));
    expect(err.message).toMatch(/^flushRanges pair 1: /);
    expect(binding.lastOp()).toMatchObject({ flushed: true, drained: false });
  });

  it('crc32 equals zlib.crc32 through the argument form; refusals keep their codes', () => {
    using file = openSource(makeFile('tmpfs', 4 * PAGE));
    using map = mapNew(prepareConfig(), file.source);
    map.bytes().set([1, 2, 3, 4, 5], PAGE - 2);
    expect(map.crc32(PAGE - 2, 5, 99)).toBe(crc32(map.bytes().subarray(PAGE - 2, PAGE + 3), 99));
    expect(catchPmem2(() => map.crc32(4 * PAGE, 1)).code).toBe('PMEM2_E_MAP_RANGE');
    expect(catchPmem2(() => map.crc32(0, 1, -1)).code).toBe('EINVAL');
  });
});
