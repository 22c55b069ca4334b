// share.test.ts -- mapShare / mapOpenShared / mapSharers: views of one range, single-use
// tokens, and when the range is unmapped or parked (risky sequences run in child processes)

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  newSharedMapResult,
  SHARE_REFUSALS,
  SHARE_TOKEN_BYTES,
  SharedMapSlot,
} from '../src/index.js';
import {
  binding,
  close,
  distEntry,
  E,
  MiB,
  makeFile,
  mapNew,
  PROT_RW,
  runChild,
  scratchDir,
} from './helpers.js';

const { dir, cleanup } = scratchDir('/dev/shm');
afterAll(cleanup);

const EINVAL = -22;

/** Whether /proc/self/maps still lists `path`. */
function mapped(path: string): boolean {
  return readFileSync('/proc/self/maps', 'utf8').includes(path);
}

/** A 1 MiB shared file mapping of the scratch dir; returns its handle and path. */
function mapFile(name: string) {
  const { path, fd } = makeFile(dir, name, MiB);
  const map = mapNew(fd, 0n, BigInt(MiB), PROT_RW, false, 4096, null, 0n);
  close(fd);
  if (typeof map === 'number') throw new Error(`mapNew: ${map}`);
  return { map, path };
}

/** A fresh token of `map`. */
function share(map: Parameters<typeof binding.mapShare>[0]): Uint8Array {
  const token = new Uint8Array(SHARE_TOKEN_BYTES);
  expect(binding.mapShare(map, token)).toBe(0);
  return token;
}

/** Opens a token; the handle, or the status with its refusal name. */
function open(token: Uint8Array) {
  const result = newSharedMapResult();
  const view = binding.mapOpenShared(token, result);
  return { view, result, refusal: SHARE_REFUSALS[result[SharedMapSlot.refusal] as number] };
}

describe('views of one range', () => {
  it('see the same memory and facts; the range stays mapped until the last view is deleted', () => {
    const { map, path } = mapFile('views');
    new Uint8Array(binding.mapBuffer(map) as ArrayBuffer)[5] = 99;
    expect(binding.mapSharers(map)).toBe(1);
    const { view, result, refusal } = open(share(map));
    expect(refusal).toBe('opened');
    if (typeof view === 'number') throw new Error(`open: ${view}`);
    expect(binding.mapSharers(map)).toBe(2);
    expect(result[SharedMapSlot.size]).toBe(MiB);
    expect(result[SharedMapSlot.protection]).toBe(PROT_RW);
    expect(binding.mapSize(view)).toBe(MiB);
    // a second external ArrayBuffer over the same address in this isolate
    const theirs = new Uint8Array(binding.mapBuffer(view) as ArrayBuffer);
    expect(theirs[5]).toBe(99);
    theirs[6] = 7;
    expect(new Uint8Array(binding.mapBuffer(map) as ArrayBuffer)[6]).toBe(7);
    expect(binding.persist(view, 0, 4096)).toBe(0);

    expect(binding.mapDelete(map)).toBe(0);
    expect(binding.mapSharers(map)).toBe(0);
    expect(binding.mapDelete(map)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.mapSharers(view)).toBe(1);
    expect(mapped(path)).toBe(true);
    expect(theirs[5]).toBe(99); // the other view still reads the file's memory
    expect(binding.mapDelete(view)).toBe(0);
    expect(theirs.length).toBe(0);
  });

  it('can be shared again from a view (another token of the same range)', () => {
    const { map, path } = mapFile('reshare');
    const first = open(share(map)).view;
    if (typeof first === 'number') throw new Error(`open: ${first}`);
    const second = open(share(first)).view;
    if (typeof second === 'number') throw new Error(`open: ${second}`);
    expect(binding.mapSharers(map)).toBe(3);
    expect(binding.mapDelete(first)).toBe(0);
    expect(binding.mapDelete(map)).toBe(0);
    expect(binding.mapSharers(second)).toBe(1);
    expect(mapped(path)).toBe(true);
    expect(binding.mapDelete(second)).toBe(0);
    expect(mapped(path)).toBe(false);
  });

  it('refuse a token once opened (spent), after the last delete (gone) and forged ones', () => {
    const { map } = mapFile('refusals');
    const token = share(map);
    const pending = share(map);
    const first = open(token);
    expect(first.refusal).toBe('opened');
    expect(open(token)).toMatchObject({ view: E.MAPPING_NOT_FOUND, refusal: 'spent' });

    const wrongSecret = pending.slice();
    wrongSecret[24] = (wrongSecret[24] as number) ^ 1;
    expect(open(wrongSecret)).toMatchObject({ view: EINVAL, refusal: 'forged' });
    const unknownId = pending.slice();
    unknownId.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 8);
    expect(open(unknownId)).toMatchObject({ view: EINVAL, refusal: 'forged' });
    expect(open(new Uint8Array(SHARE_TOKEN_BYTES))).toMatchObject({
      view: EINVAL,
      refusal: 'foreign',
    });

    if (typeof first.view === 'number') throw new Error('open');
    expect(binding.mapDelete(map)).toBe(0);
    expect(binding.mapDelete(first.view)).toBe(0);
    // the forged attempts did not consume it, but every view is gone now
    expect(open(pending)).toMatchObject({ view: E.MAPPING_NOT_FOUND, refusal: 'gone' });
    expect(binding.mapShare(map, new Uint8Array(SHARE_TOKEN_BYTES))).toBe(E.MAPPING_NOT_FOUND);
  });

  it('refuse sharing a map inside a reservation, and wrong argument types', () => {
    const rsv = binding.reservationNew(BigInt(2 * MiB), null);
    if (typeof rsv === 'number') throw new Error(`reservationNew: ${rsv}`);
    const { fd } = makeFile(dir, 'in-rsv', MiB);
    const map = mapNew(fd, 0n, BigInt(MiB), PROT_RW, false, 4096, rsv, 0n);
    close(fd);
    if (typeof map === 'number') throw new Error(`mapNew: ${map}`);
    expect(binding.mapShare(map, new Uint8Array(SHARE_TOKEN_BYTES))).toBe(E.NOSUPP);
    expect(() => binding.mapShare(map, new Uint8Array(23))).toThrow(TypeError);
    expect(() => binding.mapOpenShared(new Uint16Array(12) as never, newSharedMapResult())).toThrow(
      TypeError,
    );
    expect(() => binding.mapOpenShared(new Uint8Array(32), new Float64Array(6))).toThrow(TypeError);
    expect(binding.mapDelete(map)).toBe(0);
    expect(binding.reservationDelete(rsv)).toBe(0);
  });
});

describe('in child processes', () => {
  /** Runs a child and returns its last JSON line, failing on a crash or stderr. */
  function answer(code: string, flags: string[] = []) {
    const r = runChild(code, {}, flags);
    expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toEqual({
      signal: null,
      status: 0,
      stderr: '',
    });
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  }

  it('the last delete under a live buffer of another view parks the range; GC returns it', () => {
    const out = answer(
      `
      import fs from 'node:fs';
      const p = ${JSON.stringify(dir)} + '/park-' + process.pid;
      const fd = fs.openSync(p, 'w+');
      fs.ftruncateSync(fd, 1 << 20);
      const r = new Float64Array(6);
      const m = binding.mapNew(fd, 0n, 1048576n, ${PROT_RW}, false, 4096, null, 0n, 2, null, r);
      fs.closeSync(fd);
      const start = r[0].toString(16) + '-';
      const t = new Uint8Array(32);
      binding.mapShare(m, t);
      const v = binding.mapOpenShared(t, new Float64Array(7));
      let buf = binding.mapBuffer(m);
      const lines = () => fs.readFileSync('/proc/self/maps', 'utf8');
      const at = () => lines().split('\\n').some((l) => l.startsWith(start));
      const deletedMain = binding.mapDelete(m);
      const mainDeleted = { file: lines().includes(p), length: buf.byteLength };
      const deletedView = binding.mapDelete(v);
      const fileAfterLast = lines().includes(p);
      const parked = at();
      buf = null;
      for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
      const afterGc = at();
      fs.rmSync(p);
      console.log(JSON.stringify({ deletedMain, mainDeleted, deletedView, fileAfterLast, parked,
        afterGc }));
    `,
      ['--expose-gc'],
    );
    expect(out).toEqual({
      deletedMain: 0,
      mainDeleted: { file: true, length: 0 }, // the view still holds the file mapping
      deletedView: 0,
      fileAfterLast: false, // the last delete parked: the file mapping went
      parked: true, // anonymous memory stays under the live buffer object of the first view
      afterGc: false, // and goes with it
    });
  });

  it("a token from another process is refused as foreign, whatever that process's state", () => {
    const { map } = mapFile('foreign');
    const token = Array.from(share(map));
    const out = answer(`
      const mine = new Uint8Array(32);
      const m = binding.mapNew(-1, 0n, 4096n, ${PROT_RW}, false, 4096, null, 0n, 2, null,
        new Float64Array(6));
      const before = binding.mapOpenShared(new Uint8Array(${JSON.stringify(token)}),
        new Float64Array(7));
      binding.mapShare(m, mine); // now this process has a key of its own
      const result = new Float64Array(7);
      const after = binding.mapOpenShared(new Uint8Array(${JSON.stringify(token)}), result);
      binding.mapDelete(m);
      console.log(JSON.stringify({ before, after, refusal: result[6] }));
    `);
    expect(out).toEqual({ before: EINVAL, after: EINVAL, refusal: 1 });
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('a page lost under a view is reported to every realm; a worker read gives zeros', () => {
    const out = answer(`
      import fs from 'node:fs';
      import { Worker } from 'node:worker_threads';
      const p = ${JSON.stringify(dir)} + '/lost-' + process.pid;
      fs.writeFileSync(p, Buffer.alloc(3 * 4096, 1));
      const fd = fs.openSync(p, 'r+');
      const m = binding.mapNew(fd, 0n, BigInt(3 * 4096), ${PROT_RW}, false, 4096, null, 0n, 2,
        null, new Float64Array(6));
      const token = new Uint8Array(32);
      binding.mapShare(m, token);
      fs.ftruncateSync(fd, 4096);
      const w = new Worker(\`
        Promise.all([import('node:worker_threads'), import(${JSON.stringify(distEntry)})])
          .then(([{ parentPort, workerData }, { binding }]) => {
            const v = binding.mapOpenShared(workerData, new Float64Array(7));
            const bytes = new Uint8Array(binding.mapBuffer(v));
            const read = [bytes[0], bytes[4096]]; // the second page is past the end now
            const persist = binding.persist(v, 4096, 100);
            const lost = binding.mapLost(v);
            parentPort.postMessage({ read, persist, lost, deleted: binding.mapDelete(v) });
          });\`, { eval: true, workerData: token });
      const inWorker = await new Promise((r) => w.once('message', r));
      const mainPersist = binding.persist(m, 4096, 100); // over the lost page
      const mainLost = binding.mapLost(m);
      const deleted = binding.mapDelete(m);
      fs.closeSync(fd);
      fs.rmSync(p);
      console.log(JSON.stringify({ inWorker, mainPersist, mainLost, deleted }));
    `);
    const lost = [{ offset: 4096, length: 4096, cause: 'truncated' }];
    expect(out).toEqual({
      inWorker: { read: [1, 0], persist: E.IO_FAIL, lost, deleted: 0 },
      mainPersist: E.IO_FAIL,
      mainLost: lost,
      deleted: 0,
    });
  });

  it('a worker exit and worker.terminate() drop the worker view; main still maps, then unmaps', () => {
    const out = answer(`
      import fs from 'node:fs';
      import { Worker } from 'node:worker_threads';
      const p = ${JSON.stringify(dir)} + '/exit-' + process.pid;
      const fd = fs.openSync(p, 'w+');
      fs.ftruncateSync(fd, 1 << 20);
      const m = binding.mapNew(fd, 0n, 1048576n, ${PROT_RW}, false, 4096, null, 0n, 2, null,
        new Float64Array(6));
      fs.closeSync(fd);
      const body = \`
        Promise.all([import('node:worker_threads'), import(${JSON.stringify(distEntry)})])
          .then(([{ parentPort, workerData }, { binding }]) => {
          const v = binding.mapOpenShared(workerData.token, new Float64Array(7));
          const a = new Int32Array(binding.mapBuffer(v), 0, 1);
          Atomics.add(a, 0, 1);
          parentPort.postMessage(binding.mapSharers(v));
          if (workerData.spin) for (;;) Atomics.add(a, 0, 1);
        });\`;
      const start = (spin) => {
        const token = new Uint8Array(32);
        binding.mapShare(m, token);
        const w = new Worker(body, { eval: true, workerData: { token, spin } });
        const exited = new Promise((r) => w.once('exit', r));
        return { w, exited, ready: new Promise((r) => w.once('message', r)) };
      };
      const ends = start(false);
      const seenInWorker = await ends.ready;
      await ends.exited;
      const afterExit = binding.mapSharers(m);
      const spins = start(true);
      await spins.ready;
      const whileSpinning = binding.mapSharers(m);
      await spins.w.terminate();
      const afterTerminate = binding.mapSharers(m);
      const count = new Int32Array(binding.mapBuffer(m), 0, 1)[0];
      const deleted = binding.mapDelete(m);
      const stillMapped = fs.readFileSync('/proc/self/maps', 'utf8').includes(p);
      fs.rmSync(p);
      console.log(JSON.stringify({ seenInWorker, afterExit, whileSpinning, afterTerminate,
        counted: count >= 2, deleted, stillMapped }));
    `);
    expect(out).toEqual({
      seenInWorker: 2,
      afterExit: 1,
      whileSpinning: 2,
      afterTerminate: 1,
      counted: true,
      deleted: 0,
      stillMapped: false,
    });
  });
});
