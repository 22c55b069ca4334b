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
   * @hidden
   * @throws never.
   */
  protected constructor(engine: LogEngine) {
    this.#engine = engine;
  }

  /**
   * The position of the first live record (0 for a linear log; it moves with `RingLog.trim`).
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-head-${process.pid}`);
   * const log = LinearLog.create(path);
   * const first = log.append('a');
   * log.head === first; // true: 0, a linear log's head never moves
   * log.close();
   * rmSync(path);
   * ```
   */
  get head(): number {
    return this.#engine.head;
  }

  /**
   * The position after the last appended record: where the next one goes (near there).
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-tail-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.append(new Uint8Array(8));
   * log.tail; // 24: a 16-byte header and 8 bytes of payload
   * log.close();
   * rmSync(path);
   * ```
   */
  get tail(): number {
    return this.#engine.tail;
  }

  /**
   * The position up to which everything is durable: the end of the last committed group.
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-durable-${process.pid}`);
   * const log = LinearLog.create(path, { autoCommit: false });
   * log.append('x');
   * log.durable; // 0: appended, not committed
   * log.commit() === log.durable; // true
   * log.close();
   * rmSync(path);
   * ```
   */
  get durable(): number {
    return this.#engine.durable;
  }

  /**
   * Records appended since the last commit.
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-pending-${process.pid}`);
   * const log = LinearLog.create(path, { autoCommit: false });
   * log.append('a');
   * log.append('b');
   * log.pendingRecords; // 2
   * log.commit();
   * log.pendingRecords; // 0
   * log.close();
   * rmSync(path);
   * ```
   */
  get pendingRecords(): number {
    return this.#engine.pendingRecords;
  }

  /**
   * The store granularity of the log's mappings: what a commit does to persist.
   *
   * @throws {@link LogError} `LOG_CLOSED` after {@link AppendLog.close}.
   * @see libpmem2: pmem2_map_get_store_granularity(3)
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-granularity-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.storeGranularity; // 2 (Granularity.PAGE) for a file on the page cache
   * log.close();
   * rmSync(path);
   * ```
   */
  get storeGranularity(): Granularity {
    return this.#engine.storeGranularity;
  }

  /**
   * The largest payload, in bytes, {@link AppendLog.append} takes.
   *
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-max-${process.pid}`);
   * const log = LinearLog.create(path, { segmentSize: 65536 });
   * log.maxPayload; // 65520: the segment minus a record header
   * log.append(new Uint8Array(65521)); // throws LogError RECORD_TOO_LARGE
   * log.close();
   * rmSync(path);
   * ```
   */
  get maxPayload(): number {
    return this.#engine.maxPayload;
  }

  /**
   * Whether {@link AppendLog.close} was called.
   *
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-closed-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.closed; // false
   * log.close();
   * rmSync(path);
   * ```
   */
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
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-append-${process.pid}`);
   * const log = LinearLog.create(path);
   * const at = log.append('hello');
   * log.append(new Uint8Array([1, 2, 3]));
   * log.readString(at); // 'hello'
   * log.close();
   * rmSync(path);
   * ```
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
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-commit-${process.pid}`);
   * const log = LinearLog.create(path, { autoCommit: false });
   * for (let i = 0; i < 100; i++) log.append(`record ${i}`);
   * log.commit(); // one persist for the 100 records
   * log.close();
   * rmSync(path);
   * ```
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
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-commit-async-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.append('durable soon');
   * await log.commitAsync(); // the event loop keeps running meanwhile
   * log.close();
   * rmSync(path);
   * ```
   */
  commitAsync(): Promise<number> {
    return this.#engine.commitAsync();
  }

  /**
   * A copy of the payload of the record at `position`.
   *
   * @throws {@link LogError} `BAD_POSITION` when no live record starts there; `LOG_CLOSED`.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-read-${process.pid}`);
   * const log = LinearLog.create(path);
   * const at = log.append(new Uint8Array([7, 8]));
   * log.read(at).join(','); // '7,8'
   * log.read(at + 1); // throws LogError BAD_POSITION
   * log.close();
   * rmSync(path);
   * ```
   */
  read(position: number): Uint8Array {
    return this.#engine.read(position);
  }

  /**
   * The payload of the record at `position`, decoded as UTF-8.
   *
   * @throws {@link LogError} as {@link AppendLog.read}.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-read-string-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.readString(log.append('ünïcode')); // 'ünïcode'
   * log.close();
   * rmSync(path);
   * ```
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
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-records-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.append('a');
   * const b = log.append('b');
   * log.append('c');
   * [...log.records(b)].length; // 2
   * log.close();
   * rmSync(path);
   * ```
   */
  records(from?: number): IterableIterator<LogRecord> {
    return this.#engine.records(from);
  }

  /**
   * Commits what is pending, then unmaps the log. Closing twice does nothing.
   *
   * @throws a `Pmem2Error` when the final commit fails; the log is closed anyway.
   * @see libpmem2: pmem2_map_delete(3)
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-close-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.append('kept');
   * log.close(); // commits first
   * log.append('late'); // throws LogError LOG_CLOSED
   * rmSync(path);
   * ```
   */
  close(): void {
    this.#engine.close();
  }

  /**
   * {@link AppendLog.close}, for `using`.
   *
   * @throws as {@link AppendLog.close}.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `log-dispose-${process.pid}`);
   * const log = LinearLog.create(path);
   * log.append('committed by dispose');
   * log[Symbol.dispose](); // what `using log = …` calls when its block ends
   * log[Symbol.dispose](); // a second call does nothing
   * rmSync(path);
   * ```
   */
  [Symbol.dispose](): void {
    this.#engine.close();
  }
}
