// write-back.ts -- a power-loss model of a mapping: stores reach "media" only when persisted
//
// Each simulated mapping keeps two copies. Stores (through `buffer`) land in the volatile
// copy; the media copy changes only as libpmem2's contract says, at the granularity's unit:
//   PAGE (4096)      persist/flush = msync: every page the range touches is written now;
//   CACHE_LINE (64)  flush snapshots the lines the range touches, drain writes the snapshots;
//   BYTE (8)         drain (and persist) makes every store so far durable (eADR).
// Like a kernel writing back dirty pages or a CPU evicting lines, the machine may also write
// back a dirty unit at any call. At a power loss every unit that differs between the copies
// ends up with its media content, its flushed snapshot or its volatile content, chosen at
// random, either whole or torn into 8-byte words.

import { Granularity } from '@pmem2/config';
import type { LogMapping, LogStorage } from '../../src/index.js';

/** Thrown from inside the mapping call at which the simulated power fails. */
export class PowerLoss extends Error {
  constructor() {
    super('simulated power loss');
  }
}

/** A seeded xorshift32 generator: the same seed gives the same schedule. */
export function rng(seed: number): () => number {
  let x = (seed | 0) === 0 ? 0x9e3779b9 : seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** One simulated machine: counts mapping calls to fail the power at a chosen one. */
export class Machine {
  calls = 0;
  dead = false;
  readonly mappings: SimMapping[] = [];

  constructor(
    readonly random: () => number,
    /** The call (1-based) at which the power fails; Infinity for never. */
    public failAt = Number.POSITIVE_INFINITY,
    /** Chance that a call first writes back one dirty unit of some mapping. */
    readonly evictChance = 0.2,
  ) {}

  /** Called at the start of every mapping call. */
  tick(): void {
    if (this.dead) throw new PowerLoss();
    if (++this.calls >= this.failAt) {
      this.dead = true;
      throw new PowerLoss();
    }
    if (this.mappings.length > 0 && this.random() < this.evictChance) {
      const victim = this.mappings[Math.floor(this.random() * this.mappings.length)] as SimMapping;
      victim.evictOne(this.random);
    }
  }
}

const UNIT: Readonly<Record<Granularity, number>> = {
  [Granularity.PAGE]: 4096,
  [Granularity.CACHE_LINE]: 64,
  [Granularity.BYTE]: 8,
};

/** A {@link LogMapping} whose persistence follows the model above. */
export class SimMapping implements LogMapping {
  readonly volatile: Uint8Array;
  readonly media: Uint8Array;
  /** CACHE_LINE: lines flushed and not yet drained, with their content at the flush. */
  readonly #flushed = new Map<number, Uint8Array>();
  readonly unit: number;

  constructor(
    readonly machine: Machine,
    readonly size: number,
    readonly storeGranularity: Granularity,
    media?: Uint8Array,
  ) {
    this.unit = UNIT[storeGranularity];
    this.media = media === undefined ? new Uint8Array(size) : media.slice();
    this.volatile = this.media.slice();
    machine.mappings.push(this);
  }

  get buffer(): ArrayBuffer {
    return this.volatile.buffer as ArrayBuffer;
  }

  #units(offset: number, length: number): [number, number] {
    return [Math.floor(offset / this.unit), Math.ceil((offset + length) / this.unit)];
  }

  #writeUnit(index: number, content?: Uint8Array): void {
    const at = index * this.unit;
    this.media.set(content ?? this.volatile.subarray(at, at + this.unit), at);
  }

  persist(offset: number, length: number): void {
    this.#check(offset, length);
    this.machine.tick();
    if (this.storeGranularity === Granularity.CACHE_LINE) {
      this.#flushRange(offset, length);
      this.#drain();
    } else if (this.storeGranularity === Granularity.PAGE) this.#writeRange(offset, length);
    else this.#drain();
  }

  flush(offset: number, length: number): void {
    this.#check(offset, length);
    this.machine.tick();
    if (this.storeGranularity === Granularity.CACHE_LINE) this.#flushRange(offset, length);
    else if (this.storeGranularity === Granularity.PAGE) this.#writeRange(offset, length);
  }

  drain(): void {
    this.machine.tick();
    this.#drain();
  }

  persistAsync(offset: number, length: number): Promise<void> {
    try {
      this.#check(offset, length);
      this.machine.tick();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.storeGranularity !== Granularity.PAGE) {
      this.persist(offset, length);
      return Promise.resolve();
    }
    // The msync runs "on the thread pool": it lands a turn later, unless the power fails first.
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        if (this.machine.dead) reject(new PowerLoss());
        else {
          this.#writeRange(offset, length);
          resolve();
        }
      });
    });
  }

  #check(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.size)) {
      throw new RangeError(
        `range [${offset}, ${offset + length}) outside a ${this.size}-byte mapping`,
      );
    }
  }

  #writeRange(offset: number, length: number): void {
    const [first, end] = this.#units(offset, length);
    for (let i = first; i < end; i++) this.#writeUnit(i);
  }

  #flushRange(offset: number, length: number): void {
    const [first, end] = this.#units(offset, length);
    for (let i = first; i < end; i++) {
      this.#flushed.set(i, this.volatile.slice(i * this.unit, (i + 1) * this.unit));
    }
  }

  #drain(): void {
    if (this.storeGranularity === Granularity.BYTE) this.media.set(this.volatile);
    for (const [index, content] of this.#flushed) this.#writeUnit(index, content);
    this.#flushed.clear();
  }

  #dirty(index: number): boolean {
    const at = index * this.unit;
    for (let i = at; i < at + this.unit; i++) if (this.volatile[i] !== this.media[i]) return true;
    return false;
  }

  /** Writes one dirty unit back now, as the kernel or the CPU cache may at any time. */
  evictOne(random: () => number): void {
    const units = this.size / this.unit;
    const start = Math.floor(random() * units);
    for (let k = 0; k < units; k++) {
      const index = (start + k) % units;
      if (this.#dirty(index)) {
        this.#writeUnit(index);
        return;
      }
    }
  }

  /** What the media holds after the power failed: each dirty unit resolved at random. */
  afterPowerLoss(random: () => number): Uint8Array {
    const image = this.media.slice();
    const words = random() < 0.5;
    for (let index = 0; index < this.size / this.unit; index++) {
      const at = index * this.unit;
      const flushed = this.#flushed.get(index);
      if (!this.#dirty(index) && flushed === undefined) continue;
      const versions = [this.media, this.volatile.subarray(0), ...(flushed ? [flushed] : [])];
      const pick = (): Uint8Array => versions[Math.floor(random() * versions.length)] as Uint8Array;
      if (!words) {
        const v = pick();
        image.set(v === flushed ? v : v.subarray(at, at + this.unit), at);
        continue;
      }
      for (let w = 0; w < this.unit; w += 8) {
        const v = pick();
        const from = v === flushed ? w : at + w;
        image.set(v.subarray(from, from + 8), at + w);
      }
    }
    return image;
  }
}

/** The media images of a simulated storage, to recover from after a power loss. */
export interface MediaImage {
  readonly header: Uint8Array;
  readonly areas: readonly Uint8Array[];
}

/** A simulated {@link LogStorage} and its power-loss image. */
export interface SimStorage extends LogStorage {
  readonly header: SimMapping;
  readonly areas: SimMapping[];
  /** Resolves every mapping as at a power loss (call after the failure). */
  image(random: () => number): MediaImage;
  /** What a clean shutdown leaves: the volatile copies (the page cache survives a crash). */
  volatileImage(): MediaImage;
  closed: boolean;
}

/** Options of a simulated storage. */
export interface SimOptions {
  readonly granularity: Granularity;
  readonly areaSize: number;
  readonly areas?: number;
  /** Whether it can grow (a linear log). */
  readonly growable: boolean;
  /** Start from these media images instead of zeros. */
  readonly from?: MediaImage;
}

/** A header of 4096 bytes plus `areas` areas, all following the machine's power. */
export function simStorage(machine: Machine, options: SimOptions): SimStorage {
  const { granularity, areaSize } = options;
  const header = new SimMapping(machine, 4096, granularity, options.from?.header);
  const areas = (
    options.from?.areas ?? Array.from({ length: options.areas ?? 1 }, () => undefined)
  ).map((media) => new SimMapping(machine, areaSize, granularity, media));
  const storage: SimStorage = {
    header,
    areas,
    closed: false,
    close() {
      storage.closed = true;
    },
    image(random) {
      return {
        header: header.afterPowerLoss(random),
        areas: areas.map((a) => a.afterPowerLoss(random)),
      };
    },
    volatileImage() {
      return { header: header.volatile.slice(), areas: areas.map((a) => a.volatile.slice()) };
    },
  };
  if (options.growable) {
    storage.grow = (size: number) => {
      machine.tick();
      const area = new SimMapping(machine, size, granularity);
      areas.push(area);
      return area;
    };
  }
  return storage;
}
