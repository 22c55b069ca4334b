// workload.mjs -- a representative pass over @pmem2/native and @pmem2/map for the sanitizer
// and valgrind runs: every binding entry with good and hostile arguments, every map operation

import { closeSync, openSync } from 'node:fs';
import { MemFlags, VmReservation } from '@pmem2/map';
import { binding } from '@pmem2/native';
import { makeFile, mapNew, pageConfig, Sharing, Source } from './common.mjs';
import { mappingRegistry, outcome, report } from './lib.mjs';

const dir = process.argv[2];
const small = process.argv[3] === 'small';
const counts = { ok: 0, status: 0, pmem2: 0, foreign: 0, foreignKinds: new Set() };

/** Counts what fn did; TypeErrors from wrong argument kinds are the documented plumbing errors. */
function tally(fn) {
  const result = outcome(fn);
  if (result.ok && typeof result.value === 'number' && result.value < 0) counts.status++;
  else if (result.ok) counts.ok++;
  else if (result.code !== undefined) counts.pmem2++;
  else {
    counts.foreign++;
    counts.foreignKinds.add(result.foreign.split(':')[0]);
  }
}

// The native contract directly: statuses, never crashes, for hostile numbers and handles.
const hostile = [-1, Number.NaN, 1.5, 2 ** 53, Number.POSITIVE_INFINITY, 2 ** 31];
const result = new Float64Array(6);
const map = binding.mapNew(-1, 0n, 65536n, 0xc0000000, false, 4096, null, 0n, 2, null, result);
for (const offset of [0, ...hostile]) {
  for (const length of [0, 64, ...hostile]) {
    tally(() => binding.persist(map, offset, length));
    tally(() => binding.flush(map, offset, length));
    tally(() => binding.msync(map, offset, length));
    tally(() => binding.memset(map, offset, 1, length, 0));
    tally(() => binding.memmove(map, offset, 0, length, 0));
    tally(() => binding.memmove(map, 0, offset, length, 0));
  }
  tally(() => binding.memcpy(map, offset, new Uint8Array(64), 0));
  tally(() => binding.read(map, offset, new Uint8Array(64)));
}
for (const bad of [null, undefined, 0, {}, 'x', Symbol('s')]) {
  tally(() => binding.persist(bad, 0, 0));
  tally(() => binding.mapDelete(bad));
  tally(() => binding.reservationDelete(bad));
}
for (const size of [0n, 1n, 4096n, -1n, 2n ** 64n, 2n ** 63n]) {
  const rsv = binding.reservationNew(size, null);
  if (typeof rsv !== 'number') {
    tally(() => binding.persist(rsv, 0, 0)); // a reservation where a map is expected
    binding.reservationDelete(rsv);
  }
}
for (const flags of [0, 1, 2, 4, 8, 16, 32, 63, 64, -1]) {
  tally(() => binding.memset(map, 0, 7, 4096, flags));
  tally(() => binding.memcpy(map, 100, new Uint8Array(5000), flags));
  tally(() => binding.memmove(map, 1, 0, 8000, flags));
}
// CACHE_LINE (a file mapping forced so at mapNew, where granularity is decided) and BYTE (anonymous)
const lineFd = openSync(makeFile(dir, 'cache-line', 65536), 'r+');
process.env.PMEM2_FORCE_GRANULARITY = 'CACHE_LINE';
const lineMap = binding.mapNew(
  lineFd,
  0n,
  65536n,
  0xc0000000,
  false,
  4096,
  null,
  0n,
  2,
  null,
  result,
);
delete process.env.PMEM2_FORCE_GRANULARITY;
tally(() => binding.persist(lineMap, 3, 1000));
binding.mapDelete(lineMap);
closeSync(lineFd);
tally(() => binding.persist(map, 3, 1000));
const buffer = binding.mapBuffer(map);
new Uint8Array(buffer).fill(9);
binding.mapDelete(map);
tally(() => binding.mapDelete(map));
tally(() => binding.read(map, 0, new Uint8Array(1)));

// The map stack over files, anonymous memory and reservations.
const rounds = small ? 2 : 20;
const path = makeFile(dir, 'workload', 1 << 20);
for (let round = 0; round < rounds; round++) {
  for (const sharing of [Sharing.SHARED, Sharing.PRIVATE]) {
    const source = round % 2 ? Source.fromAnon(1 << 20) : Source.fromPath(path);
    const m = mapNew(
      pageConfig(undefined, sharing)
        .setLength(1 << 19)
        .setOffset(round % 2 ? 0 : 4096),
      source,
    );
    const bytes = m.bytes();
    bytes[0] = round;
    tally(() => m.memcpy(10, new Uint8Array(1000).fill(round), MemFlags.NONTEMPORAL));
    tally(() => m.memset(4096, 0x5a, 8192, MemFlags.NOFLUSH));
    tally(() => m.memmove(1, 0, 50000, MemFlags.WB));
    tally(() => m.persist(0, m.size));
    tally(() => m.flush(17, 100));
    tally(() => m.drain());
    tally(() => m.read(0, 4096));
    tally(() => m.deepFlush(0, 4096));
    tally(() => m.memcpy(m.size - 1, new Uint8Array(2))); // out of range
    m.delete();
    tally(() => m.delete());
    source.delete();
  }
  const rsv = VmReservation.new(8 * 1024 * 1024);
  const source = Source.fromPath(path);
  const maps = [0, 1, 3].map((slot) =>
    mapNew(
      pageConfig()
        .setLength(65536)
        .setVmReservation(rsv, slot * 2 * 1024 * 1024),
      source,
    ),
  );
  tally(() => rsv.mapFind(2 * 1024 * 1024, 4096));
  tally(() => rsv.mapFindNext(maps[0]));
  tally(() => rsv.shrink(6 * 1024 * 1024, 2 * 1024 * 1024));
  tally(() => rsv.delete());
  for (const m of maps) m.delete();
  tally(() => rsv.shrink(6 * 1024 * 1024, 2 * 1024 * 1024));
  tally(() => rsv.delete());
  source.delete();
}
report({ ...counts, foreignKinds: [...counts.foreignKinds], registry: mappingRegistry.size });
