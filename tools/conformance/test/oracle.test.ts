// oracle.test.ts -- the skip rule: no libpmem2 skips loudly, or fails with PMEM2_REQUIRE_ORACLE=1

import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireOracle } from '../src/oracle.js';

const missing = { ok: false, reason: '/usr/include/libpmem2.h not found' } as const;

describe('requireOracle', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('without libpmem2 warns "SKIPPED: <what> — <why>" and gives no binary', () => {
    vi.stubEnv('PMEM2_REQUIRE_ORACLE', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requireOracle('the matrix', missing)).toEqual({ binary: null });
    expect(warn).toHaveBeenCalledWith('SKIPPED: the matrix — /usr/include/libpmem2.h not found');
  });

  it('without libpmem2 and PMEM2_REQUIRE_ORACLE=1 fails', () => {
    vi.stubEnv('PMEM2_REQUIRE_ORACLE', '1');
    expect(() => requireOracle('the matrix', missing)).toThrow(/PMEM2_REQUIRE_ORACLE=1/);
  });

  it('with a probe gives its path', () => {
    expect(requireOracle('the matrix', { ok: true, binary: '/x/probe' })).toEqual({
      binary: '/x/probe',
    });
  });
});
