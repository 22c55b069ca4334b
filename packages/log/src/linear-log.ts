// linear-log.ts -- a log that grows its file a segment at a time, mapped in place

import { Granularity } from '@pmem2/config';
import { AppendLog } from './append-log.js';
import { LogEngine } from './engine.js';
import { LogError } from './errors.js';
import { type FileMapOptions, openFileStorage } from './file-storage.js';
import { Shape } from './format.js';
import { checkAreaLimit, type EngineSettings, type LogOptions } from './options.js';
import type { LogStorage } from './storage.js';

/** Options of {@link LinearLog.open} and {@link LinearLog.recover}. */
export interface LinearOpenOptions extends LogOptions, FileMapOptions {
  /**
   * Address space reserved for the log, in bytes (default 64 GiB): the most it can grow to
   * while open. Only address space: nothing is allocated until the file grows.
   */
  readonly maxSize?: number;
}

/** Options of {@link LinearLog.create} and {@link LinearLog.format}. */
export interface LinearCreateOptions extends LinearOpenOptions {
  /**
   * Bytes of one segment (default 4 MiB, at most 4 GiB - 4 KiB), rounded up to the file's
   * alignment: the file grows by this much, and no record is larger.
   */
  readonly segmentSize?: number;
  /** Segments the file starts with (default 1). */
  readonly initialSegments?: number;
}

const MiB = 1024 * 1024;
const DEFAULT_MAX_SIZE = 64 * 1024 * MiB;

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new LogError(
      'INVALID_ARGUMENT',
      `${name} must be a positive integer, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * An append-only log in a file that grows as records arrive: a segment at a time, each new
 * segment mapped right after the previous one inside one `VmReservation`, so the log's
 * memory grows in place and nothing already mapped moves.
 *
 * @remarks
 * See {@link AppendLog} for the durability rules. A record never spans two segments: when it
 * does not fit in what is left of one, the rest is padded and the record starts the next.
 *
 * @example
 * ```ts
 * import { rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { LinearLog } from '@pmem2/log';
 * const path = join(tmpdir(), `linear-log-${process.pid}`);
 * const log = LinearLog.create(path, { segmentSize: 64 * 1024 });
 * const first = log.append('hello');
 * log.append(new Uint8Array([1, 2, 3]));
 * log.commit(); // one persist for both records
 * log.close();
 * const again = LinearLog.open(path);
 * again.readString(first); // 'hello'
 * [...again.records()].length; // 2
 * again.close();
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_vm_reservation_new(3), pmem2_map_new(3), pmem2_get_persist_fn(3)
 */
export class LinearLog extends AppendLog {
  /**
   * Creates a new log file at `path` (it must not exist) and maps it.
   *
   * @throws {@link @pmem2/errors!Pmem2Error} `EEXIST` when `path` exists; `-errno` when it
   *   cannot be created; mapping errors of `mapNew` (e.g.
   *   `PMEM2_E_GRANULARITY_NOT_SUPPORTED` for a granularity the file cannot give).
   * @throws {@link LogError} `INVALID_ARGUMENT` for a bad option (also a `segmentSize` over
   *   4 GiB - 4 KiB, the most a segment's 32-bit offsets reach). On any error nothing is
   *   left behind: the file is removed.
   * @example
   * ```ts
   * import { rmSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `linear-create-${process.pid}`);
   * const log = LinearLog.create(path, { autoCommit: { records: 16 } });
   * log.maxPayload; // 4194288
   * log.close();
   * LinearLog.create(path); // throws EEXIST
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_map_new(3), pmem2_vm_reservation_new(3)
   */
  static create(path: string, options: LinearCreateOptions = {}): LinearLog {
    const segmentSize = positive(options.segmentSize, 4 * MiB, 'segmentSize');
    checkAreaLimit(segmentSize, Shape.LINEAR); // before a file is made (rounded up: again later)
    const storage = openFileStorage({
      path,
      create: true,
      shape: Shape.LINEAR,
      areaSize: segmentSize,
      areas: positive(options.initialSegments, 1, 'initialSegments'),
      maxSize: positive(options.maxSize, DEFAULT_MAX_SIZE, 'maxSize'),
      granularity: options.granularity ?? Granularity.PAGE,
    });
    return LinearLog.#start(storage, settings(options, storage.maxAreas, path), 'format', path);
  }

  /**
   * Opens the log file at `path` and recovers it: every committed group, a torn or corrupt
   * tail cut off. Appends continue after the last committed record.
   *
   * @throws {@link LogError} `NOT_A_LOG` for a file without the log's header (or a ring);
   *   `INCOMPATIBLE_VERSION`; `CORRUPT_HEADER` when the header fails its checksum or the file
   *   is shorter than its first segment; `INVALID_ARGUMENT`.
   * @throws {@link @pmem2/errors!Pmem2Error} `-errno` when the file cannot be opened;
   *   mapping errors of `mapNew`.
   * @example
   * ```ts
   * import { rmSync, writeFileSync } from 'node:fs';
   * import { tmpdir } from 'node:os';
   * import { join } from 'node:path';
   * import { LinearLog } from '@pmem2/log';
   * const path = join(tmpdir(), `linear-open-${process.pid}`);
   * writeFileSync(path, 'not a log, but long enough '.repeat(200));
   * LinearLog.open(path); // throws LogError NOT_A_LOG
   * rmSync(path);
   * ```
   * @see libpmem2: pmem2_map_new(3)
   */
  static open(path: string, options: LinearOpenOptions = {}): LinearLog {
    const storage = openFileStorage({
      path,
      create: false,
      shape: Shape.LINEAR,
      maxSize: positive(options.maxSize, DEFAULT_MAX_SIZE, 'maxSize'),
      granularity: options.granularity ?? Granularity.PAGE,
    });
    return LinearLog.#start(storage, settings(options, storage.maxAreas, path), 'recover', path);
  }

  /**
   * Writes a new, empty linear log onto mappings of your own (see {@link LogStorage}); the
   * log grows through `storage.grow`. The log owns the storage from here and closes it.
   *
   * @throws {@link LogError} `INVALID_ARGUMENT` when the mappings do not fit a log (header
   *   under 4096 bytes, no area, areas of different sizes or over 4 GiB - 4 KiB); the
   *   storage is closed then.
   * @example
   * ```ts
   * import { Granularity } from '@pmem2/config';
   * import { LinearLog } from '@pmem2/log';
   * const page = () => ({ size: 4096, storeGranularity: Granularity.BYTE, buffer: new ArrayBuffer(4096),
   *   persist() {}, flush() {}, drain() {}, async persistAsync() {} });
   * // a volatile stand-in for two mappings: enough to show the call, not durable
   * const log = LinearLog.format({ header: page(), areas: [page()], close() {} });
   * log.append('x');
   * log.close();
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  static format(storage: LogStorage, options: LogOptions & { maxSize?: number } = {}): LinearLog {
    return LinearLog.#onStorage(storage, options, 'format');
  }

  /**
   * Recovers a linear log on mappings of your own, as {@link LinearLog.open} does for a file.
   *
   * @throws {@link LogError} as {@link LinearLog.open}; the storage is closed then.
   * @example
   * ```ts
   * import { Granularity } from '@pmem2/config';
   * import { LinearLog } from '@pmem2/log';
   * const page = () => ({ size: 4096, storeGranularity: Granularity.BYTE, buffer: new ArrayBuffer(4096),
   *   persist() {}, flush() {}, drain() {}, async persistAsync() {} });
   * LinearLog.recover({ header: page(), areas: [page()], close() {} }); // throws LogError (NOT_A_LOG)
   * ```
   * @see libpmem2: pmem2_get_persist_fn(3)
   */
  static recover(storage: LogStorage, options: LogOptions & { maxSize?: number } = {}): LinearLog {
    return LinearLog.#onStorage(storage, options, 'recover');
  }

  /** Starts a log on mappings of the caller's: areas up to `options.maxSize`, no file. */
  static #onStorage(
    storage: LogStorage,
    options: LogOptions & { maxSize?: number },
    how: 'format' | 'recover',
  ): LinearLog {
    return LinearLog.#start(
      storage,
      settings(options, maxAreasOf(storage, options), 'the log'),
      how,
      null,
    );
  }

  static #start(
    storage: LogStorage,
    settings: EngineSettings,
    how: 'format' | 'recover',
    created: string | null,
  ): LinearLog {
    return new LinearLog(LogEngine.start(storage, settings, how, created));
  }
}

function settings(options: LogOptions, maxAreas: number, what: string): EngineSettings {
  return {
    shape: Shape.LINEAR,
    maxAreas,
    what: what === 'the log' ? what : `"${what}"`,
    autoCommit: options.autoCommit,
  };
}

function maxAreasOf(storage: LogStorage, options: { maxSize?: number }): number {
  const areaSize = storage.areas[0]?.size ?? 1;
  if (options.maxSize === undefined)
    return storage.grow === undefined ? storage.areas.length : Number.POSITIVE_INFINITY;
  return Math.max(
    storage.areas.length,
    Math.floor(positive(options.maxSize, 0, 'maxSize') / areaSize),
  );
}
