// share.test.ts -- shareMap / openSharedMap in one thread: what a token carries, every refusal
// as a Pmem2Error, and a view in a worker (the crash-prone worker sequences live in
// tools/reliability/test/share.test.ts)

import { Worker } from 'node:worker_threads';
import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { binding } from '@pmem2/native';
import { Source } from '@pmem2/source';
import { describe, expect, it } from 'vitest';
import { mapNew, openSharedMap, shareMap, VmReservation } from '../src/index.js';
import { mapStateOf } from '../src/map-base.js';
import { mappingRegistry } from '../src/registry.js';
import { expectPmem2, MiB, makeFile } from './helpers.js';

const config = () => new Config().setRequiredStoreGranularity(Granularity.PAGE);

/** A 1 MiB shared file mapping; delete both with `[Symbol.dispose]`. */
function fileMap() {
  const source = Source.fromPath(makeFile('tmpfs', MiB));
  const map = mapNew(config(), source);
  return {
    map,
    [Symbol.dispose]() {
      map[Symbol.dispose]();
      source.delete();
    },
  };
}

describe('shareMap', () => {
  it('returns a plain, cloneable token describing the mapping', () => {
    using file = fileMap();
    const token = shareMap(file.map);
    expect(token.bytes).toBeInstanceOf(Uint8Array);
    expect(token.bytes.length).toBe(32);
    expect(token).toMatchObject({
      address: file.map.address,
      sharing: Sharing.SHARED,
      granularityReason: mapStateOf(file.map).granularityReason,
      source: { type: 'regular', region: undefined },
    });
    const cloned = structuredClone(token);
    expect(cloned.bytes).toEqual(token.bytes);
    expect(binding.mapSharers(mapStateOf(file.map).handle)).toBe(1); // a token holds nothing
  });

  it('refuses a deleted mapping and one inside a reservation', () => {
    const source = Source.fromAnon(MiB);
    const map = mapNew(config(), source);
    map.delete();
    expectPmem2(() => shareMap(map), 'PMEM2_E_MAPPING_NOT_FOUND');
    using rsv = VmReservation.new(2 * MiB);
    using inside = mapNew(config().setVmReservation(rsv, 0), source);
    const e = expectPmem2(() => shareMap(inside), 'PMEM2_E_NOSUPP');
    expect(e.message).toMatch(/VmReservation/);
    source.delete();
  });
});

describe('openSharedMap', () => {
  it('refuses the thread that has the mapping, without spending the token', () => {
    using file = fileMap();
    const token = shareMap(file.map);
    expectPmem2(() => openSharedMap(token), 'PMEM2_E_MAPPING_EXISTS');
    expect(binding.mapSharers(mapStateOf(file.map).handle)).toBe(1);
    // the token still opens elsewhere: here, once the original is gone from the registry
    mappingRegistry.remove(file.map);
    const view = openSharedMap(token);
    try {
      expect(view.size).toBe(MiB);
      expect(view.storeGranularity).toBe(file.map.storeGranularity);
      expect(binding.mapSharers(mapStateOf(view).handle)).toBe(2);
    } finally {
      view.delete();
      mappingRegistry.insert(file.map, file.map.address, BigInt(MiB));
    }
  });

  it('refuses a spent token, a token of a deleted map, forged bytes and non-tokens with Pmem2Error', () => {
    const source = Source.fromAnon(MiB);
    const map = mapNew(config(), source);
    const token = shareMap(map);
    const pending = shareMap(map);
    mappingRegistry.remove(map); // (while it is registered here, this thread is refused first)
    openSharedMap(token).delete();
    expect(expectPmem2(() => openSharedMap(token), 'PMEM2_E_MAPPING_NOT_FOUND').message).toMatch(
      /opened already/,
    );
    const forged = { ...pending, bytes: pending.bytes.map((b, i) => (i === 31 ? b ^ 1 : b)) };
    expect(expectPmem2(() => openSharedMap(forged), 'EINVAL').message).toMatch(/no token/);
    const foreign = { ...pending, bytes: new Uint8Array(32) };
    expect(expectPmem2(() => openSharedMap(foreign), 'EINVAL').message).toMatch(/this process/);
    mappingRegistry.insert(map, map.address, BigInt(MiB));
    map.delete();
    // once every view is gone, an opened token and a pending one are both void
    for (const t of [token, pending]) {
      expect(expectPmem2(() => openSharedMap(t), 'PMEM2_E_MAPPING_NOT_FOUND').message).toMatch(
        /every thread deleted/,
      );
    }
    for (const bad of [
      null,
      42,
      {},
      { ...pending, bytes: new Uint8Array(23) },
      { ...pending, bytes: [...pending.bytes] },
      { ...pending, sharing: 7 },
      { ...pending, granularityReason: 'nope' },
      { ...pending, address: 1 },
      { ...pending, source: { type: 'directory', sysfsRoot: '/sys' } },
      { ...pending, source: { ...pending.source, region: { errno: 5, message: 'x' } } },
    ]) {
      expectPmem2(() => openSharedMap(bad as never), 'EINVAL');
    }
    source.delete();
  });

  it('opens a view in a worker over the same memory; a read-only mapping shares without a buffer', async () => {
    using file = fileMap();
    file.map.bytes()[100] = 1;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}).then(
        ({ openSharedMap }) => {
          const view = openSharedMap(workerData);
          const before = view.read(100, 1)[0];
          let stored = 'ok';
          try { view.memset(101, 2, 1); } catch (e) { stored = e.code; }
          let buffer = 'view';
          try { view.bytes(); } catch (e) { buffer = e.code; }
          view.delete();
          parentPort.postMessage({ before, stored, buffer, kind: view.constructor.name });
        });`;
    const run = (token: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: token });
        w.once('message', resolve);
        w.once('error', reject);
      });
    expect(await run(shareMap(file.map))).toEqual({
      before: 1,
      stored: 'ok',
      buffer: 'view',
      kind: 'Pmem2Map',
    });
    expect(file.map.bytes()[101]).toBe(2);
    const source = Source.fromPath(makeFile('tmpfs', MiB), { readOnly: true });
    const readOnly = mapNew(config().setProtection(Protection.READ), source);
    expect(await run(shareMap(readOnly))).toEqual({
      before: 0,
      stored: 'PMEM2_E_NO_ACCESS', // the view has the original's protection, from native
      buffer: 'PMEM2_E_NO_ACCESS',
      kind: 'Pmem2Map',
    });
    readOnly.delete();
    source.delete();
  });
});
