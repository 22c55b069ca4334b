// lost-pages.test.ts -- a truncated file, or a hole on a full tmpfs or ext4, under a map (also
// one placed over a range delete parked): the process lives, PMEM2_E_IO_FAIL names the pages

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runOnSmallFileSystem, smallFileSystems } from '@pmem2/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const dist = (pkg: string) =>
  pathToFileURL(join(import.meta.dirname, '..', '..', pkg, 'dist', 'index.js')).href;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A path `file` in a new directory under `root` that afterAll removes. */
function fileIn(root: string, prefix: string): string {
  const dir = mkdtempSync(join(root, prefix));
  dirs.push(dir);
  return join(dir, 'file');
}

/** Runs the module `script` in a child that must exit 0, no signal; its JSON line. */
function runSurviving(script: string) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toMatchObject({
    signal: null,
    status: 0,
  });
  return JSON.parse(r.stdout);
}

describe.each([tmpdir(), '/dev/shm'])('under %s', (root) => {
  it('JS reads of lost pages give zeros; persist and read throw a typed error naming the range', () => {
    const path = fileIn(root, 'pmem2-lost-');
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
    expect(out.persist.message).toMatch(/; truncated: restore the file size and map again$/);
    expect(out.again).toBeNull(); // reported once; [0, 4096) is not lost
    expect(out.read.code).toBe('PMEM2_E_IO_FAIL');
    expect(out.lost).toEqual([{ offset: 8192, length: 4096, cause: 'truncated' }]);
  });

  it('a BYTE map, whose persist is a JavaScript fence, still reports the loss on the next persist', () => {
    const path = fileIn(root, 'pmem2-lost-byte-');
    const script = `
      import fs from 'node:fs';
      import { Config, Granularity } from ${JSON.stringify(dist('config'))};
      import { binding } from ${JSON.stringify(dist('native'))};
      import { Source } from ${JSON.stringify(dist('source'))};
      import { mapNew } from ${JSON.stringify(dist('map'))};
      fs.writeFileSync(${JSON.stringify(path)}, Buffer.alloc(4 * 4096, 1));
      process.env.PMEM2_FORCE_GRANULARITY = 'BYTE';
      const src = Source.fromPath(${JSON.stringify(path)});
      const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.BYTE), src);
      const err = (f) => { try { f(); return null; } catch (e) { return { code: e.code, message: e.message }; } };
      const out = { granularity: map.storeGranularity, repairsBefore: binding.faultRepairs[0] };
      out.before = err(() => map.persist(0, 64));
      const view = map.bytes();
      fs.truncateSync(${JSON.stringify(path)}, 4096);
      view[8192] = 7; // repaired by the SIGBUS handler: anonymous memory now
      out.repairsAfter = binding.faultRepairs[0];
      out.persist = err(() => map.persist(0, 64));
      out.over = err(() => map.persist(8192, 64));
      out.flush = err(() => map.flush(8192, 1));
      out.elsewhere = err(() => map.persist(0, 64));
      map.delete();
      src.delete();
      console.log(JSON.stringify(out));
    `;
    const out = runSurviving(script);
    expect(out).toMatchObject({ granularity: 0, repairsBefore: 0, before: null, repairsAfter: 1 });
    expect(out.persist.code).toBe('PMEM2_E_IO_FAIL'); // the new loss, reported once
    expect(out.persist.message).toContain('offset 8192, length 4096 (truncated)');
    expect(out.over.code).toBe('PMEM2_E_IO_FAIL'); // a range over the lost page
    expect(out.flush.code).toBe('PMEM2_E_IO_FAIL');
    expect(out.elsewhere).toBeNull();
  });

  it("a lost page on one BYTE map sends only that map's persist native: another keeps its JavaScript fence", () => {
    const pathA = fileIn(root, 'pmem2-lost-a-');
    const pathB = fileIn(root, 'pmem2-lost-b-');
    const script = `
      import fs from 'node:fs';
      import { Config, Granularity } from ${JSON.stringify(dist('config'))};
      import { Source } from ${JSON.stringify(dist('source'))};
      import { mapNew } from ${JSON.stringify(dist('map'))};
      import { jsFenceCount } from ${JSON.stringify(dist('map').replace('index.js', 'persist-ops.js'))};
      process.env.PMEM2_FORCE_GRANULARITY = 'BYTE';
      const open = (path) => {
        fs.writeFileSync(path, Buffer.alloc(4 * 4096, 1));
        const src = Source.fromPath(path);
        return { src, map: mapNew(new Config().setRequiredStoreGranularity(Granularity.BYTE), src) };
      };
      const a = open(${JSON.stringify(pathA)});
      const b = open(${JSON.stringify(pathB)});
      const err = (f) => { try { f(); return null; } catch (e) { return e.code; } };
      const fences = (f) => { const n = jsFenceCount(); const e = err(f); return { e, fences: jsFenceCount() - n }; };
      const out = { a: fences(() => a.map.persist(0, 64)), b: fences(() => b.map.persist(0, 64)) };
      fs.truncateSync(${JSON.stringify(pathA)}, 4096);
      a.map.bytes()[8192] = 7; // repaired by the SIGBUS handler
      out.bAfter = fences(() => b.map.persist(0, 64));
      out.aAfter = fences(() => a.map.persist(0, 64));
      out.aAgain = fences(() => a.map.persist(0, 64));
      b.map.delete();
      out.bDeleted = fences(() => b.map.persist(0, 64));
      a.map.delete();
      a.src.delete();
      b.src.delete();
      console.log(JSON.stringify(out));
    `;
    const out = runSurviving(script);
    const js = process.arch === 'x64' ? 1 : 0; // the JavaScript fence is x86_64's
    expect(out.a).toEqual({ e: null, fences: js });
    expect(out.b).toEqual({ e: null, fences: js });
    expect(out.bAfter).toEqual({ e: null, fences: js }); // A's loss leaves B in JavaScript
    expect(out.aAfter).toEqual({ e: 'PMEM2_E_IO_FAIL', fences: 0 }); // native, reports it
    expect(out.aAgain).toEqual({ e: null, fences: 0 }); // reported once; still native
    expect(out.bDeleted).toEqual({ e: 'PMEM2_E_MAPPING_NOT_FOUND', fences: 0 });
  });
});

describe('a mapping placed where delete parked another one', () => {
  it('in a reservation: refused while parked for a live buffer; once collected, it reports its own losses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmem2-parked-'));
    dirs.push(dir);
    const script = `
      import fs from 'node:fs';
      import { Config, Granularity } from ${JSON.stringify(dist('config'))};
      import { Source } from ${JSON.stringify(dist('source'))};
      import { mapNew, VmReservation } from ${JSON.stringify(dist('map'))};
      const [a, b] = ['a', 'b'].map((n) => ${JSON.stringify(dir)} + '/' + n);
      fs.writeFileSync(a, Buffer.alloc(1 << 20, 1));
      fs.writeFileSync(b, Buffer.alloc(1 << 20, 2));
      const rsv = VmReservation.new(2 << 20);
      const cfg = () => new Config().setRequiredStoreGranularity(Granularity.PAGE).setVmReservation(rsv, 0);
      const [sa, sb] = [a, b].map((p) => Source.fromPath(p));
      const first = mapNew(cfg(), sa);
      let kept = first.buffer; // a live ArrayBuffer object: delete parks the range
      const where = first.address;
      first.delete();
      const code = (f) => { try { f(); return null; } catch (e) { return e.code; } };
      const detached = kept.byteLength;
      const whileParked = code(() => mapNew(cfg(), sb)); // a task could still write there
      kept = undefined;
      let second;
      for (let i = 0; i < 100 && second === undefined; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10));
        try { second = mapNew(cfg(), sb); } catch (e) { if (e.code !== 'PMEM2_E_MAPPING_EXISTS') throw e; }
      }
      const view = second.bytes();
      fs.truncateSync(b, 4096);
      const out = { whileParked, same: second.address === where, detached, read: view[8192],
        lost: second.lostRanges, persist: code(() => second.persist(0, 4096)) };
      second.delete();
      rsv.delete();
      sa.delete();
      sb.delete();
      fs.rmSync(a);
      fs.rmSync(b);
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toEqual({
      signal: null,
      status: 0,
      stderr: '',
    });
    expect(JSON.parse(r.stdout)).toEqual({
      whileParked: 'PMEM2_E_MAPPING_EXISTS',
      same: true,
      detached: 0,
      read: 0,
      lost: [{ offset: 8192, length: 4096, cause: 'truncated' }],
      persist: 'PMEM2_E_IO_FAIL',
    });
  });
});

const SMALL_FILESYSTEMS = smallFileSystems('hole');

describe.each(SMALL_FILESYSTEMS)('a sparse file on a full $name', (small) => {
  it.runIf(small.why === undefined)(
    'a store into a hole that cannot be allocated: the process lives, no-space names the page',
    () => {
      const base = mkdtempSync(join(tmpdir(), 'pmem2-full-'));
      dirs.push(base);
      const dir = join(base, 'm');
      const script = `
      import fs from 'node:fs';
      import { Config, Granularity } from ${JSON.stringify(dist('config'))};
      import { Source } from ${JSON.stringify(dist('source'))};
      import { mapNew } from ${JSON.stringify(dist('map'))};
      const dir = process.argv[1];
      // 16 pages, only the first allocated; then fill the file system to ENOSPC
      const fd = fs.openSync(dir + '/sparse', 'w+');
      fs.writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 0);
      fs.ftruncateSync(fd, 16 * 4096);
      // (ext4 frees delayed-allocation reservations on writeback: full when a write fails
      // right after an fsync)
      fs.fsyncSync(fd);
      const fill = fs.openSync(dir + '/fill', 'w');
      let full = '';
      for (let wrote = 1; wrote > 0; fs.fsyncSync(fill)) {
        wrote = 0;
        try { for (;;) { fs.writeSync(fill, Buffer.alloc(4096, 2)); wrote++; } } catch (e) { full = e.code; }
      }
      // ext4 now and then keeps one block the fill file cannot grow into (likely: its next
      // write also needs an extent-tree block) but a one-page hole store can take: use it up
      // with one-page files until statfs has none
      const topUps = [];
      while (fs.statfsSync(dir).bavail > 0 && topUps.length < 64) {
        const name = dir + '/fill-' + topUps.length;
        topUps.push(name);
        fs.writeFileSync(name, Buffer.alloc(4096, 2), { flush: true });
      }
      const src = Source.fromFd(fd);
      const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
      const view = map.bytes();
      view[5 * 4096 + 3] = 7; // a hole: the file system cannot allocate the page
      const err = (f) => { try { f(); return null; } catch (e) { return { code: e.code, message: e.message }; } };
      const out = {
        full,
        available: fs.statfsSync(dir).bavail,
        stored: view[5 * 4096 + 3],
        kept: view[0],
        lost: map.lostRanges,
        persist: err(() => map.persist(0, 4096)),
        again: err(() => map.persist(0, 4096)),
        read: err(() => map.read(5 * 4096, 1)),
      };
      map.delete();
      src.delete();
      fs.closeSync(fd);
      fs.closeSync(fill);
      fs.rmSync(dir + '/fill');
      for (const name of topUps) fs.rmSync(name);
      out.file = fs.readFileSync(dir + '/sparse')[5 * 4096 + 3];
      fs.rmSync(dir + '/sparse');
      console.log(JSON.stringify(out));
    `;
      const r = runOnSmallFileSystem(small, dir, script);
      expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toEqual({
        signal: null,
        status: 0,
        stderr: '',
      });
      const out = JSON.parse(r.stdout);
      expect({ full: out.full, available: out.available }).toEqual({
        full: 'ENOSPC',
        available: 0,
      });
      // the store landed on the zeroed anonymous page that replaced the lost one...
      expect({ stored: out.stored, kept: out.kept }).toEqual({ stored: 7, kept: 1 });
      // ...and never reached the file: the hole is still a hole
      expect(out.file).toBe(0);
      expect(out.lost).toEqual([{ offset: 5 * 4096, length: 4096, cause: 'no-space' }]);
      expect(out.persist.code).toBe('PMEM2_E_IO_FAIL');
      expect(out.persist.message).toContain('offset 20480, length 4096 (no-space)');
      expect(out.persist.message).toContain('no-space: free space on the file system');
      expect(out.persist.message).not.toContain('truncated:'); // advice for its cause only
      expect(out.again).toBeNull(); // reported once; [0, 4096) is not lost
      expect(out.read.code).toBe('PMEM2_E_IO_FAIL');
      expect(out.read.message).toContain('(no-space)');
    },
  );
});
