// crash.mjs -- crash-proofing scenarios; argv[2] names one, the answer is one JSON line

import { openSync } from 'node:fs';
import { VmReservation } from '@pmem2/map';
import { makeFile, mapFile, mapNew, pageConfig, Source } from './common.mjs';
import { faultScenarios } from './crash-faults.mjs';
import { workers } from './crash-workers.mjs';
import { diff, mappingRegistry, mapsLines, outcome, report, snapshot } from './lib.mjs';
import { mapCalls, runAll } from './map-calls.mjs';

const [, , scenario, dir] = process.argv;

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

  workers: () => workers(dir),
  ...faultScenarios(dir),
};

const run = scenarios[scenario];
if (run === undefined) throw new Error(`unknown scenario ${scenario}`);
report(await run());
