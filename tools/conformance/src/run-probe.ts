// run-probe.ts -- runs a batch of cases through one probe process (the C side of the comparison)

import { spawnSync } from 'node:child_process';
import type { ConformanceCase, Outcome } from './case.js';
import type { Fixtures } from './fixtures.js';
import { decodeOutcome, encodeCase } from './probe-protocol.js';

/**
 * Runs every case through the probe binary in one process, each on freshly created files, and
 * returns the outcomes in case order. A probe crash is reported with the case it died on.
 */
export function runProbe(
  binary: string,
  cases: readonly ConformanceCase[],
  fixtures: Fixtures,
): Outcome[] {
  const paths = cases.map((c) => fixtures.prepare(c, 'c'));
  try {
    const input = cases.map((c, i) => `${encodeCase(c, paths[i] ?? '')}\n`).join('');
    const env = { ...process.env };
    delete env.PMEM2_FORCE_GRANULARITY;
    const run = spawnSync(binary, [], { input, env, encoding: 'utf8', maxBuffer: 256 << 20 });
    const lines = run.stdout.split('\n').filter((l) => l.length > 0);
    if (run.status !== 0 || lines.length !== cases.length) {
      const died = cases[lines.length];
      throw new Error(
        `probe exited with ${run.status ?? run.signal} after ${lines.length}/${cases.length} cases` +
          (died ? ` (on case ${died.id}: ${encodeCase(died, paths[lines.length] ?? '')})` : '') +
          `\n${run.stderr}`,
      );
    }
    return lines.map(decodeOutcome);
  } finally {
    for (const [i, c] of cases.entries()) fixtures.release(c, paths[i] ?? '');
  }
}
