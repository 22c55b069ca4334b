// recovery.test.ts -- the demo's check of a recovered log: every committed record in order,
// content verified; records appended but not committed are not counted

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinearLog } from '@pmem2/log';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../src/records.js';
import { recoverLog } from '../src/recovery.js';

const dir = mkdtempSync(join(tmpdir(), 'pmem2-demo-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SIZE = 64;

function logWith(name: string, records: readonly Uint8Array[]): string {
  const path = join(dir, name);
  const log = LinearLog.create(path);
  for (const record of records) log.append(record);
  log.close(); // commits
  return path;
}

describe('recoverLog', () => {
  it('recover-cleanLog-allCommittedVerified', () => {
    const path = logWith(
      'clean',
      [0, 1, 2, 3, 4].map((i) => encodeRecord(i, SIZE)),
    );
    expect(recoverLog(path, SIZE)).toEqual({ committed: 5, corrupt: [] });
  });

  it('recover-recordOutOfSequence-reportsItsProblem', () => {
    const path = logWith('out-of-order', [encodeRecord(0, SIZE), encodeRecord(7, SIZE)]);
    expect(recoverLog(path, SIZE)).toEqual({
      committed: 2,
      corrupt: [{ index: 1, problem: 'sequence number 7, expected 1' }],
    });
  });

  it('recover-changedPayload-reportsIt', () => {
    const bad = encodeRecord(1, SIZE);
    bad[40] = (bad[40] as number) ^ 0xff;
    const path = logWith('changed', [encodeRecord(0, SIZE), bad]);
    expect(recoverLog(path, SIZE).corrupt).toEqual([
      { index: 1, problem: 'payload differs from what was written' },
    ]);
  });

  it('recover-appendedButNeverCommitted-notCounted', () => {
    const path = join(dir, 'uncommitted');
    const log = LinearLog.create(path, { autoCommit: false });
    log.append(encodeRecord(0, SIZE));
    log.commit();
    log.append(encodeRecord(1, SIZE)); // in the mapping, never committed
    // Reopen while this log is still mapped: the second record is not part of any group.
    expect(recoverLog(path, SIZE)).toEqual({ committed: 1, corrupt: [] });
    log.close();
  });
});
