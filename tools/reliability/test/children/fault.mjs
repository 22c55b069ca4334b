// fault.mjs -- one operation under the fault-inject shim (env FAULT_OP, FAULT_DIR); answers the
// outcome of the armed call, of a retry where libpmem2 allows one, and what was left behind

import { closeSync, openSync } from 'node:fs';
import { openSharedMap, shareMap, VmReservation } from '@pmem2/map';
import { makeFile, mapNew, pageConfig, Sharing, Source } from './common.mjs';
import { arm, diff, mappingRegistry, outcome, report, snapshot } from './lib.mjs';

const op = process.env.FAULT_OP;
const dir = process.env.FAULT_DIR;
const SIZE = 32 * 1024 * 1024;
const MIB2 = 2 * 1024 * 1024;
const path = makeFile(dir, 'fault-file', SIZE);

/** Maps the file (or an anonymous region) with the given sharing, optionally in `rsv`. */
function mapIt({ anon = false, sharing = Sharing.SHARED, rsv } = {}) {
  const source = anon ? Source.fromAnon(SIZE) : Source.fromPath(path);
  try {
    const config = pageConfig(undefined, sharing);
    if (rsv !== undefined) config.setVmReservation(rsv, 0);
    return mapNew(config, source);
  } finally {
    source.delete();
  }
}

/** A reservation at the start of a free 128 MiB range, so that extend has room to grow. */
function roomyReservation(size) {
  const probe = VmReservation.new(64 * MIB2);
  const at = probe.address;
  probe.delete();
  return VmReservation.new(size, at);
}

// Warm up every lazy path (module loading, sysfs reads, the addon's first calls) unarmed.
mapIt().delete();
mapIt({ anon: true }).delete();
{
  const rsv = roomyReservation(SIZE);
  mapIt({ rsv }).delete();
  rsv.extend(8 * MIB2);
  rsv.shrink(0, MIB2);
  rsv.delete();
}

/** After a delete that failed: the map still reads, and a second delete works. */
function stillUsableAfterDelete({ map }) {
  return { usable: outcome(() => map.read(0, 1)[0]), retry: outcome(() => map.delete()) };
}

/** op -> [setup (unarmed), the armed call, cleanup/retry (unarmed)] */
const ops = {
  'map-file-shared': { call: () => mapIt().delete() },
  'map-file-private': { call: () => mapIt({ sharing: Sharing.PRIVATE }).delete() },
  'map-anon': { call: () => mapIt({ anon: true }).delete() },
  'map-in-reservation': {
    setup: () => ({ rsv: VmReservation.new(SIZE) }),
    call: ({ rsv }) => mapIt({ rsv }).delete(),
    after: ({ rsv }) => ({ rsvDelete: outcome(() => rsv.delete()) }),
  },
  delete: {
    setup: () => ({ map: mapIt() }),
    call: ({ map }) => map.delete(),
    after: stillUsableAfterDelete,
  },
  // the last view of a shared mapping unmaps: its failure leaves that view usable
  'delete-last-shared-view': {
    setup: () => {
      const map = mapIt();
      const token = shareMap(map);
      // a second view in this thread: the realm's registry holds one of them at a time
      mappingRegistry.remove(map);
      const view = openSharedMap(token);
      mappingRegistry.remove(view);
      mappingRegistry.insert(map, map.address, BigInt(map.size));
      map.delete(); // the view still holds the range: no munmap
      mappingRegistry.insert(view, view.address, BigInt(view.size));
      return { map: view };
    },
    call: ({ map }) => map.delete(),
    after: stillUsableAfterDelete,
  },
  'delete-in-reservation': {
    setup: () => {
      const rsv = VmReservation.new(SIZE);
      return { rsv, map: mapIt({ rsv }) };
    },
    call: ({ map }) => map.delete(),
    after: ({ rsv, map }) => ({
      usable: outcome(() => map.read(0, 1)[0]),
      retry: outcome(() => map.delete()),
      rsvDelete: outcome(() => rsv.delete()),
    }),
  },
  persist: {
    setup: () => ({ map: mapIt() }),
    call: ({ map }) => {
      // a native store: without an ArrayBuffer delete unmaps at once (a live one parks the
      // range as anonymous memory until it is collected)
      map.memset(0, 1, 1);
      map.persist(0, 4096);
    },
    after: ({ map }) => ({
      retry: outcome(() => map.persist(0, 4096)),
      delete: outcome(() => map.delete()),
    }),
  },
  'persist-async': {
    setup: () => ({ map: mapIt() }),
    call: async ({ map }) => {
      // a native store: without an ArrayBuffer delete unmaps at once (a live one parks the
      // range as anonymous memory until it is collected)
      map.memset(0, 1, 1);
      await map.persistAsync(0, 4096); // msync on the libuv thread pool
    },
    after: ({ map }) => ({ delete: outcome(() => map.delete()) }),
  },
  'reservation-new': { call: () => VmReservation.new(4 * MIB2).delete() },
  'reservation-new-at': {
    setup: () => {
      const probe = VmReservation.new(4 * MIB2);
      const at = probe.address;
      probe.delete();
      return { at };
    },
    call: ({ at }) => VmReservation.new(4 * MIB2, at).delete(),
  },
  'reservation-extend': {
    setup: () => ({ rsv: roomyReservation(4 * MIB2) }),
    call: ({ rsv }) => rsv.extend(16 * MIB2),
    after: ({ rsv }) => ({ size: rsv.size, rsvDelete: outcome(() => rsv.delete()) }),
  },
  'reservation-shrink': {
    setup: () => ({ rsv: VmReservation.new(8 * MIB2) }),
    call: ({ rsv }) => rsv.shrink(0, 4 * MIB2),
    after: ({ rsv }) => ({ size: rsv.size, rsvDelete: outcome(() => rsv.delete()) }),
  },
  'reservation-delete': {
    setup: () => ({ rsv: VmReservation.new(8 * MIB2) }),
    call: ({ rsv }) => rsv.delete(),
    after: ({ rsv }) => ({ size: outcome(() => rsv.size), retry: outcome(() => rsv.delete()) }),
  },
  'source-from-path': { call: () => Source.fromPath(path).delete() },
  'source-from-fd': {
    setup: () => ({ fd: openSync(path, 'r+') }),
    call: ({ fd }) => Source.fromFd(fd).delete(),
    after: ({ fd }) => {
      closeSync(fd);
      return {};
    },
  },
};

const { setup = () => ({}), call, after = () => ({}) } = ops[op];
const before = snapshot();
const state = setup();
arm();
let result;
try {
  await call(state);
  result = { ok: true };
} catch (error) {
  result = outcome(() => {
    throw error;
  });
}
const rest = after(state);
report({ result, ...rest, leak: diff(before, snapshot()) });
