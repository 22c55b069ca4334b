// append-log.ts -- what both log shapes offer: append, group commit, read, iterate, close

import type { Granularity } from '@pmem2/config';
import type { LogEngine } from './engine.js';

/** One record met by {@link AppendLog.records}. */
export interface LogRecord {
  /** Where the record starts: what `append` returned for it. */
  readonly position: number;
  /** A copy of the payload. */
  readonly data: Uint8Array;
}

const decoder = new TextDecoder();

/**
 * The operations of {@link LinearLog} and {@link RingLog}: variable-length records in mapped
 * memory, made durable a group at a time.
 *
 * @remarks
 * Durability: {@link AppendLog.append} only stores the record into the mapping. A *group*
 * of appended records becomes durable with one {@link AppendLog.commit} (or
 * {@link AppendLog.commitAsync}, or automatically, see `autoCommit`): the log writes a
 * commit record carrying the CRC-32 of the whole group, then persists the group's bytes in
 * one go, as the mapping's granularity asks: PAGE → one `msync` over the group's range;
 * CACHE_LINE → cache-line flushes of that range and one drain (sfence); BYTE → one drain.
 * Recovery (`open`) walks the records and keeps exactly the groups whose checksum verifies,
 * so a crash or power loss at any moment leaves a prefix of what was appended that includes
 * every group whose commit returned; a torn or corrupt tail is cut off, never returned.
 *
 * Positions are byte offsets in the log's own numbering; they only grow (a ring reuses its
 * memory, not its positions). Reads see every appended record, committed or not.
 *
 * @see libpmem2: pmem2_get_persist_fn(3), pmem2_get_flush_fn(3), pmem2_get_drain_fn(3)
 */
export abstract class AppendLog implements Disposable {
  readonly #engine: LogEngine;

  /**
   * Not for users: logs come from the static methods of {@link LinearLog} and {@link RingLog}.
   *
   * @throws never.
   */
  protected constructor(engine: LogEngine) {
    this.#engine = engine;
  }

  /**
   * The position of the first live record (0 for a linear log; it moves with `RingLog.trim`).
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   */
  get head(): number {
    return this.#engine.head;
  }

  /**
   * The position after the last appended record: where the next one goes (near there).
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   */
  get tail(): number {
    return this.#engine.tail;
  }

  /**
   * The position up to which everything is durable: the end of the last committed group.
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   */
  get durable(): number {
    return this.#engine.durable;
  }

  /**
   * Records appended since the last commit.
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   */
  get pendingRecords(): number {
    return this.#engine.pendingRecords;
  }

  /**
   * The store granularity of the log's mappings: what a commit does to persist.
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   * @see libpmem2: pmem2_map_get_store_granularity(3)
   */
  get storeGranularity(): Granularity {
    return this.#engine.storeGranularity;
  }

  /** The largest payload, in bytes, {@link AppendLog.append} takes. */
  get maxPayload(): number {
    return this.#engine.maxPayload;
  }

  /** Whether {@link AppendLog.close} was called. */
  get closed(): boolean {
    return this.#engine.closed;
  }

  /**
   * Appends one record (bytes, or a string stored as UTF-8) and returns its position. The
   * record is visible to reads at once and durable after the next commit; when the pending
   * group reaches the `autoCommit` bounds, this call commits it.
   *
   * @throws {@link LogError} `RECORD_TOO_LARGE` above {@link AppendLog.maxPayload};
   *   `LOG_FULL` when there is no room (nothing is written then); `INVALID_ARGUMENT` for
   *   data that is neither a `Uint8Array` nor a string; `LOG_CLOSED` after close; a
   *   `Pmem2Error` from the mapping when an automatic commit fails.
   */
  append(data: Uint8Array | string): number {
    return this.#engine.append(data);
  }

  /**
   * Makes every appended record durable (one persist for the whole group) and returns
   * {@link AppendLog.durable}. Does nothing when nothing is pending.
   *
   * @throws {@link LogError} `LOG_CLOSED` after close; `LOG_FULL` when a linear log cannot
   *   grow for the commit record; a `Pmem2Error` from the mapping (e.g. msync failing), in
   *   which case nothing new counts as durable and a later commit tries again.
   * @see libpmem2: pmem2_get_persist_fn(3), pmem2_get_flush_fn(3), pmem2_get_drain_fn(3)
   */
  commit(): number {
    return this.#engine.commit();
  }

  /**
   * {@link AppendLog.commit} that keeps the event loop turning: at PAGE granularity the
   * group's msync runs on the libuv thread pool (`Pmem2Map.persistAsync`); CACHE_LINE and
   * BYTE commit at once. Resolves with the durable position once this group and every
   * earlier one are durable; concurrent calls resolve in order.
   *
   * @throws {@link LogError} (as a rejection) as {@link AppendLog.commit}.
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  commitAsync(): Promise<number> {
    return this.#engine.commitAsync();
  }

  /**
   * A copy of the payload of the record at `position`.
   *
   * @throws {@link LogError} `BAD_POSITION` when no live record starts there; `LOG_CLOSED`.
   */
  read(position: number): Uint8Array {
    return this.#engine.read(position);
  }

  /**
   * The payload of the record at `position`, decoded as UTF-8.
   *
   * @throws {@link LogError} as {@link AppendLog.read}.
   */
  readString(position: number): string {
    return decoder.decode(this.#engine.read(position));
  }

  /**
   * Iterates the live records in order from `from` (a record's position; the head by
   * default), committed or not, including those appended while iterating.
   *
   * @throws {@link LogError} `BAD_POSITION` when `from` is not a live record's position,
   *   or when records are trimmed under the iterator; `LOG_CLOSED`.
   */
  records(from?: number): IterableIterator<LogRecord> {
    return this.#engine.records(from);
  }

  /**
   * Commits what is pending, then unmaps the log. Closing twice does nothing.
   *
   * @throws a `Pmem2Error` when the final commit fails; the log is closed anyway.
   * @see libpmem2: pmem2_map_delete(3)
   */
  close(): void {
    this.#engine.close();
  }

  /**
   * {@link AppendLog.close}, for `using`.
   *
   * @throws as {@link AppendLog.close}.
   */
  [Symbol.dispose](): void {
    this.#engine.close();
  }
}
