// lifetime.test.ts -- finalizers: forgotten mappings are unmapped, a live ArrayBuffer keeps its mapping

import { afterAll, describe, expect, it } from 'vitest';
import { childJson, FILESYSTEMS, runChild, scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir(FILESYSTEMS[0].root);
afterAll(cleanup);

/** Child prelude: a mapped file, gc helpers and a /proc/self/maps probe. */
const PRELUDE = (name: string) => `
  import fs from 'node:fs';
  const path = ${JSON.stringify(dir)} + '/${name}-' + process.pid;
  fs.writeFileSync(path, Buffer.alloc(8192));
  const fd = fs.openSync(path, 'r+');
  const mapped = () => fs.readFileSync('/proc/self/maps', 'utf8').includes(path);
  const collect = async () => {
    for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
  };
  const RW = 2 ** 30 + 2 ** 31;
`;

describe('finalizers', () => {
  it('unmap a mapping whose handle was forgotten', () => {
    const r = childJson<{ before: boolean; after: boolean }>(
      `${PRELUDE('forgotten')}
      (() => { binding.mapNew(fd, 0n, 8192n, RW, false, 4096, null, 0n, 2, null, new Float64Array(6)); })();
      const before = mapped();
      await collect();
      console.log(JSON.stringify({ before, after: mapped() }));`,
      {},
      ['--expose-gc'],
    );
    expect(r).toEqual({ before: true, after: false });
  });

  it('keep the mapping while the ArrayBuffer lives after the handle is collected', () => {
    const r = childJson<{ kept: boolean; value: number; released: boolean }>(
      `${PRELUDE('kept')}
      let ab = (() => binding.mapBuffer(binding.mapNew(fd, 0n, 8192n, RW, false, 4096, null, 0n, 2, null, new Float64Array(6))))();
      await collect();
      const kept = mapped();
      new Uint8Array(ab)[100] = 42;
      const value = fs.readFileSync(path)[100];
      ab = null;
      await collect();
      console.log(JSON.stringify({ kept, value, released: !mapped() }));`,
      {},
      ['--expose-gc'],
    );
    expect(r).toEqual({ kept: true, value: 42, released: true });
  });

  it('keep the mapping while the handle lives after the ArrayBuffer is collected', () => {
    const r = childJson<{
      persist: number;
      same: boolean;
      value: number;
      deleted: number;
      gone: boolean;
    }>(
      `${PRELUDE('handle')}
      const m = binding.mapNew(fd, 0n, 8192n, RW, false, 4096, null, 0n, 2, null, new Float64Array(6));
      (() => { new Uint8Array(binding.mapBuffer(m))[1] = 7; })();
      await collect();
      const persist = binding.persist(m, 0, 2);
      const ab = binding.mapBuffer(m);
      const value = new Uint8Array(ab)[1];
      const same = ab === binding.mapBuffer(m);
      const deleted = binding.mapDelete(m);
      console.log(JSON.stringify({ persist, same, value, deleted, gone: !mapped() && ab.byteLength === 0 }));`,
      {},
      ['--expose-gc'],
    );
    expect(r).toEqual({ persist: 0, same: true, value: 7, deleted: 0, gone: true });
  });

  it('a process may exit with live mappings, buffers and reservations', () => {
    const r = runChild(`${PRELUDE('exit')}
      globalThis.keep = [binding.mapNew(fd, 0n, 8192n, RW, false, 4096, null, 0n, 2, null, new Float64Array(6)), binding.reservationNew(2097152n, null)];
      globalThis.buf = binding.mapBuffer(globalThis.keep[0]);
      console.log('done');`);
    expect(r.status).toBe(0);
    expect(r.signal).toBeNull();
  });

  it('releases a forgotten reservation once its last map is gone', () => {
    const r = childJson<{ inside: boolean; released: boolean }>(
      `
      import fs from 'node:fs';
      const RW = 2 ** 30 + 2 ** 31;
      const collect = async () => {
        for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
      };
      const lineAt = (addr) => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => {
        const [lo, hi] = l.split(' ')[0].split('-').map((h) => BigInt('0x' + (h || '0')));
        return addr >= lo && addr < hi;
      });
      let rsv = binding.reservationNew(4194304n, null);
      const addr = binding.reservationAddress(rsv);
      let map = binding.mapNew(-1, 0n, 4096n, RW, false, 4096, rsv, 0n, 2, null, new Float64Array(6));
      rsv = null;
      await collect();
      const inside = /rw-s/.test(lineAt(addr) ?? '');
      map = null;
      await collect();
      console.log(JSON.stringify({ inside, released: lineAt(addr + 8192n) === undefined }));`,
      {},
      ['--expose-gc'],
    );
    expect(r).toEqual({ inside: true, released: true });
  });
});
