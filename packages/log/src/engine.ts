// engine.ts -- the log itself: append, group commit, read, iterate, trim, recovery, close

import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Granularity } from '@pmem2/config';
import { LogError } from './errors.js';
import {
  align8,
  COMMIT_CRC_AT,
  COMMIT_SIZE,
  HEADER_SIZE,
  type LogState,
  RECORD_HEADER,
  type RecordHeader,
  readRecordHeader,
  readState,
  readSuperblock,
  Shape,
  slotOf,
  storeHeader,
  TYPE_COMMIT,
  TYPE_DATA,
  TYPE_PAD,
  writeCommit,
  writeHeader,
  writeSlot,
} from './format.js';
import { type Area, areaOf, type Gap, Layout } from './layout.js';
import { checkStorage, type EngineSettings, positiveLimit } from './options.js';
import type { LogStorage } from './storage.js';

const encoder = new TextEncoder();
// TypedArray.prototype.set, called directly: V8 then skips the property lookup on the mapping
const copyBytes = Uint8Array.prototype.set;
// Payloads up to this size have a record size exact in 32-bit integer arithmetic.
const FAST_PAYLOAD = 0x7fff_ffdf;
const encodeAt = (bytes: Uint8Array, at: number, text: string, length: number): unknown =>
  encoder.encodeInto(text, bytes.subarray(at, at + length));

/** The shared machinery of {@link LinearLog} and {@link RingLog}. */
export class LogEngine {
  readonly layout: Layout;
  readonly #storage: LogStorage;
  readonly #header: Area;
  readonly #areas: Area[];
  readonly #settings: EngineSettings;
  // (numeric fields start as numbers, never undefined: V8 then keeps a number representation
  // for them, where undefined first makes every read check for a heap object)
  readonly #capacity: number = 0;
  readonly #maxRecords: number = Number.POSITIVE_INFINITY;
  readonly #maxBytes: number = Number.POSITIVE_INFINITY;
  readonly #seed: number = 0;
  readonly #maxPayload: number = 0;
  // The largest payload append sizes with 32-bit integer arithmetic (maxPayload, or less).
  readonly #fastPayload: number = 0;
  readonly #scratch: RecordHeader = { length: 0, epoch: 0, lsn: 0, type: 0 };
  #state: LogState;
  // #state.epoch, the epoch this process writes under, kept apart for append's stores
  #epoch = 0;
  #tail = 0;
  // The area holding the tail and the tail's offset in it (undefined before it is grown).
  #tailArea: Area | undefined;
  #tailOffset = 0;
  // Where a record may end and still leave room for a commit in the tail's area, below the
  // ring's head: append's one bound check (-1 while the tail's area is not grown, and once
  // the log is closed, so that append's checks run only on its slow path).
  #limit = -1;
  #sealed = 0;
  #durable = 0;
  #requested = 0;
  #chain: Promise<void> = Promise.resolve();
  #groupStart = 0;
  #groupRecords = 0;
  // The tail at which the pending group holds autoCommit.bytes of records: the group's
  // start plus that bound plus the pads and skipped area ends the group has crossed.
  #autoCommitTail = Number.POSITIVE_INFINITY;
  #gaps: Gap[] = [];
  #closed = false;

  private constructor(
    storage: LogStorage,
    settings: EngineSettings,
    areaSize: number,
    seed: number,
    state: LogState,
  ) {
    this.#storage = storage;
    this.#settings = settings;
    this.layout = new Layout(areaSize, settings.shape === Shape.RING);
    this.#header = areaOf(storage.header);
    this.#areas = storage.areas.map(areaOf);
    this.#capacity = this.layout.ring ? areaSize : Number.POSITIVE_INFINITY;
    const auto = settings.autoCommit ?? {};
    this.#maxRecords =
      auto === false ? Number.POSITIVE_INFINITY : positiveLimit(auto.records, 1024, 'records');
    this.#maxBytes =
      auto === false ? Number.POSITIVE_INFINITY : positiveLimit(auto.bytes, 1 << 20, 'bytes');
    this.#seed = seed;
    const largest = this.layout.ring
      ? Math.floor(areaSize / 2 / 8) * 8 - 2 * COMMIT_SIZE
      : areaSize;
    this.#maxPayload = largest - RECORD_HEADER;
    this.#fastPayload = Math.min(this.#maxPayload, FAST_PAYLOAD);
    this.#state = state;
    const [end, lastEpoch] = this.layout.scan(this.#areas, state.headGroup, seed, this.#capacity);
    this.#tail = this.#sealed = this.#durable = this.#requested = this.#groupStart = end;
    this.#autoCommitTail = end + this.#maxBytes;
    this.#tailMoved();
    // The next epoch is above every epoch on the media, even if the newest slot was lost.
    this.#state = {
      ...state,
      head: Math.min(state.head, end),
      epoch: Math.max(state.epoch, lastEpoch),
    };
  }

  /**
   * Formats or recovers `storage`; on failure closes it and removes `created` (the file a
   * create call made), so nothing is left half-done.
   */
  static start(
    storage: LogStorage,
    settings: EngineSettings,
    how: 'format' | 'recover',
    created: string | null,
  ): LogEngine {
    try {
      return how === 'format'
        ? LogEngine.format(storage, settings)
        : LogEngine.recover(storage, settings);
    } catch (error) {
      storage.close();
      if (created !== null) rmSync(created, { force: true });
      throw error;
    }
  }

  /** Writes a new header on `storage` (an empty log) and returns the engine over it. */
  static format(storage: LogStorage, settings: EngineSettings): LogEngine {
    const areaSize = checkStorage(storage, settings);
    const header = new Uint8Array(storage.header.buffer);
    const state: LogState = { epoch: 1, generation: 1, head: 0, headGroup: 0 };
    const logId = randomInt(2 ** 32 - 1);
    writeHeader(header, { shape: settings.shape, areaSize, logId }, state);
    storage.header.persist(0, HEADER_SIZE);
    // An old log's bytes in the areas cannot pass: its groups were sealed with another log id.
    return new LogEngine(storage, settings, areaSize, logId, state).#advanceEpoch();
  }

  /** Reads the header on `storage`, recovers the committed records and starts a new epoch. */
  static recover(storage: LogStorage, settings: EngineSettings): LogEngine {
    const header = new Uint8Array(storage.header.buffer);
    const superblock = readSuperblock(header, settings.shape, settings.what);
    const areaSize = checkStorage(storage, settings, superblock.areaSize);
    const state = readState(header, settings.what);
    return new LogEngine(storage, settings, areaSize, superblock.logId, state).#advanceEpoch();
  }

  // Every process writes under a new epoch, persisted before its first record, so bytes a
  // crashed process left past the committed end can never join a later group.
  #advanceEpoch(): this {
    this.#writeState({ ...this.#state, epoch: this.#state.epoch + 1 });
    return this;
  }

  #writeState(next: Omit<LogState, 'generation'>): void {
    const generation = this.#state.generation + 1;
    const state = { ...next, generation };
    const [at, length] = writeSlot(this.#header.bytes, slotOf(generation), state);
    this.#header.map.persist(at, length);
    this.#state = state;
    this.#epoch = state.epoch;
    this.#tailMoved(); // the ring's head may have moved: the tail's bound with it
  }

  get head(): number {
    this.#assertOpen('head');
    return this.#state.head;
  }

  get tail(): number {
    this.#assertOpen('tail');
    return this.#tail;
  }

  get durable(): number {
    this.#assertOpen('durable');
    return this.#durable;
  }

  get pendingRecords(): number {
    this.#assertOpen('pendingRecords');
    return this.#groupRecords;
  }

  get storeGranularity(): Granularity {
    this.#assertOpen('storeGranularity');
    return (this.#areas[0] as Area).granularity;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The largest payload one record may have. */
  get maxPayload(): number {
    return this.#maxPayload;
  }

  append(data: Uint8Array | string): number {
    // (.length: the same bytes for a Uint8Array, and inlined, where .byteLength is a call)
    const length = data instanceof Uint8Array ? data.length : this.#textLength(data);
    // One test for the common case (the 32-bit size is exact below fastPayload); a closed
    // log, a record too large or a full area take #makeRoom, which throws or reserves.
    let size = (length + RECORD_HEADER + 7) & ~7;
    if (length > this.#fastPayload || this.#tail + size > this.#limit) {
      size = this.#makeRoom(length);
    }
    const position = this.#tail;
    const area = this.#tailArea as Area;
    const offset = this.#tailOffset;
    storeHeader(area, offset, length, this.#epoch, position, TYPE_DATA);
    const payload = offset + RECORD_HEADER;
    if (typeof data === 'string') encodeAt(area.bytes, payload, data, length);
    // (an empty payload copies nothing: set throws for a detached one, empty everywhere else)
    else if (length !== 0) copyBytes.call(area.bytes, data, payload);
    // zeros to the record's end, at most 7: stores, where fill is a builtin call (~15 ns)
    for (let i = payload + length; i < offset + size; i++) area.bytes[i] = 0;
    const tail = position + size; // (in the same area: the bound left room for a commit)
    this.#tail = tail;
    this.#tailOffset = offset + size;
    if (++this.#groupRecords >= this.#maxRecords || tail >= this.#autoCommitTail) this.commit();
    return position;
  }

  // append's rare paths, kept out of it so V8 inlines it (460 bytecodes at most): the checks
  // in their documented order (closed; not a Uint8Array or string; too large; log full).
  // A string's size in UTF-8; INVALID_ARGUMENT for anything else.
  #textLength(data: unknown): number {
    if (this.#closed) this.#assertOpen('append');
    if (typeof data === 'string') return Buffer.byteLength(data, 'utf8');
    throw new LogError('INVALID_ARGUMENT', 'append takes a Uint8Array or a string');
  }

  // The size of a record of `length` bytes, after room is found for it; throws LOG_CLOSED,
  // RECORD_TOO_LARGE or LOG_FULL with nothing written.
  #makeRoom(length: number): number {
    if (this.#closed) this.#assertOpen('append');
    if (length > this.#maxPayload) this.#tooLarge(length);
    const size = align8(RECORD_HEADER + length);
    if (this.#tail + size > this.#limit) this.#reserve(size);
    return size;
  }

  #tooLarge(length: number): never {
    throw new LogError(
      'RECORD_TOO_LARGE',
      `a ${length}-byte record does not fit: this log takes payloads of up to ` +
        `${this.#maxPayload} bytes; split the record or use a larger ${this.layout.ring ? 'ring capacity' : 'segmentSize'}`,
    );
  }

  // Finds room for `size` bytes (and a commit after them) and moves the tail there: pads the
  // area end if the record must move to the next area, grows a linear log; throws LOG_FULL
  // with nothing written.
  #reserve(size: number): void {
    const { layout } = this;
    const position = layout.fit(this.#tail, size);
    const end = layout.fit(position + size, COMMIT_SIZE) + COMMIT_SIZE;
    if (
      end - this.#state.headGroup > this.#capacity ||
      layout.indexOf(end - 1) >= this.#settings.maxAreas
    ) {
      throw new LogError(
        'LOG_FULL',
        layout.ring
          ? `the ring is full (${this.#tail - this.#state.headGroup} of ${this.#capacity} bytes live): ` +
              'trim records you have consumed with trim(position), or create a larger ring'
          : `the log reached its maximum size of ${this.#settings.maxAreas} segments of ` +
              `${layout.areaSize} bytes: open it with a larger maxSize`,
      );
    }
    if (position !== this.#tail) this.#padAreaEnd();
    this.#ensureArea(layout.indexOf(position));
    this.#tailMoved();
  }

  #padAreaEnd(): void {
    const rem = this.layout.remaining(this.#tail);
    if (rem >= RECORD_HEADER) {
      const area = this.#areas[this.layout.indexOf(this.#tail)] as Area;
      const offset = this.#tail % this.layout.areaSize;
      storeHeader(area, offset, rem - RECORD_HEADER, this.#state.epoch, this.#tail, TYPE_PAD);
      this.#gaps.push([this.#tail + RECORD_HEADER, this.#tail + rem]);
    } else this.#gaps.push([this.#tail, this.#tail + rem]);
    this.#tail += rem;
    this.#autoCommitTail += rem; // (pads are not pending bytes)
    this.#tailMoved();
  }

  // Finds the area and offset of a tail set outside the fast path of append.
  #tailMoved(): void {
    const area = this.#areas[this.layout.indexOf(this.#tail)];
    const offset = this.#tail % this.layout.areaSize;
    this.#tailArea = area;
    this.#tailOffset = offset;
    const ringEnd = this.#state.headGroup + this.#capacity; // +Infinity for a linear log
    const end = Math.min(this.#tail - offset + this.layout.areaSize, ringEnd);
    this.#limit = area === undefined ? -1 : end - COMMIT_SIZE;
  }

  #ensureArea(index: number): void {
    while (this.#areas.length <= index) {
      const grow = this.#storage.grow;
      if (grow === undefined) throw new LogError('LOG_FULL', `${this.#settings.what} cannot grow`);
      this.#areas.push(areaOf(grow.call(this.#storage, this.layout.areaSize)));
    }
  }

  // Writes the commit record that closes the pending group.
  #seal(): void {
    let position = this.#tail;
    let area = this.#tailArea;
    let offset = this.#tailOffset;
    let relocated = false;
    if (area === undefined || offset + COMMIT_SIZE > this.layout.areaSize) {
      relocated = true;
      position = this.layout.fit(this.#tail, COMMIT_SIZE);
      if (position !== this.#tail) this.#padAreaEnd();
      this.#ensureArea(this.layout.indexOf(position));
      area = this.#areas[this.layout.indexOf(position)] as Area;
      offset = position % this.layout.areaSize;
    }
    writeCommit(area, offset, this.#epoch, position, this.#groupStart, this.#groupRecords);
    const crc = this.layout.checksum(
      this.#areas,
      this.#groupStart,
      position + COMMIT_CRC_AT,
      this.#gaps,
      this.#seed,
    );
    area.view.setUint32(offset + COMMIT_CRC_AT, crc, true);
    this.#tail = this.#sealed = this.#groupStart = position + COMMIT_SIZE;
    // (the tail still inside the area it was in: its area and bound stay)
    if (relocated || offset + COMMIT_SIZE === this.layout.areaSize) this.#tailMoved();
    else this.#tailOffset = offset + COMMIT_SIZE;
    this.#groupRecords = 0;
    this.#autoCommitTail = this.#groupStart + this.#maxBytes;
    if (this.#gaps.length > 0) this.#gaps = [];
  }

  commit(): number {
    if (this.#closed) this.#assertOpen('commit');
    if (this.#groupRecords > 0) this.#seal();
    if (this.#durable < this.#sealed) {
      this.layout.persist(this.#areas, this.#durable, this.#sealed);
      this.#durable = this.#sealed;
      if (this.#requested < this.#durable) this.#requested = this.#durable;
    }
    return this.#durable;
  }

  commitAsync(): Promise<number> {
    try {
      this.#assertOpen('commitAsync');
      if (this.#areas.every((a) => a.granularity !== Granularity.PAGE)) {
        return Promise.resolve(this.commit());
      }
      if (this.#groupRecords > 0) this.#seal();
    } catch (error) {
      return Promise.reject(error);
    }
    const target = this.#sealed;
    const from = this.#requested;
    const previous = this.#chain;
    if (from >= target) return previous.then(() => target);
    this.#requested = target;
    // A piece may fail while an earlier group is still in flight: mark the failure handled
    // now (it is awaited, and rethrown, below), so it is never an unhandled rejection.
    const pieces = Promise.all(this.layout.persistAsync(this.#areas, from, target));
    pieces.catch(() => undefined);
    const done = (async () => {
      await previous;
      await pieces;
      if (this.#durable < target) this.#durable = target;
    })();
    this.#chain = done;
    done.catch(() => {
      // The range failed: later commits start again from what is durable.
      if (this.#chain === done) this.#chain = Promise.resolve();
      this.#requested = Math.min(this.#requested, this.#durable);
    });
    return done.then(() => target);
  }

  // Moves a position in the few bytes at an area's end that hold no record to the next area.
  #skipAreaEnd(position: number): number {
    const rem = this.layout.remaining(position);
    return rem < RECORD_HEADER ? position + rem : position;
  }

  // The header at `position` (in [headGroup, tail)), or null when no record starts there.
  #headerAt(position: number): [Area, number, RecordHeader] | null {
    if (
      !(
        Number.isSafeInteger(position) &&
        position >= this.#state.headGroup &&
        position < this.#tail
      )
    ) {
      return null;
    }
    const area = this.#areas[this.layout.indexOf(position)];
    if (area === undefined || this.layout.remaining(position) < RECORD_HEADER) return null;
    const offset = position % this.layout.areaSize;
    const header = readRecordHeader(area.view, offset, this.#scratch);
    return header.lsn === position ? [area, offset, header] : null;
  }

  // The data record at a position a user gave; BAD_POSITION otherwise.
  #dataAt(position: number, what: string): [Area, number, RecordHeader] {
    const found = position >= this.#state.head ? this.#headerAt(position) : null;
    if (found === null || found[2].type !== TYPE_DATA) {
      throw new LogError(
        'BAD_POSITION',
        `${what}: no live record starts at position ${String(position)} (live records are in ` +
          `[${this.#state.head}, ${this.#tail})); use a position append returned`,
      );
    }
    return found;
  }

  // The position after the record whose header is `header` at `position`.
  static #sizeOf(header: RecordHeader): number {
    if (header.type === TYPE_DATA) return align8(RECORD_HEADER + header.length);
    return header.type === TYPE_PAD ? RECORD_HEADER + header.length : COMMIT_SIZE;
  }

  read(position: number): Uint8Array {
    this.#assertOpen('read');
    const [area, offset, header] = this.#dataAt(position, 'read');
    return area.bytes.slice(offset + RECORD_HEADER, offset + RECORD_HEADER + header.length);
  }

  *records(from?: number): Generator<{ position: number; data: Uint8Array }, void, undefined> {
    this.#assertOpen('records');
    let position = this.#skipAreaEnd(from ?? this.#state.head);
    if (from !== undefined && position < this.#tail) this.#dataAt(position, 'records');
    for (;;) {
      this.#assertOpen('records');
      position = this.#skipAreaEnd(position);
      if (position >= this.#tail) return;
      if (position < this.#state.head) {
        throw new LogError(
          'BAD_POSITION',
          `records: position ${position} was trimmed while iterating`,
        );
      }
      const found = this.#headerAt(position);
      if (found === null)
        throw new LogError(
          'BAD_POSITION',
          `records: the log changed under the iterator at ${position}`,
        );
      const [area, offset, header] = found;
      const next = position + LogEngine.#sizeOf(header);
      if (header.type === TYPE_DATA) {
        yield {
          position,
          data: area.bytes.slice(offset + RECORD_HEADER, offset + RECORD_HEADER + header.length),
        };
      }
      position = next;
    }
  }

  trim(position: number): void {
    this.#assertOpen('trim');
    const toTail = position === this.#tail;
    if (!toTail) this.#dataAt(position, 'trim');
    if (position <= this.#state.head) return;
    if (position > this.#durable) this.commit();
    if (toTail) position = this.#tail; // the commit record now ends the log
    // Space is reclaimed a whole group at a time: find the group that holds `position`.
    let groupStart = this.#state.headGroup;
    let cursor = this.#skipAreaEnd(groupStart);
    while (cursor < position) {
      const found = this.#headerAt(cursor);
      if (found === null)
        throw new LogError('BAD_POSITION', `trim: the log is damaged at ${cursor}`);
      cursor += LogEngine.#sizeOf(found[2]);
      if (found[2].type === TYPE_COMMIT && cursor <= position) groupStart = cursor;
      cursor = this.#skipAreaEnd(cursor);
    }
    this.#writeState({ epoch: this.#state.epoch, head: position, headGroup: groupStart });
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.commit();
    } finally {
      this.#closed = true;
      this.#limit = -1; // every append now takes #makeRoom, which throws LOG_CLOSED
      this.#storage.close();
    }
  }

  #assertOpen(what: string): void {
    if (this.#closed) {
      throw new LogError('LOG_CLOSED', `${what}: ${this.#settings.what} is closed; open it again`);
    }
  }
}
