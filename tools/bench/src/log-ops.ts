// log-ops.ts -- the JS side of the log rows: @pmem2/log, and the same protocol by hand on
// node:fs and @riaskov/mmap-io (records as @pmem2/log lays them out, one CRC-32 and one sync
// a group), mirroring c/log_bench.c

import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import type { PreparedOps } from './js-ops.js';
import type { MmapIo } from './mmap-io-api.js';
import { type JsPeers, withPeer } from './peers.js';
import type { BenchCase } from './types.js';

type LogModule = typeof import('@pmem2/log');
type MapModule = typeof import('@pmem2/map');
type ConfigModule = typeof import('@pmem2/config');
type SourceModule = typeof import('@pmem2/source');

const HEADER = 4096;
const PAGE = 4096;
const RECORD_HEADER = 16;
const COMMIT_SIZE = 32;
const SEED = 0x2545f491;
const GRANULARITY_NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'];

const modules: Promise<[LogModule, MapModule, ConfigModule, SourceModule] | string> = Promise.all([
  import('@pmem2/log'),
  import('@pmem2/map'),
  import('@pmem2/config'),
  import('@pmem2/source'),
]).catch(
  (e: unknown) =>
    `not available yet: @pmem2/log cannot be imported (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
);
const loaded = await modules;

const recordSize = (len: number): number => Math.ceil((RECORD_HEADER + len) / 8) * 8;

/** Creates the case's file written in full and fsynced: no sample pays for block allocation. */
function filledFile(c: BenchCase): number {
  const fd = fs.openSync(c.path, 'w+');
  const zeros = Buffer.alloc(1024 * 1024);
  for (let off = 0; off < HEADER + c.size; off += zeros.length) {
    fs.writeSync(fd, zeros, 0, Math.min(zeros.length, HEADER + c.size - off), off);
  }
  fs.fsyncSync(fd);
  return fd;
}

/** Room for `n` more records and their commits from `tail` in an area of `size` bytes. */
function fits(c: BenchCase, tail: number, n: number): boolean {
  return tail + n * recordSize(c.len) + (Math.floor(n / c.flags) + 2) * COMMIT_SIZE <= c.size;
}

/** @pmem2/log on two mappings of the case's file (header, area), every page touched first. */
function pmem2LogOps(c: BenchCase): PreparedOps | { unavailable: string } {
  if (typeof loaded === 'string') return { unavailable: loaded };
  const [{ LinearLog }, { mapNew }, { Config, Granularity }, { Source }] = loaded;
  const fd = filledFile(c);
  const source = Source.fromFd(fd);
  const map = (offset: number, length: number) =>
    mapNew(
      new Config()
        .setRequiredStoreGranularity(Granularity.PAGE)
        .setOffset(offset)
        .setLength(length),
      source,
    );
  const header = map(0, HEADER);
  const area = map(HEADER, c.size);
  const bytes = area.bytes();
  for (let off = 0; off < bytes.length; off += PAGE) bytes[off] = 0;
  const storage = {
    header,
    areas: [area],
    close() {
      header.delete();
      area.delete();
      source.delete();
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.rmSync(c.path, { force: true });
    },
  };
  let log = LinearLog.format(storage, { autoCommit: false });
  const payload = new Uint8Array(c.len).fill(0x5a);
  const group = c.flags;
  let pending = 0;
  let last = 1;
  const room = (n: number): void => {
    if (!fits(c, log.tail, n)) {
      log = LinearLog.format(storage, { autoCommit: false }); // start over, as log_bench.c
      pending = 0;
    }
  };
  return {
    effectiveGranularity: GRANULARITY_NAMES[area.storeGranularity] ?? 'unknown',
    run(n) {
      room(n);
      last = n;
      for (let k = 0; k < n; k++) {
        log.append(payload);
        if (++pending === group) {
          log.commit();
          pending = 0;
        }
      }
    },
    betweenSamples: async () => room(last),
    close: () => log.close(),
  };
}

/** Writes @pmem2/log's records into `bytes` and seals groups, for the hand-written peers. */
class RecordWriter {
  readonly #bytes: Uint8Array;
  readonly #words: Uint32Array;
  readonly #payload: Uint8Array;
  readonly #record: number;
  tail = 0;
  groupStart = 0;
  count = 0;

  constructor(bytes: Uint8Array, len: number) {
    this.#bytes = bytes;
    this.#words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    this.#payload = new Uint8Array(len).fill(0x5a);
    this.#record = recordSize(len);
  }

  #header(at: number, length: number, type: number): void {
    const w = at / 4;
    this.#words[w] = length;
    this.#words[w + 1] = 1;
    this.#words[w + 2] = (this.tail >>> 0) + type;
    this.#words[w + 3] = 0;
  }

  append(): void {
    this.#header(this.tail, this.#payload.length, 1);
    this.#bytes.set(this.#payload, this.tail + RECORD_HEADER);
    // zeros to the next multiple of 8, as @pmem2/log and log_bench.c (no call when none)
    const end = this.tail + RECORD_HEADER + this.#payload.length;
    if (end !== this.tail + this.#record) this.#bytes.fill(0, end, this.tail + this.#record);
    this.tail += this.#record;
    this.count++;
  }

  /** Writes the commit record; returns the group's range [start, end). */
  seal(): [number, number] {
    const at = this.tail;
    this.#header(at, COMMIT_SIZE - RECORD_HEADER, 3);
    const w = at / 4;
    this.#words[w + 4] = this.groupStart;
    this.#words[w + 5] = 0;
    this.#words[w + 6] = this.count;
    this.#words[w + 7] = crc32(this.#bytes.subarray(this.groupStart, at + 28), SEED);
    const range: [number, number] = [this.groupStart, at + COMMIT_SIZE];
    this.tail = this.groupStart = at + COMMIT_SIZE;
    this.count = 0;
    return range;
  }

  restart(): void {
    this.tail = this.groupStart = this.count = 0;
  }
}

/**
 * A peer that writes the records by hand: `durable(start, end)` makes a sealed group durable;
 * `tail()` and `restart()` tell where the next group goes and start the log over.
 */
function handWritten(
  c: BenchCase,
  writer: RecordWriter,
  tail: () => number,
  restart: () => void,
  durable: (start: number, end: number) => void,
  close: () => void,
): PreparedOps {
  let last = 1;
  const room = (n: number): void => {
    if (!fits(c, tail(), n)) restart();
  };
  return {
    effectiveGranularity: 'n/a',
    run(n) {
      room(n);
      last = n;
      for (let k = 0; k < n; k++) {
        writer.append();
        if (writer.count === c.flags) durable(...writer.seal());
      }
    },
    betweenSamples: async () => room(last),
    close,
  };
}

/** The protocol through @riaskov/mmap-io: stores into its Buffer, sync(MS_SYNC) a group. */
function mmapIoLogOps(c: BenchCase, mmap: MmapIo): PreparedOps {
  const fd = filledFile(c);
  const buf = mmap.map(HEADER + c.size, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_SHARED, fd, 0);
  for (let off = 0; off < buf.length; off += PAGE) buf[off] = 0;
  const writer = new RecordWriter(buf.subarray(HEADER), c.len);
  const sync = (start: number, end: number): void => {
    const from = HEADER + start - ((HEADER + start) % PAGE);
    mmap.sync(buf, from, HEADER + end - from, true, false);
  };
  return handWritten(
    c,
    writer,
    () => writer.tail,
    () => writer.restart(),
    sync,
    () => {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.rmSync(c.path, { force: true });
    },
  );
}

/** The protocol through node:fs: records built in memory, one writeSync + fdatasync a group. */
function nodeFsLogOps(c: BenchCase): PreparedOps {
  const fd = filledFile(c);
  const group = Buffer.alloc(c.flags * recordSize(c.len) + COMMIT_SIZE);
  const writer = new RecordWriter(group, c.len);
  let position = 0;
  const write = (_start: number, end: number): void => {
    fs.writeSync(fd, group, 0, end, HEADER + position);
    fs.fdatasyncSync(fd);
    position += end;
    writer.restart();
  };
  const restart = (): void => {
    position = 0;
  };
  return handWritten(
    c,
    writer,
    () => position,
    restart,
    write,
    () => {
      fs.closeSync(fd);
      fs.rmSync(c.path, { force: true });
    },
  );
}

/** Prepares a log row for its peer, or says why the peer cannot run it. */
export function prepareLogOps(c: BenchCase, peers: JsPeers): PreparedOps | { unavailable: string } {
  switch (c.peer) {
    case 'js-log':
      return pmem2LogOps(c);
    case 'mmap-io':
      return withPeer(peers.mmapIo, (io) => mmapIoLogOps(c, io));
    case 'node-fs':
      return nodeFsLogOps(c);
    default:
      throw new Error(`${c.peer} runs no log rows in the JS runner`);
  }
}
