// guard.test.ts -- a SIGBUS on our mapping is repaired and reported as PMEM2_E_IO_FAIL; others still kill

import { afterAll, describe, expect, it } from 'vitest';
import { E, FILESYSTEMS, runChild, scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir(FILESYSTEMS[0].root);
afterAll(cleanup);

/**
 * Child source defining forced(granularity, fd, protection): a shared 8 KiB mapping of fd whose
 * granularity PMEM2_FORCE_GRANULARITY forces (native decides it at mapNew; nothing sets it later).
 */
const FORCED_MAP = `
  const forced = (granularity, fd, protection) => {
    process.env.PMEM2_FORCE_GRANULARITY = granularity;
    const h = binding.mapNew(fd, 0n, 8192n, protection, false, 4096, null, 0n, 2, null,
      new Float64Array(6));
    delete process.env.PMEM2_FORCE_GRANULARITY;
    if (typeof h === 'number') throw new Error('mapNew failed with ' + h);
    return h;
  };`;

/** A child that maps a 2-page file, truncates it to 0 under the mapping, then runs `then`. */
function truncatedChild(then: string): ReturnType<typeof runChild> {
  return runChild(`
    import fs from 'node:fs';
    const p = ${JSON.stringify(`${dir}/truncated`)} + process.pid;
    fs.writeFileSync(p, Buffer.alloc(8192, 1));
    const fd = fs.openSync(p, 'r+');
    ${FORCED_MAP}
    const m = forced('CACHE_LINE', fd, 2 ** 30 + 2 ** 31);
    const byteMap = forced('BYTE', fd, 2 ** 30 + 2 ** 31);
    const pageMap = forced('PAGE', fd, 2 ** 30 + 2 ** 31);
    const view = new Uint8Array(binding.mapBuffer(m));
    fs.ftruncateSync(fd, 0);
    const r = {
      memset: binding.memset(m, 0, 1, 100, 0),
      memcpy: binding.memcpy(m, 10, new Uint8Array(300), 2),
      memmove: binding.memmove(m, 0, 4096, 100, 0),
      read: binding.read(m, 0, new Uint8Array(10)),
      persist: binding.persist(m, 0, 100),
      flush: binding.flush(m, 0, 8192),
    };
    // a JS load of a lost page of each (the handler repairs it), then their persists
    for (const other of [byteMap, pageMap]) void new Uint8Array(binding.mapBuffer(other))[4096];
    r.bytePersist = binding.persist(byteMap, 0, 8192);
    r.byteFlush = binding.flush(byteMap, 0, 8192);
    r.pagePersist = binding.persist(pageMap, 0, 8192);
    const other = binding.mapNew(-1, 0n, 4096n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null,
      new Float64Array(6));
    r.afterwards = binding.memset(other, 0, 1, 10, 0);
    r.lost = binding.mapLost(m);
    r.deleted = binding.mapDelete(m) || binding.mapDelete(byteMap) || binding.mapDelete(pageMap);
    console.log(JSON.stringify(r));
    ${then}
  `);
}

describe('the SIGBUS handler', () => {
  it('repairs a fault inside a native call, reports PMEM2_E_IO_FAIL and the process goes on', () => {
    const r = truncatedChild("setTimeout(() => console.log('survived'), 10);");
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toEqual({
      memset: E.IO_FAIL,
      memcpy: E.IO_FAIL,
      memmove: E.IO_FAIL,
      read: E.IO_FAIL,
      persist: E.IO_FAIL,
      flush: E.IO_FAIL,
      // an sfence (BYTE) or an msync (PAGE) does not fault, but the range is over lost pages
      bytePersist: E.IO_FAIL,
      byteFlush: E.IO_FAIL,
      pagePersist: E.IO_FAIL,
      afterwards: 0,
      lost: [{ offset: 0, length: 8192, cause: 'truncated' }],
      deleted: 0,
    });
    expect(lines[1]).toBe('survived');
  });

  it('repairs a JS load and store on a truncated page: zeros, anonymous memory, the next call reports it', () => {
    const r = runChild(`
      import fs from 'node:fs';
      const p = ${JSON.stringify(`${dir}/touched`)} + process.pid;
      fs.writeFileSync(p, Buffer.alloc(3 * 4096, 1));
      const fd = fs.openSync(p, 'r+');
      const m = binding.mapNew(fd, 0n, 12288n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null,
        new Float64Array(6));
      const view = new Uint8Array(binding.mapBuffer(m));
      fs.ftruncateSync(fd, 4096);
      const before = binding.mapLost(m).length;
      view[8192] = 5;
      const out = {
        before,
        stored: view[8192],
        read: view[4096],
        compare: Buffer.compare(Buffer.from(view.buffer, 4096, 4096), Buffer.alloc(4096)),
        kept: view[0],
        first: binding.persist(m, 0, 1),
        untouched: binding.persist(m, 0, 1),
        over: binding.read(m, 8192, new Uint8Array(1)),
        lost: binding.mapLost(m),
      };
      console.log(JSON.stringify(out));
      binding.mapDelete(m);
      fs.rmSync(p);
    `);
    expect(r.signal).toBeNull();
    expect(JSON.parse(r.stdout)).toEqual({
      before: 0,
      // the store landed on the anonymous page (the file no longer has that page)
      stored: 5,
      read: 0,
      compare: 0,
      kept: 1,
      first: E.IO_FAIL,
      untouched: 0,
      over: E.IO_FAIL,
      lost: [{ offset: 4096, length: 8192, cause: 'truncated' }],
    });
  });

  it('chains unrelated SIGSEGV and SIGBUS to the previous disposition', () => {
    for (const sig of ['SIGSEGV', 'SIGBUS'] as const) {
      const r = runChild(
        `binding.pageSize(); process.kill(process.pid, '${sig}'); setTimeout(() => console.log('survived'), 200);`,
      );
      expect(r.signal).toBe(sig);
      expect(r.stdout).not.toContain('survived');
    }
  });

  // The SIGSEGV guard is gone: native refuses a cache-line flush without READ before it runs.
  it('refuses a cache-line flush of a PROT_NONE map with PMEM2_E_NO_ACCESS (no fault)', () => {
    const r = runChild(`
      import fs from 'node:fs';
      const p = ${JSON.stringify(`${dir}/prot-none`)} + process.pid;
      fs.writeFileSync(p, Buffer.alloc(8192));
      const fd = fs.openSync(p, 'r+');
      fs.unlinkSync(p);
      ${FORCED_MAP}
      const m = forced('CACHE_LINE', fd, 0);
      const pageMap = forced('PAGE', fd, 0);
      const out = [binding.persist(m, 0, 64), binding.flush(m, 4096, 64), binding.read(m, 0, new Uint8Array(1))];
      out.push(binding.persist(pageMap, 0, 64), binding.mapDelete(m) || binding.mapDelete(pageMap));
      console.log(JSON.stringify(out));
    `);
    expect(r.signal).toBeNull();
    expect(JSON.parse(r.stdout)).toEqual([E.NO_ACCESS, E.NO_ACCESS, E.NO_ACCESS, 0, 0]);
  });
});
