// endurance.test.ts -- many mapNew/delete cycles, reservation cycles and persist calls leave
// resident memory, fds and /proc/self/maps at their baseline (CI sizes; `pnpm test:soak` runs
// the full 100,000 / 10,000 / 100,000)

import { describe, expect, it } from 'vitest';
import { answerOf, runChild, soak, tempDir } from './helpers.js';

const dir = tempDir('endurance');

interface Measure {
  rss: number;
  heapUsed: number;
  fds: number;
  maps: number;
  vmBytes: number;
  fileLines: number;
}

const MIB = 1024 * 1024;

// Tolerances (README.md "Endurance tolerances"): fds, mappings of the test file and registry
// entries exactly at baseline; total mapped address space within 64 MiB (one leaked mapping
// per 100 cycles would add hundreds of MiB with these sizes; V8 keeps up to a few dozen
// 256 KiB heap pages of its own); /proc/self/maps lines, V8's 256 KiB heap pages excepted,
// within 16 whatever the count (glibc malloc arenas of Node's threads, two lines each); RSS
// within 8 MiB per 1,000 cycles + 32 MiB (plain Node's open/fstat/close loop already retains
// ~0.8 MiB per 1,000 iterations in V8 page pools).
describe.each([
  ['map', soak ? 100_000 : 10_000],
  ['reservation', soak ? 10_000 : 1_000],
  ['persist', soak ? 100_000 : 10_000],
])('%s x %i', (kind, count) => {
  it('returns to the baseline', () => {
    const child = runChild('endurance.mjs', [kind, String(count), dir], {
      execArgv: ['--expose-gc'],
      timeout: soak ? 1_800_000 : 170_000,
    });
    const { baseline, end, registry } = answerOf<{
      baseline: Measure;
      end: Measure;
      registry: number;
    }>(child);
    expect(registry).toBe(0);
    expect(end.fds).toBe(baseline.fds);
    expect(end.fileLines).toBe(baseline.fileLines);
    expect(end.vmBytes - baseline.vmBytes).toBeLessThan(64 * MIB);
    expect(end.maps - baseline.maps).toBeLessThanOrEqual(16);
    expect(end.rss - baseline.rss).toBeLessThan((8 * MIB * count) / 1000 + 32 * MIB);
    expect(end.heapUsed - baseline.heapUsed).toBeLessThan(4 * MIB);
  });
});
