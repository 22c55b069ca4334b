// parsers.test.mjs -- the runner's readers of readelf, objdump, vitest and smoke output
import { describe, expect, it } from 'vitest';
import { compareVersions, countArm64FlushInstructions, parseReadelf } from '../lib/elf.mjs';
import { checkMuslLibraries } from '../lib/musl-runtime.mjs';
import { judgeSmokeFile, parseSmokeResult } from '../lib/smoke-cell.mjs';
import { failedTestNames, parseVitestSummary } from '../lib/vitest-suite.mjs';

describe('parseReadelf', () => {
  const glibcText = `ELF Header:
  Machine:                           AArch64
Dynamic section at offset 0x1d8 contains 24 entries:
 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
 0x0000000000000001 (NEEDED)             Shared library: [ld-linux-aarch64.so.1]
Version needs section '.gnu.version_r' contains 1 entry:
  0x0000: Version: 1  File: libc.so.6  Cnt: 3
  0x0010:   Name: GLIBC_2.34  Flags: none  Version: 4
  0x0020:   Name: GLIBC_2.17  Flags: none  Version: 3
  0x0030:   Name: GLIBC_2.28  Flags: none  Version: 2`;

  it('reads the machine, NEEDED entries and sorts glibc versions numerically', () => {
    expect(parseReadelf(glibcText)).toEqual({
      machine: 'AArch64',
      needed: ['libc.so.6', 'ld-linux-aarch64.so.1'],
      glibc: ['GLIBC_2.17', 'GLIBC_2.28', 'GLIBC_2.34'],
    });
  });

  it('finds no glibc versions in a musl-linked object', () => {
    const musl = `  Machine:                           Advanced Micro Devices X86-64
 0x0000000000000001 (NEEDED)             Shared library: [libc.so]`;
    expect(parseReadelf(musl)).toEqual({
      machine: 'Advanced Micro Devices X86-64',
      needed: ['libc.so'],
      glibc: [],
    });
  });

  it('compares dotted versions as numbers, not strings', () => {
    expect(compareVersions('2.9', '2.17')).toBeLessThan(0);
    expect(compareVersions('2.34', '2.34')).toBe(0);
    expect(compareVersions('2.4.1', '2.4')).toBeGreaterThan(0);
  });
});

describe('countArm64FlushInstructions', () => {
  it('counts dc cvap/cvac/civac and dmb ishst, and nothing else', () => {
    const dis = `
  10:	dc	cvap, x0
  14:	dc	cvac, x1
  18:	dc	cvac, x1
  1c:	dmb	ishst
  20:	dc	zva, x2
  24:	dmb	ish
  28:	dsb	ish`;
    expect(countArm64FlushInstructions(dis)).toEqual({
      'dc cvap': 1,
      'dc cvac': 2,
      'dc civac': 0,
      'dmb ishst': 1,
    });
  });
});

describe('parseVitestSummary', () => {
  it('adds up passed, failed, skipped and todo from the last Tests line', () => {
    const out = ` Test Files  1 failed | 2 passed (3)
      Tests  2 failed | 40 passed | 3 skipped | 1 todo (46)
   Start at  23:01:02`;
    expect(parseVitestSummary(out)).toEqual({ passed: 40, failed: 2, skipped: 4 });
  });

  it('ignores colour codes and returns undefined without a summary', () => {
    expect(parseVitestSummary('\u001b[2m      Tests \u001b[22m 5 passed (5)')).toEqual({
      passed: 5,
      failed: 0,
      skipped: 0,
    });
    expect(parseVitestSummary('Error: No test files found')).toBeUndefined();
  });

  it('lists the failed test names once each', () => {
    const out = ` FAIL  test/a.test.ts > maps a file
 × test/a.test.ts > maps a file
 ✓ test/b.test.ts > fine`;
    expect(failedTestNames(out)).toEqual(['test/a.test.ts > maps a file']);
  });
});

describe('smoke results', () => {
  const result = {
    runtime: { name: 'node', version: '24.21.0', arch: 'x64', napi: '10' },
    prebuild: 'prebuilds/linux-x64/@pmem2+native.node',
    libraries: ['/usr/lib/x86_64-linux-gnu/libc.so.6'],
    ok: false,
    files: [
      { file: '/a', ok: true, steps: [{ name: 'page: map', ok: true }] },
      {
        file: '/b',
        ok: false,
        steps: [{ name: 'page: map', ok: false, error: 'Pmem2Error [EACCES]: no' }],
      },
    ],
  };

  it('takes the last SMOKE-RESULT line among other output', () => {
    const out = `warning\nSMOKE-RESULT {"ok":false}\nnoise\nSMOKE-RESULT ${JSON.stringify(result)}\n`;
    expect(parseSmokeResult(out)).toEqual(result);
    expect(parseSmokeResult('crashed before printing')).toBeUndefined();
  });

  it('passes a file whose steps all passed with the expected prebuild', () => {
    const judged = judgeSmokeFile(result, '/a', 'prebuilds/linux-x64/@pmem2+native.node');
    expect(judged.ok).toBe(true);
    expect(judged.detail).toContain('node 24.21.0 x64 napi 10');
  });

  it('fails a file with a failed step, naming the step and the error', () => {
    const judged = judgeSmokeFile(result, '/b', 'prebuilds/linux-x64/@pmem2+native.node');
    expect(judged).toEqual({ ok: false, detail: 'page: map: Pmem2Error [EACCES]: no' });
  });

  it('fails when another prebuild was loaded or a library check complains', () => {
    expect(judgeSmokeFile(result, '/a', 'prebuilds/linux-arm64/@pmem2+native.node').ok).toBe(false);
    const judged = judgeSmokeFile(result, '/a', result.prebuild, (libs) =>
      libs.some((l) => l.endsWith('libc.so.6')) ? 'glibc is mapped' : undefined,
    );
    expect(judged).toEqual({ ok: false, detail: 'glibc is mapped' });
  });
});

describe('checkMuslLibraries', () => {
  // What /proc/self/maps lists under each musl row (the arm64 one as qemu-user shows the guest).
  const maps = {
    x64: ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30', '/usr/lib/x86_64-linux-musl/libc.so'],
    arm64: [
      '/usr/aarch64-linux-gnu/lib/libstdc++.so.6.0.30',
      '/usr/lib/aarch64-linux-musl/libc.so',
      '/usr/aarch64-linux-gnu/lib/libgcc_s.so.1',
    ],
  };

  it("accepts musl's libc of that architecture beside the glibc-built C++ runtime", () => {
    expect(checkMuslLibraries('x64')(maps.x64)).toBeUndefined();
    expect(checkMuslLibraries('arm64')(maps.arm64)).toBeUndefined();
  });

  it("rejects the other architecture's musl and a mapped glibc libc.so.6 or loader", () => {
    expect(checkMuslLibraries('arm64')(maps.x64)).toMatch(/^musl's libc is not mapped/);
    expect(
      checkMuslLibraries('arm64')([...maps.arm64, '/usr/aarch64-linux-gnu/lib/libc.so.6']),
    ).toBe('glibc is mapped: /usr/aarch64-linux-gnu/lib/libc.so.6');
    expect(checkMuslLibraries('x64')([...maps.x64, '/lib64/ld-linux-x86-64.so.2'])).toBe(
      'glibc is mapped: /lib64/ld-linux-x86-64.so.2',
    );
  });
});
