// async.test.ts -- msyncAsync: msync on the libuv thread pool under a pin; delete waits for it

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  binding,
  childJson,
  close,
  E,
  FILESYSTEMS,
  makeFile,
  mapRw,
  PAGE,
  scratchDir,
} from './helpers.js';

const { dir, cleanup } = scratchDir(FILESYSTEMS[0].root);
afterAll(cleanup);

describe('msyncAsync', () => {
  it('returns a Promise that resolves with 0 and leaves lastOp of this thread alone', async () => {
    const { path, fd } = makeFile(dir, 'async-ok', 4 * PAGE);
    const map = mapRw(fd, 4 * PAGE);
    close(fd);
    const view = new Uint8Array(binding.mapBuffer(map) as ArrayBuffer);
    view[PAGE + 1] = 7;
    binding.drain();
    const pending = binding.msyncAsync(map, PAGE, 2);
    expect(pending).toBeInstanceOf(Promise);
    expect(binding.lastOp().msynced).toBe(false);
    expect(await pending).toBe(0);
    expect(readFileSync(path)[PAGE + 1]).toBe(7);
    expect(binding.mapDelete(map)).toBe(0);
  });

  it('refuses a range outside the mapping or a deleted mapping with a status, queueing nothing', () => {
    const map = mapRw(-1, PAGE);
    expect(binding.msyncAsync(map, PAGE, 1)).toBe(E.MAP_RANGE);
    expect(binding.msyncAsync(map, 0, Number.NaN)).toBe(E.MAP_RANGE);
    expect(binding.mapDelete(map)).toBe(0);
    expect(binding.msyncAsync(map, 0, 1)).toBe(E.MAPPING_NOT_FOUND);
  });

  it('throws TypeError for a non-handle', () => {
    expect(() => binding.msyncAsync({} as never, 0, 1)).toThrow(TypeError);
  });
});

describe('msyncAsync in flight (child processes)', () => {
  it('mapDelete waits for started msyncs and skips queued ones (0 or MAPPING_NOT_FOUND, never -ENOMEM)', () => {
    const r = childJson<{ deleted: number; statuses: number[]; again: number; value: number }>(
      `import fs from 'node:fs';
      const path = ${JSON.stringify(dir)} + '/inflight-' + process.pid;
      const size = 64 * 1024 * 1024;
      const fd = fs.openSync(path, 'w+');
      fs.ftruncateSync(fd, size);
      const map = binding.mapNew(fd, 0n, BigInt(size), 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null, new Float64Array(6));
      fs.closeSync(fd);
      const view = new Uint8Array(binding.mapBuffer(map));
      const pending = [];
      for (let i = 0; i < 4; i++) {
        view.fill(i + 1, 0, size);
        pending.push(binding.msyncAsync(map, 0, size));
      }
      const deleted = binding.mapDelete(map);
      const statuses = await Promise.all(pending);
      const value = fs.readFileSync(path)[size - 1];
      fs.unlinkSync(path);
      console.log(JSON.stringify({ deleted, statuses, again: binding.mapDelete(map), value }));`,
    );
    // an msync that started before delete completed (0); one still queued was skipped without
    // touching the range (MAPPING_NOT_FOUND); none ran over unmapped memory (-ENOMEM)
    for (const s of r.statuses) expect([0, E.MAPPING_NOT_FOUND]).toContain(s);
    expect(r).toMatchObject({ deleted: 0, again: E.MAPPING_NOT_FOUND, value: 4 });
  });

  it('a handle collected while an msync runs keeps the record until it completes', () => {
    const r = childJson<{ status: number; unmapped: boolean }>(
      `import fs from 'node:fs';
      const path = ${JSON.stringify(dir)} + '/collected-' + process.pid;
      const fd = fs.openSync(path, 'w+');
      fs.ftruncateSync(fd, 1 << 24);
      let pending = (() => {
        const map = binding.mapNew(fd, 0n, 1n << 24n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null, new Float64Array(6));
        new Uint8Array(binding.mapBuffer(map)).fill(9);
        return binding.msyncAsync(map, 0, 1 << 24);
      })();
      globalThis.gc();
      const status = await pending;
      for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
      const unmapped = !fs.readFileSync('/proc/self/maps', 'utf8').includes(path);
      fs.closeSync(fd);
      fs.unlinkSync(path);
      console.log(JSON.stringify({ status, unmapped }));`,
      {},
      ['--expose-gc'],
    );
    expect(r).toEqual({ status: 0, unmapped: true });
  });
});
