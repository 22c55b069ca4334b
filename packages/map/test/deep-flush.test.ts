// deep-flush.test.ts -- pmem2_deep_flush: pmem2_integration's test_deep_flush_* cases, and
// PMDK's pmem2_deep_flush per granularity, with a fixture device DAX region

import { closeSync, constants, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { DEVDAX_DEVICE, devdaxFixture } from '@pmem2/test-kit';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemFlags, mapNew } from '../src/index.js';
import {
  BACKENDS,
  expectPmem2,
  MiB,
  makeFile,
  openSource,
  PAGE,
  prepareConfig,
} from './helpers.js';

const REGION = 'sys/devices/platform/e820_pmem/ndbus0/region0';
let root = '';
const fds: number[] = [];

beforeAll(() => {
  // The fixture's device DAX, re-pointed at /dev/zero (1:5) so that mmap works.
  root = devdaxFixture({ retarget: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  for (const fd of fds.splice(0)) closeSync(fd);
});

function devdax(): Source {
  const fd = openSync('/dev/zero', constants.O_RDWR);
  fds.push(fd);
  return Source.fromFd(fd, { sysfsRoot: root });
}

describe.each(BACKENDS)('pmem2_deep_flush on a %s file', (backend) => {
  it.each(['page', 'cache_line', 'byte'] as const)(
    'test_deep_flush_valid / _slice (%s)',
    (force) => {
      vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
      using file = openSource(makeFile(backend, MiB));
      using map = mapNew(prepareConfig(), file.source);
      map.memset(0, 1, PAGE, MemFlags.NOFLUSH);
      map.deepFlush(0, map.size);
      map.deepFlush(PAGE + 5, 100);
      map.deepFlush(map.size, 0);
      // that msync runs (off PAGE) is shown by fault.test.ts, which makes it fail
      expect(map.read(PAGE - 1, 2)).toEqual(new Uint8Array([1, 0]));
    },
  );

  it('test_deep_flush_e_range_behind / _before / _overlap: PMEM2_E_DEEP_FLUSH_RANGE', () => {
    using file = openSource(makeFile(backend, MiB));
    using map = mapNew(prepareConfig(), file.source);
    const a = map.address;
    const hex = (n: bigint) => `0x${n.toString(16)}`;
    expectPmem2(
      () => map.deepFlush(map.size + PAGE, PAGE),
      'PMEM2_E_DEEP_FLUSH_RANGE',
      `requested deep flush rage ptr ${hex(a + BigInt(map.size + PAGE))} size ${PAGE} exceeds map range ${hex(a)}`,
    );
    expectPmem2(() => map.deepFlush(-PAGE, PAGE), 'PMEM2_E_DEEP_FLUSH_RANGE');
    expectPmem2(() => map.deepFlush(map.size - PAGE, 2 * PAGE), 'PMEM2_E_DEEP_FLUSH_RANGE');
  });
});

describe('pmem2_deep_flush on anonymous memory and device DAX', () => {
  it('test_source_anon_*: anonymous memory (BYTE) gives PMEM2_E_NOSUPP', () => {
    using source = Source.fromAnon(MiB);
    using map = mapNew(prepareConfig(), source);
    expectPmem2(
      () => map.deepFlush(0, PAGE),
      'PMEM2_E_NOSUPP',
      'Anonymous source does not support deep flush',
    );
  });

  const deepFlushFile = () => join(root, REGION, 'deep_flush');

  /**
   * deepFlush(0, PAGE) of a device DAX map (granularity forced to `force`) while region0's
   * deep_flush reads `before`: what it reads after, and whether the call drained.
   */
  const deepFlushDevdax = (force: 'cache_line' | 'byte' | undefined, before: string) => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
    writeFileSync(deepFlushFile(), before);
    using source = devdax();
    using map = mapNew(prepareConfig(0, 2 * MiB), source);
    map.deepFlush(0, PAGE);
    return { after: readFileSync(deepFlushFile(), 'latin1'), drained: binding.lastOp().drained };
  };

  it.each(['cache_line', 'byte'] as const)(
    'device DAX (%s): persists, then writes 1 to region0/deep_flush',
    (force) => {
      const { after, drained } = deepFlushDevdax(force, '2\n');
      expect(after).toBe('1\n');
      expect(drained).toBe(true);
    },
  );

  it('device DAX: a deep_flush attribute reading 0 is left alone; a missing one is ignored', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'cache_line');
    using source = devdax();
    using map = mapNew(prepareConfig(0, 2 * MiB), source);
    writeFileSync(deepFlushFile(), '0\n');
    map.deepFlush(0, PAGE);
    expect(readFileSync(deepFlushFile(), 'latin1')).toBe('0\n');
    rmSync(deepFlushFile());
    map.deepFlush(0, PAGE);
  });

  it('device DAX (PAGE, no MAP_SYNC): nothing to do', () => {
    expect(deepFlushDevdax(undefined, '2\n').after).toBe('2\n');
  });

  it('device DAX on no region: PMEM2_E_DAX_REGION_NOT_FOUND "unknown region", even after the source is deleted', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'cache_line');
    const orphan = devdaxFixture();
    writeFileSync(join(orphan, DEVDAX_DEVICE, 'dev'), '9:9\n');
    const fd = openSync('/dev/zero', constants.O_RDWR);
    fds.push(fd);
    const source = Source.fromFd(fd, { sysfsRoot: orphan });
    using map = mapNew(prepareConfig(0, 2 * MiB), source);
    source.delete();
    expectPmem2(() => map.deepFlush(0, PAGE), 'PMEM2_E_DAX_REGION_NOT_FOUND', 'unknown region');
  });
});
