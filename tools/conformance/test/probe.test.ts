// probe.test.ts -- the C probe answers known libpmem2 facts (so a broken oracle cannot pass)

import { describe, expect, it } from 'vitest';
import { type ConformanceCase, PROT } from '../src/case.js';
import { Fixtures } from '../src/fixtures.js';
import { requireOracle } from '../src/oracle.js';
import { runProbe } from '../src/run-probe.js';

const oracle = requireOracle('probe self-test');
const file = { kind: 'file', fs: 'ext4', size: 5000, content: 'pattern', open: 'rdwr' } as const;

describe.runIf(oracle.binary)('probe', () => {
  const run = (cases: ConformanceCase[]) => {
    const fixtures = new Fixtures();
    try {
      return runProbe(oracle.binary ?? '', cases, fixtures);
    } finally {
      fixtures.dispose();
    }
  };

  it('reports GRANULARITY_NOT_SET with its errormsg when no granularity is set', () => {
    const [out] = run([{ id: 'unset', source: file }]);
    expect(out?.map).toEqual({
      ret: -100008,
      msg: 'please define the max granularity requested for the mapping',
    });
  });

  it('reports "" for a failure that sets no errormsg, not a stale text', () => {
    const [first, second] = run([
      { id: 'stale', source: file, granularity: 9 },
      { id: 'negative-fd', source: { kind: 'fd', fd: -1 } },
    ]);
    expect(first?.setGranularity).toEqual({ ret: -100009, msg: 'unknown granularity value 9' });
    expect(second?.source).toEqual({ ret: -100004, msg: '' });
  });

  it('maps a 5000-byte file whole, PAGE granularity, at least 2 MiB aligned, and writes through', () => {
    const [out] = run([{ id: 'ok', source: file, granularity: 2 }]);
    expect(out).toMatchObject({
      map: { ret: 0, msg: '' },
      size: 5000,
      granularity: 2,
      // at least 2 MiB aligned: one address in 512 of those is 1 GiB aligned too
      align: expect.stringMatching(/^(2M|1G)$/),
      readBack: true,
      fileSees: true,
      delete: { ret: 0, msg: '' },
    });
  });

  it('keeps private writes out of the file and honours PMEM2_FORCE_GRANULARITY per case', () => {
    const [priv, forced] = run([
      { id: 'private', source: file, granularity: 0, sharing: 1, forceGranularity: 'page' },
      { id: 'forced', source: file, granularity: 1, forceGranularity: 'CaChE_LiNe' },
    ]);
    expect(priv).toMatchObject({ granularity: 0, readBack: true, fileSees: false });
    expect(forced).toMatchObject({ map: { ret: 0, msg: '' }, granularity: 1 });
  });

  it('runs the mem functions inside the mapping, skips the rest, and checksums the result', () => {
    const [out] = run([
      {
        id: 'mem',
        source: { kind: 'anon', size: 8192n },
        granularity: 0,
        memOps: [
          { fn: 'memset', offset: 0, length: 100, value: 255, flags: 0 },
          { fn: 'memmove', dst: 10, src: 0, length: 50, flags: 2 },
          { fn: 'memcpy', dst: 8000, length: 500, flags: 0 },
        ],
      },
    ]);
    expect(out?.memOpsRun).toBe(2);
    expect(out?.memSum).toMatch(/^[0-9a-f]{8}$/);
  });

  it('reports no data for a PROT_NONE mapping and checksums only for a read-only one', () => {
    const [none, ro] = run([
      { id: 'none', source: file, granularity: 2, protection: PROT.NONE },
      { id: 'ro', source: { ...file, open: 'rdonly' }, granularity: 2, protection: PROT.READ },
    ]);
    expect(none?.head).toBeUndefined();
    expect(ro?.head).toMatch(/^[0-9a-f]{8}$/);
    expect(ro?.readBack).toBeUndefined();
  });
});
