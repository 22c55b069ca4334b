// oracle.test.ts -- the setters give the same return values and messages as the real libpmem2

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Pmem2Error } from '@pmem2/errors';
import { buildOracle } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { Config, type Granularity, Protection, type Sharing } from '../src/index.js';

const oracle = buildOracle(join(import.meta.dirname, 'fixtures', 'config-oracle.c'), {
  what: 'the libpmem2 oracle for pmem2_config setters',
  flags: ['-std=gnu11', '-Werror'],
});

type Setter = 'granularity' | 'offset' | 'length' | 'protection' | 'sharing' | 'vm_reservation';

/** One setter call: the argument as TypeScript passes it and as C receives it. */
interface Call {
  readonly setter: Setter;
  readonly ts: number | bigint;
  readonly c: string;
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The same value on both sides. */
function same(setter: Setter, value: number | bigint): Call {
  return { setter, ts: value, c: String(value) };
}

const CALLS: readonly Call[] = [
  ...[-1, 0, 1, 2, 3, 999, -(2 ** 31), 2 ** 31 - 1].map((g) => same('granularity', g)),
  ...[0n, 4096n, (INT64_MAX / 4096n) * 4096n, INT64_MAX, INT64_MAX + 1n, UINT64_MAX].map((o) =>
    same('offset', o),
  ),
  same('offset', 4096), // a number
  { setter: 'offset', ts: -1, c: String(UINT64_MAX) }, // C sees a negative as a huge size_t
  { setter: 'offset', ts: -4096n, c: String(2n ** 64n - 4096n) },
  ...[0n, 4096n, INT64_MAX + 1n, UINT64_MAX].map((l) => same('length', l)),
  ...[
    Protection.NONE,
    Protection.EXEC,
    Protection.READ,
    Protection.WRITE,
    Protection.READ + Protection.WRITE,
    Protection.EXEC + Protection.READ + Protection.WRITE,
    1,
    2,
    4,
    2 ** 28,
    0x1fff_ffff,
    0xffff_ffff,
    Protection.READ + 1,
  ].map((p) => same('protection', p)),
  // JavaScript's | gives a negative number when WRITE is set; C converts int to unsigned
  { setter: 'protection', ts: Protection.READ | Protection.WRITE, c: '3221225472' },
  { setter: 'protection', ts: -1, c: '4294967295' },
  ...[-1, 0, 1, 2, 777, -(2 ** 31), 2 ** 31 - 1].map((s) => same('sharing', s)),
  ...[0n, 1n, 4096n, UINT64_MAX].map((o) => same('vm_reservation', o)),
];

/** Runs one call on a TypeScript config and reports it as the C program does. */
function runTs(cfg: Config, call: Call): string {
  try {
    switch (call.setter) {
      case 'granularity':
        cfg.setRequiredStoreGranularity(call.ts as Granularity);
        break;
      case 'offset':
        cfg.setOffset(call.ts);
        break;
      case 'length':
        cfg.setLength(call.ts);
        break;
      case 'protection':
        cfg.setProtection(call.ts as number);
        break;
      case 'sharing':
        cfg.setSharing(call.ts as Sharing);
        break;
      case 'vm_reservation':
        cfg.setVmReservation(null, call.ts);
        break;
    }
    return '0\t';
  } catch (e) {
    if (!(e instanceof Pmem2Error)) throw e;
    return `${e.errno}\t${e.libpmem2Message}`;
  }
}

describe.runIf(oracle !== undefined)('pmem2_config setters against libpmem2 1.12.1', () => {
  it('give the same return value and pmem2_errormsg() for every edge input', () => {
    const out = execFileSync(
      oracle as string,
      CALLS.map((call) => `${call.setter}:${call.c}`),
      {
        encoding: 'utf8',
      },
    );
    const fromC = out.split('\n').slice(0, -1);
    expect(fromC).toHaveLength(CALLS.length);
    const cfg = new Config();
    const fromTs = CALLS.map((call) => runTs(cfg, call));
    const rows = CALLS.map((call, i) => ({ call: `${call.setter}(${call.c})`, c: fromC[i] }));
    expect(CALLS.map((call, i) => ({ call: `${call.setter}(${call.c})`, c: fromTs[i] }))).toEqual(
      rows,
    );
    // the table covers both outcomes of every setter that can fail
    for (const setter of ['granularity', 'offset', 'protection', 'sharing']) {
      const results = fromC.filter((_, i) => CALLS[i]?.setter === setter);
      expect(results.some((r) => r.startsWith('0\t'))).toBe(true);
      expect(results.some((r) => r.startsWith('-1000'))).toBe(true);
    }
  });
});
