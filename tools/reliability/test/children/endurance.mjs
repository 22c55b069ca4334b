// endurance.mjs -- many cycles of one kind (argv: kind, count, dir); answers the resident
// memory, open fds and /proc/self/maps lines at the baseline (after a warm-up) and at the end

import { readdirSync } from 'node:fs';
import { VmReservation } from '@pmem2/map';
import { makeFile, mapNew, pageConfig, Sharing, Source } from './common.mjs';
import { mappingRegistry, mapsLines, report, rssBytes } from './lib.mjs';

const [, , kind, countText, dir] = process.argv;
const count = Number(countText);
const KIB = 1024;
const MIB = 1024 * KIB;
const path = makeFile(dir, `endurance-${kind}`, 8 * MIB);
const sizes = [4 * KIB, 64 * KIB, MIB, 2 * MIB + 4 * KIB, 8 * MIB - 4 * KIB];

/** One mapNew/delete cycle over sizes, sources and sharing chosen by `i`. */
function mapCycle(i) {
  const size = sizes[i % sizes.length];
  const anon = i % 3 === 0;
  const source = anon ? Source.fromAnon(size) : Source.fromPath(path);
  const sharing = i % 2 ? Sharing.SHARED : Sharing.PRIVATE;
  const map = mapNew(pageConfig(undefined, sharing).setLength(anon ? 0 : size), source);
  map.bytes()[size - 1] = i & 0xff;
  map.delete();
  source.delete();
}

/** One reservation create/map/delete cycle. */
function reservationCycle(i, source) {
  const rsv = VmReservation.new(4 * MIB);
  const a = mapNew(
    pageConfig()
      .setLength(64 * KIB)
      .setVmReservation(rsv, 0),
    source,
  );
  const b = mapNew(
    pageConfig()
      .setLength(sizes[i % 3])
      .setVmReservation(rsv, 2 * MIB),
    source,
  );
  if (i % 4 === 0) rsv.extend(2 * MIB);
  a.delete();
  b.delete();
  if (i % 4 === 1) rsv.shrink(0, 2 * MIB);
  rsv.delete();
}

/** Persist calls on PAGE, forced CACHE_LINE and anonymous (BYTE) maps; 1 in 16 is dirty. */
function persistRun(n) {
  const maps = [];
  for (const forced of ['PAGE', 'CACHE_LINE']) {
    process.env.PMEM2_FORCE_GRANULARITY = forced;
    const source = Source.fromPath(path);
    maps.push(mapNew(pageConfig(), source));
    source.delete();
  }
  delete process.env.PMEM2_FORCE_GRANULARITY;
  const anon = Source.fromAnon(MIB);
  maps.push(mapNew(pageConfig(), anon));
  const views = maps.map((m) => m.bytes());
  for (let i = 0; i < n; i++) {
    const which = i % 3;
    const offset = ((i * 4096) % (MIB - 4096)) + (i % 61);
    if (i % 256 === 0) views[which][offset] = i & 0xff;
    maps[which].persist(offset, 64 + (i % 4096));
  }
  for (const m of maps) m.delete();
}

const ARENA = 64n * BigInt(MIB);

/**
 * The address space in lines that a leak of ours could leave: anonymous PROT_READ
 * placeholders (r--p), shared anonymous maps (/dev/zero), the test file, and PROT_NONE
 * reservations or mends (---p) — except glibc malloc arena tails (---p ending on a 64 MiB
 * boundary), which Node's threads create and resize on their own.
 */
function candidateBytes() {
  let sum = 0n;
  for (const line of mapsLines()) {
    const [range, perms, , , , name = ''] = line.split(/\s+/);
    const [lo, hi] = range.split('-').map((x) => BigInt(`0x${x}`));
    const anon = name === '';
    const ours =
      (anon && perms === 'r--p') ||
      name.startsWith('/dev/zero') ||
      name === path ||
      (anon && perms === '---p' && hi % ARENA !== 0n);
    if (ours) sum += hi - lo;
  }
  return Number(sum);
}

/**
 * A V8 heap page: anonymous rw-p of exactly 256 KiB. V8 keeps a pool of them that grows with
 * the garbage a loop makes (no mapping of ours has that size and protection here; heapUsed
 * and RSS watch V8 itself).
 */
function isV8HeapPage(line) {
  const [range, perms, , , , name = ''] = line.split(/\s+/);
  const [lo, hi] = range.split('-').map((x) => BigInt(`0x${x}`));
  return name === '' && perms === 'rw-p' && hi - lo === 256n * BigInt(KIB);
}

/**
 * What the leak check compares, once garbage is gone: N-API finalizers (the mappings' external
 * ArrayBuffers) run after the collection that found them, so collect, let them run, collect.
 */
async function measure() {
  for (let round = 0; round < 3; round++) {
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
  }
  return {
    rss: rssBytes(),
    heapUsed: process.memoryUsage().heapUsed,
    external: process.memoryUsage().external,
    fds: readdirSync('/proc/self/fd').length,
    maps: mapsLines().filter((line) => !isV8HeapPage(line)).length,
    vmBytes: candidateBytes(),
    fileLines: mapsLines().filter((line) => line.includes(path)).length,
  };
}

const source = Source.fromPath(path);
const warm = Math.min(200, count);
for (let i = 0; i < warm; i++) {
  if (kind === 'map') mapCycle(i);
  else if (kind === 'reservation') reservationCycle(i, source);
}
if (kind === 'persist') persistRun(1000);
const baseline = await measure();
if (kind === 'map') for (let i = 0; i < count; i++) mapCycle(i);
else if (kind === 'reservation') for (let i = 0; i < count; i++) reservationCycle(i, source);
else persistRun(count);
const end = await measure();
source.delete();
report({ baseline, end, registry: mappingRegistry.size });
