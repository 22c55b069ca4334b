// run-ts.ts -- runs one case through @pmem2/* in this process (the TypeScript side), step by step as probe.c

import * as fs from 'node:fs';
import { Config, Granularity, type Sharing } from '@pmem2/config';
import { isPmem2Error } from '@pmem2/errors';
import { mapNew, type Pmem2Map, VmReservation } from '@pmem2/map';
import { Source } from '@pmem2/source';
import { alignClass } from './align-class.js';
import {
  type CallResult,
  type ConformanceCase,
  fnv1a,
  MEM_WINDOW,
  type MemOp,
  memCopySource,
  type Outcome,
  PROT,
  type ReservationOp,
  type ReservationOpResult,
  SAMPLE_BYTES,
  writePattern,
} from './case.js';

const FORCE_VARIABLE = 'PMEM2_FORCE_GRANULARITY';
const OK: CallResult = { ret: 0, msg: '' };

/**
 * The result of a call that threw: a `Pmem2Error` gives its `errno` and `libpmem2Message`;
 * any other exception (a JavaScript-level error that C has no counterpart for) gives `ret: 1`
 * and `"<name>: <message>"`, so it always shows up as a difference.
 */
export function errorResult(e: unknown): CallResult {
  if (isPmem2Error(e)) return { ret: e.errno, msg: e.libpmem2Message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { ret: 1, msg: `${err.name}: ${err.message}` };
}

function attempt<T>(fn: () => T): { result: CallResult; value?: T } {
  try {
    return { result: OK, value: fn() };
  } catch (e) {
    return { result: errorResult(e) };
  }
}

/** Runs a case through @pmem2/* with PMEM2_FORCE_GRANULARITY set as the case says. */
export function runTs(c: ConformanceCase, sourcePath: string): Outcome {
  const saved = process.env[FORCE_VARIABLE];
  if (c.forceGranularity === undefined) delete process.env[FORCE_VARIABLE];
  else process.env[FORCE_VARIABLE] = c.forceGranularity;
  try {
    return runWithEnvironment(c, sourcePath);
  } finally {
    if (saved === undefined) delete process.env[FORCE_VARIABLE];
    else process.env[FORCE_VARIABLE] = saved;
  }
}

function size(c: ConformanceCase, value: bigint): number | bigint {
  return c.asNumbers && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function runWithEnvironment(c: ConformanceCase, sourcePath: string): Outcome {
  const out: Outcome = { id: c.id };
  // premaps[i] is the i-th requested premap, undefined when it failed (as in probe.c)
  const premaps: (Pmem2Map | undefined)[] = [];
  const premapSources: Source[] = [];
  let rsv: VmReservation | undefined;
  let source: Source | undefined;
  let fd = -1;
  try {
    if (c.reservation) {
      const r = c.reservation;
      const created = attempt(() => VmReservation.new(size(c, r.size)));
      out.rsv = created.result;
      if (!created.value) return out;
      rsv = created.value;
      const reservation = rsv;
      out.premaps = r.premaps.map((p) => {
        const premap = attempt(() => {
          const src = Source.fromAnon(size(c, p.length));
          premapSources.push(src);
          const cfg = new Config()
            .setRequiredStoreGranularity(Granularity.PAGE)
            .setVmReservation(reservation, size(c, p.offset));
          return mapNew(cfg, src);
        });
        premaps.push(premap.value);
        return premap.result;
      });
    }

    const opened = openSource(c, sourcePath);
    fd = opened.fd;
    out.source = opened.result;
    if (!opened.source) return out;
    source = opened.source;

    const cfg = new Config();
    const applied = applySetters(c, cfg, out, rsv);

    if (c.source.kind === 'file' && c.source.open === 'closed') {
      fs.closeSync(fd);
      fd = -1;
    }

    const src = source;
    const mapped = attempt(() => mapNew(cfg, src));
    out.map = mapped.result;
    const map = mapped.value;
    // An exception from an accessor is recorded (as `harnessError`), not allowed to end the run.
    const step = (fn: () => void) => {
      const failed = attempt(fn).result;
      if (failed.ret !== 0) out.harnessError = failed;
    };
    if (map) {
      step(() => reportMap(map, rsv, out));
      step(() => reportData(map, applied.protection, fd, applied.offset, out));
      const rw = (PROT.READ | PROT.WRITE) >>> 0;
      const memOps = c.memOps ?? [];
      if (memOps.length > 0 && (applied.protection & rw) >>> 0 === rw) {
        step(() => runMemOps(map, memOps, out));
      }
    }
    const ops = c.reservation?.ops ?? [];
    const reservation = rsv;
    if (reservation && ops.length > 0) {
      step(() => {
        if (!runReservationOps(reservation, ops, map, premaps, out)) rsv = undefined;
      });
    }
    if (map) out.delete = attempt(() => map.delete()).result;
    return out;
  } finally {
    for (const m of premaps) m?.delete();
    for (const s of premapSources) s.delete();
    if (rsv) {
      const reservation = rsv;
      out.rsvDelete = attempt(() => reservation.delete()).result;
    }
    source?.delete();
    if (fd >= 0) fs.closeSync(fd);
  }
}

function openSource(
  c: ConformanceCase,
  sourcePath: string,
): { result: CallResult; source?: Source; fd: number } {
  const s = c.source;
  switch (s.kind) {
    case 'anon': {
      const anon = attempt(() => Source.fromAnon(size(c, s.size)));
      return { result: anon.result, fd: -1, ...(anon.value ? { source: anon.value } : {}) };
    }
    case 'fd': {
      const raw = attempt(() => Source.fromFd(s.fd));
      return { result: raw.result, fd: -1, ...(raw.value ? { source: raw.value } : {}) };
    }
    default: {
      const fd = fs.openSync(sourcePath, openFlags(c));
      const fromFd = attempt(() => Source.fromFd(fd));
      return { result: fromFd.result, fd, ...(fromFd.value ? { source: fromFd.value } : {}) };
    }
  }
}

function openFlags(c: ConformanceCase): number {
  const { O_RDONLY, O_WRONLY, O_RDWR, O_DIRECTORY, O_NONBLOCK } = fs.constants;
  const s = c.source;
  if (s.kind === 'dir') return O_RDONLY | O_DIRECTORY;
  if (s.kind === 'fifo') return O_RDWR | O_NONBLOCK;
  if (s.kind === 'existing') return s.open === 'rdonly' ? O_RDONLY : O_RDWR;
  if (s.kind !== 'file') return O_RDWR;
  if (s.open === 'rdonly') return O_RDONLY;
  if (s.open === 'wronly') return O_WRONLY;
  return O_RDWR;
}

/** Calls the setters the case names, in probe.c's order; returns what the config then holds. */
function applySetters(
  c: ConformanceCase,
  cfg: Config,
  out: Outcome,
  rsv: VmReservation | undefined,
): { protection: number; offset: bigint } {
  const applied = { protection: PROT.READ + PROT.WRITE, offset: 0n };
  const { granularity, offset, length, protection, sharing } = c;
  if (granularity !== undefined) {
    out.setGranularity = attempt(() =>
      cfg.setRequiredStoreGranularity(granularity as Granularity),
    ).result;
  }
  if (offset !== undefined) {
    out.setOffset = attempt(() => cfg.setOffset(size(c, offset))).result;
    if (out.setOffset.ret === 0) applied.offset = offset;
  }
  if (length !== undefined) {
    out.setLength = attempt(() => cfg.setLength(size(c, length))).result;
  }
  if (protection !== undefined) {
    out.setProtection = attempt(() => cfg.setProtection(protection)).result;
    if (out.setProtection.ret === 0) applied.protection = protection;
  }
  if (sharing !== undefined) {
    out.setSharing = attempt(() => cfg.setSharing(sharing as Sharing)).result;
  }
  if (rsv && c.reservation) {
    const at = c.reservation.offset;
    out.setVmReservation = attempt(() => cfg.setVmReservation(rsv, size(c, at))).result;
  }
  return applied;
}

/** Mirrors probe.c's run_mem_ops: the same skip rule, then the checksum of the window. */
function runMemOps(map: Pmem2Map, ops: readonly MemOp[], out: Outcome): void {
  const size = map.size;
  const inside = (offset: number, length: number) => offset <= size && length <= size - offset;
  const errors: CallResult[] = [];
  let ran = 0;
  for (const o of ops) {
    let call: () => void;
    if (o.fn === 'memset') {
      if (!inside(o.offset, o.length)) continue;
      call = () => map.memset(o.offset, o.value, o.length, o.flags);
    } else if (o.fn === 'memmove') {
      if (!inside(o.dst, o.length) || !inside(o.src, o.length)) continue;
      call = () => map.memmove(o.dst, o.src, o.length, o.flags);
    } else {
      if (!inside(o.dst, o.length) || o.length > MEM_WINDOW) continue;
      call = () => map.memcpy(o.dst, memCopySource(o.length), o.flags);
    }
    const result = attempt(call).result;
    if (result.ret !== 0) errors.push(result);
    ran++;
  }
  out.memOpsRun = ran;
  out.memSum = fnv1a(map.read(0, Math.min(size, MEM_WINDOW)));
  if (errors.length > 0) out.memErrors = errors;
}

/** Which of the case's maps a find returned (mirrors probe.c's map_name). */
function mapName(
  found: Pmem2Map,
  map: Pmem2Map | undefined,
  premaps: readonly (Pmem2Map | undefined)[],
): string {
  if (found === map) return 'self';
  const i = premaps.indexOf(found);
  return i >= 0 ? `premap${i}` : 'other';
}

/**
 * Mirrors probe.c's run_rsv_ops; returns false when a `delete` succeeded (the reservation is
 * gone and the remaining operations are not run).
 */
function runReservationOps(
  rsv: VmReservation,
  ops: readonly ReservationOp[],
  map: Pmem2Map | undefined,
  premaps: readonly (Pmem2Map | undefined)[],
  out: Outcome,
): boolean {
  const results: ReservationOpResult[] = [];
  out.rsvOps = results;
  for (const o of ops) {
    if ((o.op === 'next' || o.op === 'prev') && !map) continue;
    const name = o.op;
    let find: (() => Pmem2Map) | undefined;
    switch (o.op) {
      case 'extend':
        results.push({ op: name, ...attempt(() => rsv.extend(o.size)).result });
        break;
      case 'shrink':
        results.push({ op: name, ...attempt(() => rsv.shrink(o.offset, o.size)).result });
        break;
      case 'delete': {
        const deleted = attempt(() => rsv.delete()).result;
        results.push({ op: name, ...deleted });
        if (deleted.ret === 0) return false;
        break;
      }
      case 'find':
        find = () => rsv.mapFind(o.offset, o.length);
        break;
      case 'first':
        find = () => rsv.mapFindFirst();
        break;
      case 'last':
        find = () => rsv.mapFindLast();
        break;
      case 'next':
        find = () => rsv.mapFindNext(map as Pmem2Map);
        break;
      case 'prev':
        find = () => rsv.mapFindPrev(map as Pmem2Map);
        break;
    }
    if (find) {
      const found = attempt(find);
      const which = found.value ? mapName(found.value, map, premaps) : 'none';
      results.push({ op: name, ...found.result, found: which });
    }
  }
  out.rsvSize = rsv.size;
  return true;
}

function reportMap(map: Pmem2Map, rsv: VmReservation | undefined, out: Outcome): void {
  out.size = map.size;
  out.granularity = map.storeGranularity;
  out.align = alignClass(map.address);
  if (rsv) out.rsvOffset = Number(map.address - rsv.address);
}

/** Mirrors probe.c's report_data with the TypeScript accessors. */
function reportData(
  map: Pmem2Map,
  protection: number,
  fd: number,
  fileOffset: bigint,
  out: Outcome,
): void {
  const total = map.size;
  const n = Math.min(total, SAMPLE_BYTES);
  const readable = (protection & PROT.READ) !== 0;
  const writable = (protection & PROT.WRITE) !== 0;
  if (readable) {
    out.head = fnv1a(map.read(0, n));
    out.tail = fnv1a(map.read(total - n, n));
  }
  if (!writable) return;

  // C stores through the pointer, then persists. A readable mapping does the same through
  // its view; a write-only one has no view (a view is readable), so it stores with memcpy,
  // which persists too.
  const written = attempt(() => {
    if (!readable) {
      map.memcpy(
        0,
        Uint8Array.from({ length: n }, (_, i) => writePattern(i)),
      );
      map.memcpy(
        total - n,
        Uint8Array.from({ length: n }, (_, i) => writePattern(total - n + i)),
      );
      return;
    }
    const bytes = map.bytes();
    for (let i = 0; i < n; i++) {
      bytes[i] = writePattern(i);
      bytes[total - n + i] = writePattern(total - n + i);
    }
    map.persist(0, n);
    map.persist(total - n, n);
  });
  if (written.result.ret !== 0) {
    out.writeError = written.result;
    return;
  }
  if (readable) {
    const head = map.read(0, n);
    const tail = map.read(total - n, n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      ok = head[i] === writePattern(i) && tail[i] === writePattern(total - n + i);
    }
    out.readBack = ok;
  }
  if (fd >= 0) {
    const buf = new Uint8Array(n);
    const got = fs.readSync(fd, buf, 0, n, fileOffset);
    out.fileSees = got === n && buf.every((b, i) => b === writePattern(i));
  }
}
