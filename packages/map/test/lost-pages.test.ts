// lost-pages.test.ts -- a truncated file under a map: the process lives, calls throw PMEM2_E_IO_FAIL

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dist = (pkg: string) =>
  pathToFileURL(join(import.meta.dirname, '..', '..', pkg, 'dist', 'index.js')).href;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.each([tmpdir(), '/dev/shm'])('under %s', (root) => {
  it('JS reads of lost pages give zeros; persist and read throw a typed error naming the range', () => {
    const dir = mkdtempSync(join(root, 'pmem2-lost-'));
    dirs.push(dir);
    const path = join(dir, 'file');
    const script = `
      import fs from 'node:fs';
      import { Config, Granularity } from ${JSON.stringify(dist('config'))};
      import { Source } from ${JSON.stringify(dist('source'))};
      import { mapNew } from ${JSON.stringify(dist('map'))};
      fs.writeFileSync(${JSON.stringify(path)}, Buffer.alloc(4 * 4096, 1));
      const src = Source.fromPath(${JSON.stringify(path)});
      const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
      const view = map.bytes();
      fs.truncateSync(${JSON.stringify(path)}, 4096);
      const zeros = Buffer.compare(Buffer.from(view.buffer, 8192, 4096), Buffer.alloc(4096));
      const err = (f) => { try { f(); return null; } catch (e) { return { code: e.code, message: e.message }; } };
      const out = {
        zeros,
        persist: err(() => map.persist(0, 4096)),
        again: err(() => map.persist(0, 4096)),
        read: err(() => map.read(8192, 1)),
        lost: map.lostRanges,
      };
      map.delete();
      src.delete();
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect({ signal: r.signal, status: r.status }).toEqual({ signal: null, status: 0 });
    const out = JSON.parse(r.stdout);
    expect(out.zeros).toBe(0);
    expect(out.persist.code).toBe('PMEM2_E_IO_FAIL');
    expect(out.persist.message).toContain('offset 8192, length 4096 (truncated)');
    expect(out.again).toBeNull(); // reported once; [0, 4096) is not lost
    expect(out.read.code).toBe('PMEM2_E_IO_FAIL');
    expect(out.lost).toEqual([{ offset: 8192, length: 4096, cause: 'truncated' }]);
  });
});
