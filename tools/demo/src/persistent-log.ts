// persistent-log.ts -- an append-only log on a @pmem2/map mapping: persist the record, then the tail

import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { Config, Granularity } from '@pmem2/config';
import { mapNew, type Pmem2Map } from '@pmem2/map';
import { Source } from '@pmem2/source';
import {
  encodeRecord,
  HEADER_SIZE,
  logFileSize,
  MAGIC,
  recordOffset,
  recordProblem,
  TAIL_OFFSET,
} from './log-format.js';

/** What {@link PersistentLog.recover} found. */
export interface Recovery {
  /** Records committed: the persisted tail pointer. */
  readonly committed: number;
  /** Committed records that fail verification (index and problem); empty when all are intact. */
  readonly corrupt: readonly { readonly index: number; readonly problem: string }[];
  /** A complete record sits just past the tail: written, but the tail was not persisted yet. */
  readonly uncommittedAfterTail: boolean;
}

/**
 * A log of fixed-size records in a mapped file. `append` follows the classic commit order of
 * persistent-memory programming:
 *
 * 1. copy the record into its slot past the tail and persist it (`map.memcpy` copies and
 *    persists, like `pmem2_memcpy_fn` without flags);
 * 2. store the new tail (one aligned 8-byte store, so it is never torn) and persist it.
 *
 * A crash between 1 and 2 leaves a record past the tail that recovery ignores; a crash after
 * 2 leaves it committed. Readers trust only records below the persisted tail.
 */
export class PersistentLog {
  readonly #map: Pmem2Map;
  readonly #tail: BigUint64Array;
  readonly recordSize: number;
  readonly capacity: number;

  private constructor(map: Pmem2Map) {
    this.#map = map;
    const view = map.dataView();
    for (let i = 0; i < MAGIC.length; i++) {
      if (view.getUint8(i) !== MAGIC[i]) throw new Error('not a pmem2 demo log (bad magic)');
    }
    this.recordSize = view.getUint32(8, true);
    this.capacity = view.getUint32(12, true);
    if (map.size < logFileSize(this.capacity, this.recordSize)) {
      throw new Error(`log header says ${this.capacity} records, but the file is too short`);
    }
    this.#tail = new BigUint64Array(map.buffer, TAIL_OFFSET, 1);
  }

  /** Creates (or truncates) `path` as an empty log of `capacity` records, persisted. */
  static create(path: string, capacity: number, recordSize: number): void {
    const fd = openSync(path, 'w+');
    try {
      ftruncateSync(fd, logFileSize(capacity, recordSize));
    } finally {
      closeSync(fd);
    }
    const log = PersistentLog.#mapFile(path, (view) => {
      new Uint8Array(view.buffer, view.byteOffset, MAGIC.length).set(MAGIC);
      view.setUint32(8, recordSize, true);
      view.setUint32(12, capacity, true);
    });
    log.#map.persist(0, HEADER_SIZE);
    log.close();
  }

  /** Maps an existing log. */
  static open(path: string): PersistentLog {
    return PersistentLog.#mapFile(path, () => {});
  }

  static #mapFile(path: string, format: (view: DataView) => void): PersistentLog {
    const source = Source.fromPath(path);
    let map: Pmem2Map;
    try {
      // PAGE is the coarsest granularity: every file can be mapped, and persist does what
      // the file needs (msync, cache-line flushes, or only a fence on eADR).
      map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), source);
    } finally {
      source.delete(); // libpmem2 does not need the fd once the mapping exists
    }
    try {
      format(map.dataView());
      return new PersistentLog(map);
    } catch (error) {
      map.delete();
      throw error;
    }
  }

  /** The mapping's effective store granularity (`pmem2_map_get_store_granularity`). */
  get storeGranularity(): Granularity {
    return this.#map.storeGranularity;
  }

  /** The number of committed records (the tail pointer). */
  get committed(): number {
    return Number(Atomics.load(this.#tail, 0));
  }

  /** Appends record number `committed` and commits it; returns its sequence number. */
  append(): number {
    const seq = this.committed;
    if (seq >= this.capacity) throw new Error(`the log is full (${this.capacity} records)`);
    this.#map.memcpy(recordOffset(seq, this.recordSize), encodeRecord(seq, this.recordSize));
    Atomics.store(this.#tail, 0, BigInt(seq + 1));
    this.#map.persist(TAIL_OFFSET, 8);
    return seq;
  }

  /** Verifies every committed record and looks at the slot past the tail. */
  recover(): Recovery {
    const bytes = this.#map.bytes();
    const committed = this.committed;
    const corrupt: { index: number; problem: string }[] = [];
    const slot = (i: number) =>
      bytes.subarray(recordOffset(i, this.recordSize), recordOffset(i + 1, this.recordSize));
    for (let i = 0; i < committed; i++) {
      const problem = recordProblem(slot(i), i);
      if (problem !== null) corrupt.push({ index: i, problem });
    }
    const uncommittedAfterTail =
      committed < this.capacity && recordProblem(slot(committed), committed) === null;
    return { committed, corrupt, uncommittedAfterTail };
  }

  /** Unmaps the log (`pmem2_map_delete`). */
  close(): void {
    this.#map.delete();
  }
}
