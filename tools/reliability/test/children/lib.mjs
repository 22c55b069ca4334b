// lib.mjs -- shared by the child scripts: process snapshots, error capture, the map registry

import { openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Pmem2Error } from '@pmem2/errors';
import { ARM_PATH } from '@pmem2/fault-inject';

// Create the stdout stream now: Node opens and fcntls it lazily, which an armed fault would hit.
process.stdout;

const mapDist = new URL('.', import.meta.resolve('@pmem2/map'));
/** @pmem2/map's realm-wide registry of live mappings (internal module, same instance). */
export const { mappingRegistry } = await import(new URL('registry.js', mapDist).href);

/** Lines of /proc/self/maps. */
export function mapsLines() {
  return readFileSync('/proc/self/maps', 'utf8').trim().split('\n');
}

/** The open fds with their targets. */
export function openFds() {
  const fds = {};
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds[fd] = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // the fd readdir itself used
    }
  }
  return fds;
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes() {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** What a leak check compares: the mappings (as text) and the fds. */
export function snapshot() {
  return { maps: mapsLines(), fds: openFds(), registry: mappingRegistry.size };
}

/** [start, end) of a /proc/self/maps line, as bigints. */
function rangeOf(line) {
  const [lo, hi] = line.split(' ')[0].split('-');
  return [BigInt(`0x${lo}`), BigInt(`0x${hi}`)];
}

const ARENA = 64n * 1024n * 1024n;

/**
 * Whether a line is part of a glibc malloc arena of Node's threads: an anonymous rw-p head
 * starting on a 64 MiB boundary, or the ---p rest of it ending on one.
 */
function mallocArena(line) {
  const [range, perms, , , , name] = line.split(/\s+/);
  if (name) return false;
  const [lo, hi] = rangeOf(range);
  return (perms === 'rw-p' && lo % ARENA === 0n) || (perms === '---p' && hi % ARENA === 0n);
}

/** The bytes of address space all lines cover. */
function virtualBytes(lines) {
  return lines.reduce((sum, line) => {
    const [lo, hi] = rangeOf(line);
    return sum + (hi - lo);
  }, 0n);
}

/**
 * What changed between two snapshots, in a form that Node's own activity (malloc arenas and
 * V8 pages growing in place) does not disturb: `fileLines` are mappings of files whose path
 * contains `marker` (the test's directory); `newBig` are new ranges of at least `big` bytes
 * that overlap nothing that was mapped before (a leaked placeholder, reservation or mapping
 * of the sizes the tests use); `vmDelta` is the change of the total mapped size, which also
 * sees leaks the kernel merged into a neighbour (malloc arenas of Node's threads excepted). Fds and the registry are compared exactly.
 */
export function diff(before, after, { marker = 'pmem2-reliability', big = 8 * 1024 * 1024 } = {}) {
  const old = before.maps.map(rangeOf);
  const fdsAdded = Object.keys(after.fds).filter((fd) => !(fd in before.fds));
  const fdsRemoved = Object.keys(before.fds).filter((fd) => !(fd in after.fds));
  return {
    fileLines: after.maps.filter((l) => l.includes(marker)),
    newBig: after.maps.filter((line) => {
      const [lo, hi] = rangeOf(line);
      return (
        hi - lo >= BigInt(big) && !old.some(([a, b]) => lo < b && a < hi) && !mallocArena(line)
      );
    }),
    vmDelta: Number(
      virtualBytes(after.maps.filter((l) => !mallocArena(l))) -
        virtualBytes(before.maps.filter((l) => !mallocArena(l))),
    ),
    fdsAdded: fdsAdded.map((fd) => `${fd} -> ${after.fds[fd]}`),
    fdsRemoved: fdsRemoved.map((fd) => `${fd} -> ${before.fds[fd]}`),
    registry: after.registry - before.registry,
  };
}

/** Runs fn and describes its plain result or what it threw: the Pmem2Error code/errno/message, or the other kind. */
export function outcome(fn) {
  try {
    const value = fn();
    const plain = ['number', 'string', 'boolean', 'bigint'].includes(typeof value);
    return plain
      ? { ok: true, value: typeof value === 'bigint' ? `${value}n` : value }
      : { ok: true };
  } catch (error) {
    if (error instanceof Pmem2Error) {
      return { code: error.code, errno: error.errno, text: error.libpmem2Message };
    }
    return { foreign: `${error?.constructor?.name}: ${error?.message}` };
  }
}

/** Arms the fault-inject shim (a no-op without it). */
export function arm() {
  try {
    openSync(ARM_PATH, 'r');
  } catch {
    // the shim answers ENOENT
  }
}

/** Writes the child's result as one JSON line. */
export function report(value) {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}\n`,
  );
}
