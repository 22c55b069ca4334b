// fuzz.mjs -- fast-check properties over mapNew's whole input space and over the mem
// functions' arguments (argv: property, runs, dir; env PMEM2_FUZZ_SEED replays a run).
// Never a crash, never an error that is not a Pmem2Error, never a leaked mapping; the mem
// functions must leave exactly the bytes a shadow copy predicts.

import { closeSync, existsSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Pmem2Error } from '@pmem2/errors';
import { VmReservation } from '@pmem2/map';
import fc from 'fast-check';
import { Config, makeFile, mapNew, Protection, pageConfig, Sharing, Source } from './common.mjs';
import { diff, mappingRegistry, report, snapshot } from './lib.mjs';

const [, , property, runsText, dir] = process.argv;
const runs = Number(runsText);
const seed =
  process.env.PMEM2_FUZZ_SEED === undefined ? Date.now() : Number(process.env.PMEM2_FUZZ_SEED);
const PAGE = 4096;
const codes = {};

/** Runs fn; a Pmem2Error is counted by code, anything else fails the property. */
function expectPmem2(fn) {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof Pmem2Error)) throw error;
    codes[error.code] = (codes[error.code] ?? 0) + 1;
    return undefined;
  }
}

/** Whether fn ran without throwing (a Pmem2Error is counted, anything else rethrown). */
function succeeds(fn) {
  return (
    expectPmem2(() => {
      fn();
      return true;
    }) === true
  );
}

const sizeArb = fc.oneof(
  fc.constantFrom(0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 3 * PAGE + 17, 64 * 1024),
  fc.integer({ min: 0, max: 16 * PAGE }),
);
const pagesArb = fc.bigInt({ min: 0n, max: 20n }).map((pages) => pages * 4096n);
const offsetArb = fc.oneof(
  { arbitrary: pagesArb, weight: 3 },
  fc.constantFrom(0n, 1n, 4096n, 8192n, 4095n, 65536n, 2n ** 62n, 2n ** 63n - 1n),
  fc.bigInt({ min: 0n, max: 20n * 4096n }),
);
const lengthArb = fc.oneof(
  { arbitrary: pagesArb, weight: 3 },
  fc.constantFrom(0n, 1n, 4096n, 8192n, 4097n, 2n ** 40n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 20n * 4096n }),
);
const protectionArb = fc
  .subarray([Protection.READ, Protection.WRITE >>> 0, Protection.EXEC])
  .map((bits) => bits.reduce((a, b) => (a | b) >>> 0, 0));
const mapInputArb = fc.record({
  kind: fc.constantFrom(
    'anon',
    'anon',
    'path-rw',
    'path-rw',
    'path-ro',
    'fd-r',
    'fd-r+',
    'fd-w',
    'fd-dir',
  ),
  fileSize: fc.oneof(
    { arbitrary: sizeArb, weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 24 }).map((p) => p * PAGE), weight: 2 },
  ),
  granularity: fc.constantFrom(undefined, 0, 1, 2, 2, 2),
  offset: offsetArb,
  length: lengthArb,
  protection: protectionArb,
  sharing: fc.constantFrom(Sharing.SHARED, Sharing.PRIVATE),
  reservation: fc.option(
    fc.record({
      pages: fc.integer({ min: 1, max: 600 }),
      offsetPages: fc.integer({ min: 0, max: 600 }),
      unaligned: fc.boolean(),
      occupied: fc.boolean(),
      extendPages: fc.integer({ min: 0, max: 4 }),
    }),
    { nil: undefined },
  ),
  force: fc.constantFrom(undefined, 'PAGE', 'CACHE_LINE', 'BYTE', 'bogus'),
});

mkdirSync(join(dir, 'fuzz-dir'), { recursive: true });
let fileCounter = 0;

/** One mapNew over `input`; whatever it maps is used where allowed and deleted. */
function mapCase(input) {
  const path = makeFile(dir, `fuzz-${fileCounter++ % 4}`, input.fileSize);
  const cleanups = [];
  try {
    let source;
    if (input.kind === 'anon') source = expectPmem2(() => Source.fromAnon(input.fileSize));
    else if (input.kind === 'path-rw') source = expectPmem2(() => Source.fromPath(path));
    else if (input.kind === 'path-ro')
      source = expectPmem2(() => Source.fromPath(path, { readOnly: true }));
    else {
      const dirFd = input.kind === 'fd-dir';
      const fd = openSync(dirFd ? join(dir, 'fuzz-dir') : path, dirFd ? 'r' : input.kind.slice(3));
      cleanups.push(() => closeSync(fd));
      source = expectPmem2(() => Source.fromFd(fd));
    }
    if (source === undefined) return;
    cleanups.push(() => source.delete());
    const config = new Config();
    expectPmem2(() => {
      if (input.granularity !== undefined) config.setRequiredStoreGranularity(input.granularity);
      config.setOffset(input.offset).setLength(input.length);
      config.setProtection(input.protection).setSharing(input.sharing);
    });
    if (input.reservation !== undefined) {
      const r = input.reservation;
      const rsv = expectPmem2(() => VmReservation.new(r.pages * PAGE));
      if (rsv === undefined) return;
      cleanups.push(() => rsv.delete());
      if (r.extendPages > 0) expectPmem2(() => rsv.extend(r.extendPages * PAGE));
      if (r.occupied) {
        const blocker = expectPmem2(() =>
          mapNew(pageConfig().setVmReservation(rsv, 0), Source.fromAnon(PAGE)),
        );
        if (blocker !== undefined) cleanups.push(() => blocker.delete());
      }
      config.setVmReservation(rsv, r.offsetPages * PAGE + (r.unaligned ? 512 : 0));
    }
    if (input.force === undefined) delete process.env.PMEM2_FORCE_GRANULARITY;
    else process.env.PMEM2_FORCE_GRANULARITY = input.force;
    const map = expectPmem2(() => mapNew(config, source));
    if (map === undefined) return;
    codes.mapped = (codes.mapped ?? 0) + 1;
    cleanups.push(() => map.delete());
    expectPmem2(() => map.read(0, Math.min(map.size, 64)));
    expectPmem2(() => map.memset(0, 1, Math.min(map.size, 64)));
    expectPmem2(() => map.persist(0, map.size));
    expectPmem2(() => map.bytes()[map.size - 1]);
  } finally {
    delete process.env.PMEM2_FORCE_GRANULARITY;
    for (const cleanup of cleanups.reverse()) cleanup();
  }
  if (mappingRegistry.size !== 0)
    throw new Error(`registry holds ${mappingRegistry.size} after a case`);
}

const numberArb = fc.oneof(
  fc.integer({ min: -2, max: 20_000 }),
  fc.constantFrom(Number.NaN, 1.5, -0, 2 ** 53, 2 ** 32, Number.POSITIVE_INFINITY, 16383, 16384),
  fc.bigInt({ min: -2n, max: 20_000n }),
  fc.constantFrom(2n ** 64n, 2n ** 63n),
);
const flagsArb = fc.oneof(fc.integer({ min: 0, max: 63 }), fc.constantFrom(64, -1, 0x7fffffff));
const memOpArb = fc.oneof(
  fc.record({
    op: fc.constant('memcpy'),
    dst: numberArb,
    len: fc.integer({ min: 0, max: 9000 }),
    as: fc.constantFrom('u8', 'dv', 'ab', 'u32'),
    flags: flagsArb,
  }),
  fc.record({
    op: fc.constant('memmove'),
    dst: numberArb,
    src: numberArb,
    len: numberArb,
    flags: flagsArb,
  }),
  fc.record({
    op: fc.constant('memset'),
    dst: numberArb,
    value: fc.integer({ min: -300, max: 300 }),
    len: numberArb,
    flags: flagsArb,
  }),
  fc.record({ op: fc.constant('read'), dst: numberArb, len: numberArb }),
  fc.record({ op: fc.constant('persist'), dst: numberArb, len: numberArb }),
);

/** A safe integer offset/length value, or undefined for the ones the API must refuse. */
function plain(value) {
  const n =
    typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value) : undefined;
  return n === undefined || n < 0n ? undefined : Number(n);
}

/** One mem-function call on `map`, checked against the shadow copy. */
function memCase(map, shadow, c) {
  const before = shadow.slice();
  const dst = plain(c.dst);
  let expectOk = false;
  if (c.op === 'memcpy') {
    const bytes = new Uint8Array(c.len).map((_, k) => (k * 13 + c.len) & 0xff);
    const src =
      c.as === 'u8'
        ? bytes
        : c.as === 'dv'
          ? new DataView(bytes.buffer)
          : c.as === 'ab'
            ? bytes.buffer
            : new Uint32Array(bytes.buffer, 0, c.len >>> 2);
    const count = src.byteLength;
    const ok = succeeds(() => map.memcpy(c.dst, src, c.flags));
    expectOk = dst !== undefined && dst + count <= shadow.length && c.flags >= 0 && c.flags <= 63;
    if (ok) shadow.set(bytes.subarray(0, count), dst);
  } else if (c.op === 'memmove') {
    const src = plain(c.src);
    const len = plain(c.len);
    const ok = succeeds(() => map.memmove(c.dst, c.src, c.len, c.flags));
    expectOk =
      dst !== undefined &&
      src !== undefined &&
      len !== undefined &&
      dst + len <= shadow.length &&
      src + len <= shadow.length &&
      c.flags >= 0 &&
      c.flags <= 63;
    if (ok) shadow.copyWithin(dst, src, src + len);
  } else if (c.op === 'memset') {
    const len = plain(c.len);
    const ok = succeeds(() => map.memset(c.dst, c.value, c.len, c.flags));
    expectOk =
      dst !== undefined &&
      len !== undefined &&
      dst + len <= shadow.length &&
      c.flags >= 0 &&
      c.flags <= 63;
    if (ok) shadow.fill(c.value & 0xff, dst, dst + len);
  } else if (c.op === 'read') {
    const len = plain(c.len);
    const got = expectPmem2(() => map.read(c.dst, c.len));
    expectOk = dst !== undefined && len !== undefined && dst + len <= shadow.length;
    if (got !== undefined && !got.every((b, k) => b === shadow[dst + k]))
      throw new Error('read differs from the shadow');
  } else {
    const len = plain(c.len);
    const ok = succeeds(() => map.persist(c.dst, c.len));
    expectOk = dst !== undefined && len !== undefined && dst + len <= shadow.length;
    if (ok !== true && expectOk) throw new Error('persist refused a valid range');
  }
  const actual = map.read(0, shadow.length);
  if (expectOk === false && !before.every((b, k) => b === actual[k])) {
    throw new Error(`${c.op} changed bytes although it was refused`);
  }
  if (!actual.every((b, k) => b === shadow[k]))
    throw new Error(`${c.op} left bytes the shadow does not predict`);
}

const cleanupAtExit = [];
const before = snapshot();
let result;
if (property === 'map') {
  result = fc.check(
    fc.property(mapInputArb, (input) => mapCase(input)),
    { numRuns: runs, seed },
  );
} else {
  // on tmpfs when there is one: PAGE-granularity mem functions msync, which is a disk write
  // per dirty page on a disk file system and would make the run I/O-bound
  const memDir = process.env.PMEM2_TEST_SHM ?? (existsSync('/dev/shm') ? '/dev/shm' : dir);
  const path = makeFile(memDir, `pmem2-reliability-fuzz-${process.pid}`, 16384);
  cleanupAtExit.push(() => unlinkSync(path));
  const maps = [Source.fromAnon(16384), Source.fromPath(path)].map((source) => {
    const map = mapNew(pageConfig(), source);
    source.delete();
    return map;
  });
  const shadows = maps.map((m) => new Uint8Array(m.size));
  result = fc.check(
    fc.property(fc.nat(1), memOpArb, (which, c) => memCase(maps[which], shadows[which], c)),
    { numRuns: runs, seed },
  );
  for (const map of maps) map.delete();
}
for (const cleanup of cleanupAtExit) cleanup();
// collect the garbage of the run first: a large malloc'd ArrayBuffer backing store still
// waiting for its collection is a new anonymous range that would read as a leaked mapping
globalThis.gc?.();
report({
  property,
  seed,
  runs: result.numRuns,
  failed: result.failed,
  counterexample: result.failed ? fc.stringify(result.counterexample) : null,
  error: result.failed ? String(result.errorInstance?.stack ?? result.error).slice(0, 2000) : null,
  codes,
  leak: diff(before, snapshot()),
});
