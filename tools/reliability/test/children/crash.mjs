// crash.mjs -- crash-proofing scenarios; argv[2] names one, the answer is one JSON line

import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { VmReservation } from '@pmem2/map';
import {
  makeFile,
  mapFile,
  mapNew,
  Protection,
  pageConfig,
  READ_WRITE,
  Sharing,
  Source,
} from './common.mjs';
import { diff, mappingRegistry, mapsLines, outcome, report, snapshot } from './lib.mjs';

const [, , scenario, dir] = process.argv;

/** Every method and getter of a Pmem2Map, as thunks. */
function mapCalls(map) {
  return {
    size: () => map.size,
    storeGranularity: () => map.storeGranularity,
    address: () => map.address,
    buffer: () => map.buffer,
    bytes: () => map.bytes(),
    dataView: () => map.dataView(),
    readLength: () => map.read(0, 16),
    readTarget: () => map.read(0, new Uint8Array(16)),
    persist: () => map.persist(0, 16),
    flush: () => map.flush(0, 16),
    drain: () => map.drain(),
    deepFlush: () => map.deepFlush(0, 16),
    memcpy: () => map.memcpy(0, new Uint8Array([1, 2, 3, 4])),
    memmove: () => map.memmove(0, 8, 8),
    memset: () => map.memset(0, 0xab, 16),
  };
}

/** Runs every thunk and collects the outcomes. */
function runAll(calls) {
  return Object.fromEntries(Object.entries(calls).map(([name, fn]) => [name, outcome(fn)]));
}

/** Touches every view: reads and writes that must not crash after delete. */
function touchViews(views) {
  const result = {};
  for (const [name, view] of Object.entries(views)) {
    result[name] = {
      byteLength: outcome(() => view.byteLength),
      read: outcome(() => (view instanceof DataView ? view.getUint8(0) : view[0])),
      value: view instanceof DataView ? null : (view[0] ?? null),
      write: outcome(() => {
        if (view instanceof DataView) view.setUint8(0, 7);
        else view[0] = 7;
      }),
      readBack: outcome(() => (view instanceof DataView ? view.getUint8(0) : view[0])),
    };
  }
  return result;
}

/** Maps `path`, returns views of it and drops every reference to the map and source. */
function viewsOfForgottenMap(path) {
  const source = Source.fromPath(path);
  const map = mapNew(pageConfig(), source);
  source.delete();
  return { bytes: map.bytes(), dv: map.dataView() };
}

const scenarios = {
  'deleted-map': () => {
    const path = makeFile(dir, 'deleted-map', 65536);
    const { map, source } = mapFile(path);
    const before = { bytes: map.bytes(), sub: new Uint32Array(map.buffer, 4096, 16) };
    const views = {
      ...before,
      dataView: map.dataView(),
      float: new Float64Array(map.buffer),
      buffer: new Uint8Array(map.buffer),
    };
    views.bytes.fill(0x5a);
    const first = outcome(() => map.delete());
    const result = {
      first,
      calls: runAll(mapCalls(map)),
      views: touchViews(views),
      second: outcome(() => map.delete()),
      dispose: outcome(() => map[Symbol.dispose]()),
      registry: mappingRegistry.size,
    };
    source.delete();
    return result;
  },

  'deleted-reservation': () => {
    const rsv = VmReservation.new(4 * 1024 * 1024);
    const path = makeFile(dir, 'deleted-rsv', 65536);
    const source = Source.fromPath(path);
    const map = mapNew(pageConfig().setVmReservation(rsv, 0), source);
    const found = rsv.mapFindFirst() === map;
    map.delete();
    const deleted = outcome(() => rsv.delete());
    const calls = {
      address: () => rsv.address,
      size: () => rsv.size,
      extend: () => rsv.extend(4096),
      shrink: () => rsv.shrink(0, 4096),
      mapFind: () => rsv.mapFind(0, 4096),
      mapFindFirst: () => rsv.mapFindFirst(),
      mapFindLast: () => rsv.mapFindLast(),
      mapFindNext: () => rsv.mapFindNext(map),
      mapFindPrev: () => rsv.mapFindPrev(map),
      delete: () => rsv.delete(),
      mapNewInto: () => mapNew(pageConfig().setVmReservation(rsv, 0), source),
    };
    const result = {
      found,
      deleted,
      calls: runAll(calls),
      dispose: outcome(() => rsv[Symbol.dispose]()),
      registry: mappingRegistry.size,
    };
    source.delete();
    return result;
  },

  'deleted-source': () => {
    const path = makeFile(dir, 'deleted-source', 65536);
    const source = Source.fromPath(path);
    const fd = source.getFd();
    const map = mapNew(pageConfig(), source);
    source.delete();
    const fdOpen =
      mapsLines().length >= 0 &&
      (() => {
        try {
          return openSync(`/proc/self/fd/${fd}`, 'r') >= 0;
        } catch {
          return false;
        }
      })();
    const calls = {
      type: () => source.type,
      dev: () => source.dev,
      rdev: () => source.rdev,
      size: () => source.size(),
      alignment: () => source.alignment(),
      getFd: () => source.getFd(),
      deviceId: () => source.deviceId(),
      deviceUsc: () => source.deviceUsc(),
      numaNode: () => source.numaNode(),
      mapNew: () => mapNew(pageConfig(), source),
      delete: () => source.delete(),
      dispose: () => source[Symbol.dispose](),
    };
    const result = { fdOpen, calls: runAll(calls) };
    // the mapping made before the source was deleted keeps working
    map.bytes().fill(3);
    result.mapStillWorks = runAll({
      persist: () => map.persist(0, 65536),
      read: () => map.read(0, 4)[3],
      delete: () => map.delete(),
    });
    result.registry = mappingRegistry.size;
    return result;
  },

  'delete-inside-using': () => {
    // Node 20 has no `using` syntax; this is what `{ using map = mapNew(...); map.delete(); }`
    // compiles to (TypeScript's downlevel emit): dispose runs at the end of the block.
    const path = makeFile(dir, 'using', 8192);
    const before = snapshot();
    const source = Source.fromPath(path);
    const inner = () => {
      const map = mapNew(pageConfig(), source);
      try {
        map.bytes()[0] = 1;
        map.delete();
      } finally {
        map[Symbol.dispose]();
      }
    };
    const rsvBlock = () => {
      const rsv = VmReservation.new(2 * 1024 * 1024);
      try {
        rsv.delete();
      } finally {
        rsv[Symbol.dispose]();
      }
    };
    const result = { map: outcome(inner), reservation: outcome(rsvBlock) };
    source[Symbol.dispose]();
    result.leak = diff(before, snapshot());
    return result;
  },

  'gc-map-then-views': async () => {
    const path = makeFile(dir, 'gc', 1 << 20);
    const before = snapshot();
    // made in a plain function: a suspended async frame would keep `map` reachable
    let views = viewsOfForgottenMap(path);
    for (let i = 0; i < 10; i++) {
      globalThis.gc();
      await new Promise((r) => setImmediate(r));
    }
    const registryAfterMapGc = mappingRegistry.size;
    views.bytes.fill(0x77);
    let sum = 0;
    for (let i = 0; i < views.bytes.length; i += 4096) sum += views.dv.getUint8(i);
    const mappedWhileViewsLive = diff(before, snapshot()).fileLines.length;
    views = undefined;
    for (let i = 0; i < 10; i++) {
      globalThis.gc();
      await new Promise((r) => setImmediate(r));
    }
    return {
      registryAfterMapGc,
      sum,
      mappedWhileViewsLive,
      leak: diff(before, snapshot()),
    };
  },

  'gc-views-then-map': async () => {
    const path = makeFile(dir, 'gc2', 1 << 20);
    const before = snapshot();
    const source = Source.fromPath(path);
    const map = mapNew(pageConfig(), source);
    (() => {
      const v = map.bytes();
      v.fill(1);
    })();
    for (let i = 0; i < 5; i++) {
      globalThis.gc();
      await new Promise((r) => setImmediate(r));
    }
    const again = map.bytes(); // a new buffer after the first was collected
    again[5] = 9;
    const value = map.read(0, 8)[5];
    const againLength = again.byteLength;
    map.delete();
    source.delete();
    return { value, againLength, leak: diff(before, snapshot()) };
  },

  protections: () => {
    const path = makeFile(dir, 'prot', 65536);
    const cases = {
      read: Protection.READ,
      none: Protection.NONE,
      write: Protection.WRITE >>> 0,
      exec: Protection.EXEC,
      readExec: Protection.READ | Protection.EXEC,
    };
    const result = {};
    for (const [name, protection] of Object.entries(cases)) {
      for (const granularity of ['PAGE', 'CACHE_LINE']) {
        process.env.PMEM2_FORCE_GRANULARITY = granularity;
        const source = Source.fromPath(path);
        const config = pageConfig(protection, Sharing.SHARED);
        let map;
        const created = outcome(() => {
          map = mapNew(config, source);
        });
        const key = `${name}/${granularity}`;
        result[key] = { created };
        if (map !== undefined) {
          result[key].calls = runAll(mapCalls(map));
          result[key].delete = outcome(() => map.delete());
        }
        source.delete();
      }
    }
    delete process.env.PMEM2_FORCE_GRANULARITY;
    result.registry = mappingRegistry.size;
    return result;
  },

  truncated: () => {
    const result = {};
    for (const granularity of ['PAGE', 'CACHE_LINE']) {
      process.env.PMEM2_FORCE_GRANULARITY = granularity;
      const path = makeFile(dir, `trunc-${granularity}`, 65536);
      const source = Source.fromPath(path);
      const map = mapNew(pageConfig(), source);
      map.bytes().fill(1);
      ftruncateSync(source.getFd(), 0);
      const calls = runAll({
        persist: () => map.persist(8192, 4096),
        flush: () => map.flush(8192, 4096),
        deepFlush: () => map.deepFlush(8192, 4096),
        memcpy: () => map.memcpy(8192, new Uint8Array(64).fill(2)),
        memcpyNontemporal: () => map.memcpy(8192, new Uint8Array(8192).fill(2), 0x2),
        memmove: () => map.memmove(8192, 16384, 1024),
        memset: () => map.memset(8192, 0xcc, 4096),
        memsetNoflush: () => map.memset(8192, 0xcc, 4096, 0x1),
        read: () => map.read(8192, 64),
        readTarget: () => map.read(8192, new Uint8Array(64)),
      });
      // still usable afterwards: the guard unblocked the signal
      const again = outcome(() => map.memset(8192, 1, 16));
      result[granularity] = { storeGranularity: map.storeGranularity, calls, again };
      result[granularity].delete = outcome(() => map.delete());
      source.delete();
    }
    delete process.env.PMEM2_FORCE_GRANULARITY;
    return result;
  },

  'truncated-direct-access': () => {
    const path = makeFile(dir, 'trunc-direct', 65536);
    const { map, source } = mapFile(path);
    const view = map.bytes();
    ftruncateSync(source.getFd(), 0);
    process.stdout.write('about to touch\n');
    const before = view[8192]; // the SIGBUS handler maps a zeroed anonymous page over it
    view[8192] = 1; // lands on that page, never in the file
    return {
      survived: true,
      before,
      lost: map.lostRanges,
      persist: outcome(() => map.persist(0, 4096)),
    };
  },

  'reservation-with-maps': () => {
    const before = snapshot();
    const path = makeFile(dir, 'rsv-maps', 8192);
    const source = Source.fromPath(path);
    const rsv = VmReservation.new(4 * 1024 * 1024);
    const a = mapNew(pageConfig().setVmReservation(rsv, 0), source);
    const b = mapNew(pageConfig().setVmReservation(rsv, 2 * 1024 * 1024), source);
    a.bytes().fill(0xa);
    const refused = outcome(() => rsv.delete());
    const usable = {
      size: rsv.size,
      aStill: a.read(0, 1)[0],
      bWrite: outcome(() => b.memset(0, 0xb, 8192)),
      first: rsv.mapFindFirst() === a,
    };
    const shrinkRefused = outcome(() => rsv.shrink(2 * 1024 * 1024, 2 * 1024 * 1024));
    a.delete();
    const stillRefused = outcome(() => rsv.delete());
    b.delete();
    const finally_ = outcome(() => rsv.delete());
    source.delete();
    return {
      refused,
      usable,
      shrinkRefused,
      stillRefused,
      finally: finally_,
      leak: diff(before, snapshot()),
    };
  },

  'persist-async-delete': async () => {
    const before = snapshot();
    const path = makeFile(dir, 'persist-async', 32 * 1024 * 1024);
    const source = Source.fromPath(path);
    const map = mapNew(pageConfig(), source);
    if (typeof map.persistAsync !== 'function') {
      map.delete();
      source.delete();
      return { skipped: 'Pmem2Map has no persistAsync yet' };
    }
    const settle = (promise) =>
      promise.then(
        () => ({ ok: true }),
        (error) =>
          outcome(() => {
            throw error;
          }),
      );
    // native stores: without an ArrayBuffer delete unmaps at once (a live one would park the
    // range as anonymous memory until collected, which the leak check would see)
    map.memset(0, 0x42, map.size);
    const inFlight = [0, 1, 2, 3].map((k) =>
      settle(map.persistAsync(k * 8 * 1024 * 1024, 8 * 1024 * 1024)),
    );
    const deleted = outcome(() => map.delete()); // while the msyncs run on the thread pool
    const settled = await Promise.all(inFlight);
    const after = await settle(map.persistAsync(0, 4096));
    // the async-dispose path: waits for the in-flight msync, then deletes
    const second = mapNew(pageConfig(), source);
    second.memset(0, 1, second.size);
    const pending = settle(second.persistAsync(0, second.size));
    const disposed = await settle(second[Symbol.asyncDispose]());
    const pendingResult = await pending;
    source.delete();
    return { deleted, settled, after, disposed, pendingResult, leak: diff(before, snapshot()) };
  },

  'zero-length-in-reservation': () => {
    const before = snapshot();
    const path = makeFile(dir, 'zero-length', 4096);
    const source = Source.fromPath(path);
    const rsv = VmReservation.new(2 * 1024 * 1024);
    const mapped = outcome(() =>
      mapNew(pageConfig().setOffset(4096).setVmReservation(rsv, 0), source),
    );
    const rsvDelete = outcome(() => rsv.delete());
    source.delete();
    return { mapped, rsvDelete, leak: diff(before, snapshot()) };
  },

  'real-faults': () => {
    const before = snapshot();
    const path = makeFile(dir, 'real-faults', 65536);
    const readOnly = Source.fromPath(path, { readOnly: true });
    const result = {
      readOnlyFdWritableShared: outcome(() => mapNew(pageConfig(), readOnly)),
      readOnlyFdReadShared: outcome(() => mapNew(pageConfig(Protection.READ), readOnly).delete()),
      readOnlyFdWritablePrivate: outcome(() =>
        mapNew(pageConfig(READ_WRITE, Sharing.PRIVATE), readOnly).delete(),
      ),
    };
    readOnly.delete();
    const huge = Source.fromAnon(2n ** 47n);
    result.addressSpace = outcome(() => mapNew(pageConfig(), huge));
    huge.delete();
    const appendOnly = process.argv[4];
    if (appendOnly !== undefined) {
      // an append-only file opens read-write only with O_APPEND ('a+'); mmap then says EACCES
      const fd = openSync(appendOnly, 'a+');
      const source = Source.fromFd(fd);
      result.appendOnlyShared = outcome(() => mapNew(pageConfig(), source));
      result.appendOnlyPrivate = outcome(() =>
        mapNew(pageConfig(READ_WRITE, Sharing.PRIVATE), source).delete(),
      );
      source.delete();
      closeSync(fd);
    }
    result.leak = diff(before, snapshot());
    return result;
  },

  workers: async () => {
    const workers = 4;
    const mapsEach = 16;
    const path = makeFile(dir, 'workers', 1 << 20);
    const barrier = new Int32Array(new SharedArrayBuffer(8));
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        const { Config, Granularity, Protection } = await import('@pmem2/config');
        const { Source } = await import('@pmem2/source');
        const { mapNew, VmReservation } = await import('@pmem2/map');
        const { id, path, count, barrier } = workerData;
        const rw = (Protection.READ | Protection.WRITE) >>> 0;
        const cfg = () => new Config().setRequiredStoreGranularity(Granularity.PAGE).setProtection(rw);
        const maps = [];
        const rsv = VmReservation.new(64 * 4096);
        for (let i = 0; i < count; i++) {
          const size = 4096 * (1 + ((id * 7 + i) % 5));
          const kind = i % 3;
          const source = kind === 0 ? Source.fromAnon(size) : Source.fromPath(path);
          const config = cfg();
          if (kind === 1) config.setLength(size).setOffset(0);
          if (kind === 0) config.setSharing(1);
          if (kind === 2) config.setLength(4096).setSharing(1).setVmReservation(rsv, (i % 60) * 4096);
          const map = mapNew(config, source);
          source.delete();
          if (kind !== 1) map.bytes().fill(id * 100 + i);
          maps.push({ map, kind, tag: id * 100 + i });
        }
        Atomics.add(barrier, 0, 1);
        while (Atomics.load(barrier, 0) < workerData.total) Atomics.wait(barrier, 0, Atomics.load(barrier, 0), 50);
        let bad = 0;
        for (const { map, kind, tag } of maps) {
          if (kind === 1) continue;
          const b = map.read(0, map.size);
          for (const x of b) if (x !== (tag & 0xff)) bad++;
        }
        const ranges = maps.map(({ map }) => [String(map.address), map.size]);
        for (const { map } of maps) map.delete();
        rsv.delete();
        parentPort.postMessage({ id, bad, ranges });
      })().catch((e) => parentPort.postMessage({ id: workerData.id, error: String(e && e.stack) }));
    `;
    const answers = await Promise.all(
      Array.from(
        { length: workers },
        (_, id) =>
          new Promise((resolve, reject) => {
            const w = new Worker(code, {
              eval: true,
              workerData: { id, path, count: mapsEach, barrier, total: workers },
            });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    const all = answers.flatMap((a) =>
      (a.ranges ?? []).map(([start, size]) => [BigInt(start), BigInt(size), a.id]),
    );
    all.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    let overlaps = 0;
    for (let i = 1; i < all.length; i++) if (all[i - 1][0] + all[i - 1][1] > all[i][0]) overlaps++;
    return {
      errors: answers.filter((a) => a.error).map((a) => a.error),
      bad: answers.reduce((s, a) => s + (a.bad ?? 0), 0),
      mapped: all.length,
      overlaps,
    };
  },
};

const run = scenarios[scenario];
if (run === undefined) throw new Error(`unknown scenario ${scenario}`);
report(await run());
