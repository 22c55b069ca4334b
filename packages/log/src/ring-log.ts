// ring-log.ts -- a fixed-size log that wraps, reclaiming space from its head

import { Granularity } from '@pmem2/config';
import { AppendLog } from './append-log.js';
import { LogEngine } from './engine.js';
import { LogError } from './errors.js';
import { type FileMapOptions, openFileStorage } from './file-storage.js';
import { Shape } from './format.js';
import { checkAreaLimit, type EngineSettings, type LogOptions } from './options.js';
import type { LogStorage } from './storage.js';

/** Options of {@link RingLog.open}. */
export interface RingOpenOptions extends LogOptions, FileMapOptions {}

/** Options of {@link RingLog.create}. */
export interface RingCreateOptions extends RingOpenOptions {
  /** Bytes of the ring (default 1 MiB, at most 4 GiB - 4 KiB), rounded up to the file's alignment. */
  readonly capacity?: number;
}

/**
 * A log in a fixed-size file that wraps around: appends go after the tail, and
 * {@link RingLog.trim} hands the space before a position back for reuse. The right shape
 * for a queue or a write-ahead log whose consumers keep up.
 *
 * @remarks
 * See {@link AppendLog} for the durability rules. `trim` persists the new head before it
 * returns, so trimmed records never come back after a crash. Space is reclaimed a whole
 * commit group at a time; a record takes at most half the ring.
 *
 * @example
 * ```ts
 * import { rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { RingLog } from '@pmem2/log';
 * const path = join(tmpdir(), `ring-log-${process.pid}`);
 * const ring = RingLog.create(path, { capacity: 64 * 1024 });
 * for (let i = 0; i < 10_000; i++) {
 *   const position = ring.append(`event ${i}`);
 *   ring.commit();
 *   ring.trim(position); // consumed everything before this event
 * }
 * [...ring.records()].length; // 1
 * ring.close();
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_map_new(3), pmem2_get_persist_fn(3)
 */
export class RingLog extends AppendLog {
  readonly #engine: LogEngine;

  private constructor(engine: LogEngine) {
    super(engine);
    this.#engine = engine;
  }

  /**
   * Creates a new ring file at `path` (it must not exist) and maps it.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `EEXIST` when `path` exists; `-errno` when it
   *   cannot be created; mapping errors of `mapNew`.
   * @throws {@link LogError} `INVALID_ARGUMENT` for a bad option (also a `capacity` over
   *   4 GiB - 4 KiB, the most a ring's 32-bit offsets reach). On any error the file is
   *   removed.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { RingLog } from '@pmem2/log';
   * const path = join(tmpdir(), `ring-create-${process.pid}`);
   * const ring = RingLog.create(path, { capacity: 5000 });
   * ring.capacity; // 8192
   * ring.close();
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_map_new(3)
   */
  static create(path: string, options: RingCreateOptions = {}): RingLog {
    const capacity = options.capacity ?? 1024 * 1024;
    if (!(Number.isSafeInteger(capacity) && capacity > 0)) {
      throw new LogError(
        'INVALID_ARGUMENT',
        `capacity must be a positive integer, got ${String(capacity)}`,
      );
    }
    checkAreaLimit(capacity, Shape.RING); // before a file is made (rounded up: again later)
    const storage = openFileStorage({
      path,
      create: true,
      shape: Shape.RING,
      areaSize: capacity,
      maxSize: null,
      granularity: options.granularity ?? Granularity.PAGE,
    });
    return RingLog.#start(storage, settings(options, path), 'format', path);
  }

  /**
   * Opens the ring file at `path` and recovers it from its persisted head.
   *
   * @throws {@link LogError} `NOT_A_LOG` (also for a linear log), `INCOMPATIBLE_VERSION`,
   *   `CORRUPT_HEADER`.
   * @throws {@link @pmem2/errors!Pmem2Error} `-errno` when the file cannot be opened;
   *   mapping errors of `mapNew`.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog, RingLog } from '@pmem2/log';
   * const path = join(tmpdir(), `ring-open-${process.pid}`);
   * LinearLog.create(path).close();
   * RingLog.open(path); // throws LogError (NOT_A_LOG: it is a linear log)
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_map_new(3)
   */
  static open(path: string, options: RingOpenOptions = {}): RingLog {
    const storage = openFileStorage({
      path,
      create: false,
      shape: Shape.RING,
      maxSize: null,
      granularity: options.granularity ?? Granularity.PAGE,
    });
    return RingLog.#start(storage, settings(options, path), 'recover', null);
  }

  /**
   * Writes a new, empty ring onto mappings of your own: a header and exactly one area.
   *
   * @throws {@link LogError} `INVALID_ARGUMENT` when the mappings do not fit a ring (not
   *   one area, or one over 4 GiB - 4 KiB); the storage is closed then.
   * @example
   * ```ts
   * import { Granularity } from '@pmem2/config';
   * import { RingLog } from '@pmem2/log';
   * const page = () => ({ size: 4096, storeGranularity: Granularity.BYTE, buffer: new ArrayBuffer(4096),
   *   persist() {}, flush() {}, drain() {}, async persistAsync() {} });
   * const ring = RingLog.format({ header: page(), areas: [page()], close() {} });
   * ring.maxPayload; // 1968
   * ring.close();
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  static format(storage: LogStorage, options: LogOptions = {}): RingLog {
    return RingLog.#start(storage, settings(options, null), 'format', null);
  }

  /**
   * Recovers a ring on mappings of your own, as {@link RingLog.open} does for a file.
   *
   * @throws {@link LogError} as {@link RingLog.open}; the storage is closed then.
   * @example
   * ```ts
   * import { Granularity } from '@pmem2/config';
   * import { RingLog } from '@pmem2/log';
   * const page = () => ({ size: 4096, storeGranularity: Granularity.BYTE, buffer: new ArrayBuffer(4096),
   *   persist() {}, flush() {}, drain() {}, async persistAsync() {} });
   * RingLog.recover({ header: page(), areas: [page()], close() {} }); // throws LogError (NOT_A_LOG)
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  static recover(storage: LogStorage, options: LogOptions = {}): RingLog {
    return RingLog.#start(storage, settings(options, null), 'recover', null);
  }

  static #start(
    storage: LogStorage,
    settings: EngineSettings,
    how: 'format' | 'recover',
    created: string | null,
  ): RingLog {
    return new RingLog(LogEngine.start(storage, settings, how, created));
  }

  /**
   * The ring's size in bytes.
   *
   * @throws {@link LogError} `LOG_CLOSED` after close.
   */
  get capacity(): number {
    if (this.closed) this.#engine.head; // throws LOG_CLOSED
    return this.#engine.layout.areaSize;
  }

  /**
   * Drops every record before `position` (a record's position, or {@link AppendLog.tail}
   * to drop everything) and persists the new head, so the space can be reused. Records
   * before `position` that are not yet committed are committed first. A position at or
   * before the head does nothing.
   *
   * @throws {@link LogError} `BAD_POSITION` when `position` is neither a live record's
   *   position nor the tail; `LOG_CLOSED`; a `Pmem2Error` when persisting fails.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { RingLog } from '@pmem2/log';
   * const path = join(tmpdir(), `ring-trim-${process.pid}`);
   * const ring = RingLog.create(path);
   * ring.append('old');
   * const keep = ring.append('new');
   * ring.trim(keep);
   * ring.head === keep; // true
   * ring.close();
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  trim(position: number): void {
    this.#engine.trim(position);
  }
}

function settings(options: LogOptions, path: string | null): EngineSettings {
  return {
    shape: Shape.RING,
    maxAreas: 1,
    what: path === null ? 'the ring' : `"${path}"`,
    autoCommit: options.autoCommit,
  };
}
