// log-report.test.ts -- table 6b and the log targets on made-up rows: every peer's rate, the
// ratios of @pmem2/log and of the C program, and what is missing

import { describe, expect, it } from 'vitest';
import { logComparisonTable } from '../src/log-report.js';
import { logTargets } from '../src/log-targets.js';
import { summarize } from '../src/stats.js';
import type { FsKind, GranularityMode, Peer, RowResult } from '../src/types.js';

/** A finished log row whose every sample took `ns` per record (null: no figures). */
function row(fs: FsKind, granularity: GranularityMode, peer: Peer, ns: number | null): RowResult {
  const id = `log.${fs}.${granularity}.64B.g16.${peer}`;
  return {
    case: {
      id,
      workload: 'log',
      peer,
      fs,
      granularity,
      path: '/nowhere',
      size: 1 << 20,
      len: 64,
      flags: 16,
      batch: 1,
      targetSampleMs: 1,
      samples: 3,
      warmup: 0,
      metric: 'records',
      baseline: peer === 'c-log' ? null : `log.${fs}.${granularity}.64B.g16.c-log`,
      label: 'append + commit, 64 B, groups of 16',
    },
    status: ns === null ? 'skipped' : 'ok',
    reason: ns === null ? 'skipped: not built' : null,
    effectiveGranularity: granularity,
    batches: [1],
    nsPerOp: ns === null ? [] : [ns, ns, ns],
    stats: ns === null ? null : summarize([ns, ns, ns], 'records', 64),
    ratio: null,
    ratioP10: null,
  };
}

const rows = [
  row('ext4', 'PAGE', 'c-log', 400), // 2,500,000 records/s
  row('ext4', 'PAGE', 'js-log', 500),
  row('ext4', 'PAGE', 'node-fs', 200),
  row('ext4', 'PAGE', 'mmap-io', null),
  row('tmpfs', 'BYTE', 'c-log', 100),
  row('tmpfs', 'BYTE', 'js-log', 250),
  row('tmpfs', 'BYTE', 'c-log-hwcrc', 200),
];

describe('table 6b', () => {
  it('logComparisonTable-everyPeerOfAUnit-ratesAndRatiosOnOneLine', () => {
    const lines = logComparisonTable(rows).split('\n');
    const ext4 = lines.find((l) => l.startsWith('| ext4 | PAGE | 64 B | 16 |'));
    expect(ext4?.split('|').map((c) => c.trim())).toEqual([
      '',
      'ext4',
      'PAGE',
      '64 B',
      '16',
      '2,500,000',
      '2,000,000',
      '5,000,000',
      '–', // mmap-io skipped
      '0.80×', // log/C
      '0.40×', // log/node:fs
      '–',
      '0.50×', // C/node:fs: the C program loses too
      '–',
      '–', // no C row with the native CRC
      '–',
      '',
    ]);
    const byte = lines.find((l) => l.startsWith('| tmpfs | BYTE |'));
    expect(byte).toContain(
      '| 10,000,000 | 4,000,000 | – | – | 0.40× | – | – | – | – | 5,000,000 | 0.80× |',
    );
  });

  it('logComparisonTable-noLogRows-nothing', () => {
    expect(logComparisonTable([])).toBe('');
  });
});

describe('the log targets', () => {
  it('logTargets-againstANodePeer-namesTheCProgramsOwnRatio', () => {
    const targets = logTargets(rows);
    const fs = targets.find((t) => t.target.endsWith('vs node-fs'));
    expect(fs).toMatchObject({ status: 'missed', measured: 0.4 });
    expect(fs?.row).toMatch(/\(C program: 0\.50×\)$/);
    const c = targets.find((t) => t.target.endsWith('vs C') && t.row.includes('ext4'));
    expect(c).toMatchObject({ status: 'met', measured: 0.8 });
    expect(c?.row).not.toMatch(/C program/);
    // mmap-io has no figures: judged as not measured, not as missed
    expect(targets.find((t) => t.target.endsWith('vs mmap-io'))?.status).toBe('not measured');
  });
});
