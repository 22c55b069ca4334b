// options.ts -- the options of a log, and the checks of its options and of its storage

import { LogError } from './errors.js';
import { HEADER_SIZE, Shape } from './format.js';
import type { LogStorage } from './storage.js';

/** When `append` commits by itself. */
export interface AutoCommit {
  /** Commit once this many records are pending (default 1024). */
  readonly records?: number;
  /** Commit once this many bytes are pending (default 1 MiB). */
  readonly bytes?: number;
}

/** Options of every log. */
export interface LogOptions {
  /** Automatic group commit bounds, or `false` for explicit commits only. */
  readonly autoCommit?: AutoCommit | false;
}

/** Engine settings the shapes decide. */
export interface EngineSettings extends LogOptions {
  readonly shape: Shape;
  /** Areas the log may grow to (linear); a ring has 1. */
  readonly maxAreas: number;
  /** Names the log in messages, e.g. the file path. */
  readonly what: string;
}

/**
 * The largest area (segment of a linear log, capacity of a ring) in bytes: under 4 GiB, so
 * every offset in an area is a 32-bit word index (format.ts stores headers as 32-bit words).
 */
export const MAX_AREA_SIZE = 2 ** 32 - 4096;

/**
 * Throws INVALID_ARGUMENT (CORRUPT_HEADER when `fromHeader`) for an area of more than
 * {@link MAX_AREA_SIZE} bytes; `shape` names the option in the message.
 */
export function checkAreaLimit(areaSize: number, shape: Shape, fromHeader = false): void {
  if (areaSize <= MAX_AREA_SIZE) return;
  const [name, advice] =
    shape === Shape.RING
      ? ['ring capacity', 'use a smaller capacity, or a linear log']
      : ['segment size', 'use a smaller segmentSize: the log grows by more segments instead'];
  throw new LogError(
    fromHeader ? 'CORRUPT_HEADER' : 'INVALID_ARGUMENT',
    `a ${name} of ${areaSize} bytes is over the limit of ${MAX_AREA_SIZE} bytes (under 4 GiB); ${advice}`,
  );
}

/** `value` when it is a positive integer, `fallback` when undefined; INVALID_ARGUMENT otherwise. */
export function positiveLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value > 0)) {
    throw new LogError('INVALID_ARGUMENT', `autoCommit.${name} must be a positive integer`);
  }
  return value;
}

/** Checks the mappings of a storage against the shape; returns the area size. */
export function checkStorage(
  storage: LogStorage,
  settings: EngineSettings,
  expected?: number,
): number {
  const { header, areas } = storage;
  const first = areas[0];
  if (header.size < HEADER_SIZE || first === undefined) {
    throw new LogError(
      'INVALID_ARGUMENT',
      `a log needs a header of at least ${HEADER_SIZE} bytes and one area`,
    );
  }
  const areaSize = expected ?? first.size;
  checkAreaLimit(areaSize, settings.shape, expected !== undefined);
  if (settings.shape === Shape.RING && areas.length !== 1) {
    throw new LogError('INVALID_ARGUMENT', `a ring lives in exactly one area, not ${areas.length}`);
  }
  if (areaSize % 8 !== 0 || areaSize < HEADER_SIZE || areas.some((a) => a.size !== areaSize)) {
    throw new LogError(
      expected === undefined ? 'INVALID_ARGUMENT' : 'CORRUPT_HEADER',
      `every area of ${settings.what} must be ${areaSize} bytes (a multiple of 8, at least ${HEADER_SIZE})`,
    );
  }
  return areaSize;
}
