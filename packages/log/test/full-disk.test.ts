// full-disk.test.ts -- a log on a full file system (a 256 KiB tmpfs, an 8 MiB ext4 in a
// private mount namespace): the blocks are allocated up front, so a full disk is LOG_FULL
// (ENOSPC) at create or grow, never a lost page; every commit that returned is recovered

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { quietAnswerOf, runOnSmallFileSystem, smallFileSystems } from '@pmem2/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const LOG = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SMALL = smallFileSystems('log');

/**
 * The child: a ring larger than the file system, then a linear log of 64 KiB segments that
 * appends 1000-byte records (a commit every 10) until an append throws; then reopens it.
 */
const SCRIPT = `
  import fs from 'node:fs';
  import { LinearLog, RingLog } from ${JSON.stringify(LOG)};
  const dir = process.argv[1];
  const caught = (f) => { try { f(); return null; } catch (e) { return { reason: e.reason, code: e.code, message: e.message }; } };
  const out = {};
  out.ring = caught(() => RingLog.create(dir + '/ring', { capacity: 16 << 20 }));
  out.ringLeft = fs.existsSync(dir + '/ring');
  const log = LinearLog.create(dir + '/linear', { segmentSize: 64 << 10 });
  const record = (i) => new Uint8Array(1000).fill(i & 0xff);
  let appended = 0;
  out.committed = 0;
  out.full = caught(() => {
    for (;;) {
      log.append(record(appended));
      appended++;
      if (appended % 10 === 0) { log.commit(); out.committed = appended; }
    }
  });
  out.appended = appended;
  caught(() => log.close()); // its commit may need room the disk no longer has
  const again = LinearLog.open(dir + '/linear');
  const records = [...again.records()].map((r) => r.data);
  out.recovered = records.length;
  out.intact = records.every((data, i) => data.length === 1000 && data.every((b) => b === (i & 0xff)));
  again.close();
  console.log(JSON.stringify(out));
`;

/** A LogError as the child saw it, or null when nothing was thrown. */
type Caught = { reason: string; code: string; message: string } | null;

/** What the child prints. */
interface FullDiskAnswer {
  ring: Caught;
  ringLeft: boolean;
  full: Caught;
  committed: number;
  appended: number;
  recovered: number;
  intact: boolean;
}

describe.each(SMALL)('a log on a full $name', (small) => {
  it.runIf(small.why === undefined)(
    'create and grow say LOG_FULL (ENOSPC); nothing is lost; every commit is recovered',
    () => {
      const base = mkdtempSync(join(tmpdir(), 'pmem2-log-full-'));
      dirs.push(base);
      const r = runOnSmallFileSystem(small, join(base, 'm'), SCRIPT);
      const out = quietAnswerOf<FullDiskAnswer>(r);
      const full = { reason: 'LOG_FULL', code: 'ENOSPC' };
      expect(out.ring).toMatchObject(full);
      expect(out.ring?.message).toMatch(/has no room for \d+ more bytes of the log; free space/);
      expect(out.ringLeft).toBe(false); // a failed create removes its file
      // the append that needed a new segment was refused before any store into it
      expect(out.full).toMatchObject(full);
      expect(out.full?.message).toMatch(/the file system of .* has no room/);
      expect(out.committed).toBeGreaterThan(0);
      // close's own commit may have taken the last appends too, never more
      expect(out.recovered).toBeGreaterThanOrEqual(out.committed);
      expect(out.recovered).toBeLessThanOrEqual(out.appended);
      expect(out.intact).toBe(true);
    },
  );
});
