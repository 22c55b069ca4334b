// past-eof.test.ts -- mapNew refuses a range past the end of a regular file, whoever calls it
// (issue 16 item 4: such a mapping's pages past the end raise SIGBUS when touched)

import { afterAll, describe, expect, it } from 'vitest';
import { childJson, E, FILESYSTEMS, scratchDir } from './helpers.js';

describe.each(FILESYSTEMS)(
  'mapNew called directly, as a hostile user would, on $name',
  ({ root }) => {
    const { dir, cleanup } = scratchDir(root);
    afterAll(cleanup);

    it('answers PMEM2_E_MAP_RANGE past the end of the file and the process lives', () => {
      const r = childJson<{
        statuses: Record<string, number>;
        steps: Record<string, number>;
        mapped: boolean;
      }>(`
      import fs from 'node:fs';
      const path = ${JSON.stringify(dir)} + '/eof-' + process.pid;
      fs.writeFileSync(path, Buffer.alloc(8192, 1));
      const fd = fs.openSync(path, 'r+');
      const RW = 2 ** 30 + 2 ** 31;
      const result = new Float64Array(6);
      const statuses = {}, steps = {};
      const attempt = (name, offset, length, privateMapping = false) => {
        const got = binding.mapNew(fd, offset, length, RW, privateMapping, 4096, null, 0n, 2, null, result);
        statuses[name] = typeof got === 'number' ? got : 0;
        steps[name] = result[5];
        if (typeof got !== 'number') {
          new Uint8Array(binding.mapBuffer(got)).fill(2); // SIGBUS if a page is past the end
          binding.mapDelete(got);
        }
      };
      attempt('twice the file', 0n, 16384n);
      attempt('one byte more', 0n, 8193n);
      attempt('offset + length past the end', 4096n, 8192n);
      attempt('private, past the end', 0n, 16384n, true);
      attempt('offset past the end', 12288n, 4096n);
      attempt('huge offset', 2n ** 62n, 4096n);
      attempt('offset at the end, length 0 (mmap: EINVAL)', 8192n, 0n);
      attempt('the whole file', 0n, 8192n);
      attempt('the last page', 4096n, 4096n);
      fs.ftruncateSync(fd, 4096);
      attempt('the whole file after truncation', 0n, 8192n);
      const maps = fs.readFileSync('/proc/self/maps', 'utf8');
      fs.closeSync(fd);
      fs.unlinkSync(path);
      console.log(JSON.stringify({ statuses, steps, mapped: maps.includes(path) }));
    `);
      expect(r.statuses).toEqual({
        'twice the file': E.MAP_RANGE,
        'one byte more': E.MAP_RANGE,
        'offset + length past the end': E.MAP_RANGE,
        'private, past the end': E.MAP_RANGE,
        'offset past the end': E.MAP_RANGE,
        'huge offset': E.MAP_RANGE,
        'offset at the end, length 0 (mmap: EINVAL)': -22,
        'the whole file': 0,
        'the last page': 0,
        'the whole file after truncation': E.MAP_RANGE,
      });
      // refused before any system call (step 'none'); the zero-length mmap fails in 'mmap'
      expect(r.steps['twice the file']).toBe(0);
      expect(r.steps['offset at the end, length 0 (mmap: EINVAL)']).toBe(2);
      expect(r.mapped).toBe(false);
    });
  },
);

describe('a file descriptor mapNew cannot fstat', () => {
  it('fails as the mmap of the source would: -EBADF in the mmap step', () => {
    const r = childJson<{ status: number; step: number }>(`
      const result = new Float64Array(6);
      const status = binding.mapNew(1000000, 0n, 4096n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2,
        null, result);
      console.log(JSON.stringify({ status, step: result[5] }));
    `);
    expect(r).toEqual({ status: -9, step: 2 });
  });
});
