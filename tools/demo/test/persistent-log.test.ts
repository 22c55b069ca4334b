// persistent-log.test.ts -- recovery trusts the tail: damaged committed records are reported,
// a complete record past the tail is seen but not counted

import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRecord, recordOffset } from '../src/log-format.js';
import { PersistentLog } from '../src/persistent-log.js';

const dir = mkdtempSync(join(tmpdir(), 'pmem2-log-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RECORD = 64;

function logWith(name: string, records: number): string {
  const path = join(dir, name);
  PersistentLog.create(path, 8, RECORD);
  const log = PersistentLog.open(path);
  for (let i = 0; i < records; i++) log.append();
  log.close();
  return path;
}

function pwrite(path: string, bytes: Uint8Array, offset: number): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

function recover(path: string) {
  const log = PersistentLog.open(path);
  try {
    return log.recover();
  } finally {
    log.close();
  }
}

describe('PersistentLog', () => {
  it('recover-cleanLog-allCommittedVerified', () => {
    expect(recover(logWith('clean', 5))).toEqual({
      committed: 5,
      corrupt: [],
      uncommittedAfterTail: false,
    });
  });

  it('recover-flippedPayloadByte-reportsCrcMismatch', () => {
    const path = logWith('flipped', 5);
    pwrite(path, new Uint8Array([0xff]), recordOffset(2, RECORD) + 40);
    const { committed, corrupt } = recover(path);
    expect(committed).toBe(5);
    expect(corrupt).toEqual([
      { index: 2, problem: expect.stringMatching(/^crc32 0x[0-9a-f]{8}, computed/) },
    ]);
  });

  it('recover-recordPastTail-seenButNotCommitted', () => {
    const path = logWith('past-tail', 3);
    pwrite(path, encodeRecord(3, RECORD), recordOffset(3, RECORD));
    expect(recover(path)).toEqual({ committed: 3, corrupt: [], uncommittedAfterTail: true });
  });

  it('append-fullLog-throws', () => {
    const path = logWith('full', 8);
    const log = PersistentLog.open(path);
    try {
      expect(() => log.append()).toThrow(/full \(8 records\)/);
    } finally {
      log.close();
    }
  });
});
