// file-storage.ts -- a log's mappings over one file: a ring's two, a linear log's growing set
//
// File layout: the header area [0, H), then the data areas back to back, H a multiple of the
// source alignment (4 KiB for a regular file). A linear log maps them into one
// VmReservation (header at 0, segment k at H + k * S), so growing the file maps the new
// segment right after the last one: the log's memory grows in place.

import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import { Config, type Granularity } from '@pmem2/config';
import { ERRNO, isPmem2Error, Pmem2Error } from '@pmem2/errors';
import { mapNew, type Pmem2Map, VmReservation } from '@pmem2/map';
import { Source } from '@pmem2/source';
import { LogError } from './errors.js';
import { HEADER_SIZE, readSuperblock, type Shape } from './format.js';
import type { LogStorage } from './storage.js';

/** How a log file is mapped. */
export interface FileMapOptions {
  /**
   * The store granularity the mappings must offer (`pmem2_config_set_required_store_granularity`);
   * PAGE (the default) maps every file, and the log then persists as the mapping needs.
   */
  readonly granularity?: Granularity;
}

/** What a file storage is built from. */
interface FilePlan {
  readonly path: string;
  readonly create: boolean;
  readonly shape: Shape;
  /** Area size: a segment (linear) or the capacity (ring); read from the file on open. */
  readonly areaSize?: number;
  /** Areas of the file on create. */
  readonly areas?: number;
  /** Address space to reserve for a linear log, in bytes of areas; `null` for a ring. */
  readonly maxSize: number | null;
  readonly granularity: Granularity;
}

/** A storage over a file, with the facts the log classes report. */
export interface FileStorage extends LogStorage {
  readonly areaSize: number;
  /** The areas the reservation has room for. */
  readonly maxAreas: number;
}

function openFile(path: string, create: boolean): number {
  try {
    return openSync(path, create ? 'wx+' : 'r+');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).errno ?? -5;
    const advice = create
      ? 'choose a new path, or open the existing log with open()'
      : 'check that the log exists and that you may read and write it';
    throw Pmem2Error.fromErrno(
      errno,
      'open',
      `cannot ${create ? 'create' : 'open'} "${path}": ${(error as Error).message}; ${advice}`,
    );
  }
}

/** Reads the area size from the file's superblock before anything is mapped. */
function readAreaSize(fd: number, path: string, shape: Shape): number {
  const head = new Uint8Array(HEADER_SIZE);
  const read = readSync(fd, head, 0, HEADER_SIZE, 0);
  return readSuperblock(head.subarray(0, read), shape, `"${path}"`).areaSize;
}

/**
 * Makes the file `size` bytes long with every block of `[from, size)` allocated
 * (`Source.allocate`, posix_fallocate's work): a full file system is a `LOG_FULL` error here,
 * not pages the log's stores would lose later (a bus error the mapping repairs with zeros and
 * reports as `PMEM2_E_IO_FAIL` at the next commit). On failure the file keeps its size.
 */
function allocateFile(source: Source, path: string, from: number, size: number): void {
  try {
    source.allocate(from, size - from);
  } catch (error) {
    if (isPmem2Error(error) && error.errno === -ERRNO.ENOSPC) {
      throw new LogError(
        'LOG_FULL',
        `the file system of "${path}" has no room for ${size - from} more bytes of the log; ` +
          'free space there, or give the log a smaller capacity or segmentSize',
      );
    }
    throw error;
  }
}

function roundUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}

/**
 * Creates or opens the file at `plan.path` and maps it: header + areas. Everything made is
 * undone when a step fails (and a file this call created is removed).
 */
export function openFileStorage(plan: FilePlan): FileStorage {
  const fd = openFile(plan.path, plan.create);
  const undo: (() => void)[] = [() => closeSync(fd)];
  if (plan.create) undo.push(() => rmSync(plan.path, { force: true }));
  try {
    const storage = mapFile(fd, plan, undo);
    return storage;
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // keep undoing; the first error is the one to report
      }
    }
    throw error;
  }
}

function mapFile(fd: number, plan: FilePlan, undo: (() => void)[]): FileStorage {
  const source = Source.fromFd(fd);
  undo.push(() => source.delete());
  const alignment = source.alignment();
  const headerSize = roundUp(HEADER_SIZE, alignment);
  let areaSize: number;
  let areas: number;
  if (plan.create) {
    areaSize = roundUp(plan.areaSize ?? 0, alignment);
    areas = plan.areas ?? 1;
    allocateFile(source, plan.path, 0, headerSize + areas * areaSize);
  } else {
    areaSize = readAreaSize(fd, plan.path, plan.shape);
    if (areaSize % alignment !== 0) {
      throw new LogError(
        'CORRUPT_HEADER',
        `the area size ${areaSize} of "${plan.path}" is not a multiple of the alignment ${alignment}`,
      );
    }
    areas = Math.floor((fstatSync(fd).size - headerSize) / areaSize);
    if (areas < 1) {
      throw new LogError(
        'CORRUPT_HEADER',
        `"${plan.path}" is shorter than its header and first area: the file was truncated; restore it from a copy`,
      );
    }
  }
  const maxAreas = plan.maxSize === null ? 1 : Math.max(areas, Math.floor(plan.maxSize / areaSize));
  const reservation =
    plan.maxSize === null ? null : VmReservation.new(headerSize + maxAreas * areaSize);
  const maps: Pmem2Map[] = [];
  if (reservation !== null) undo.push(() => reservation.delete());
  undo.push(() => {
    for (const map of maps.splice(0).reverse()) map.delete();
  });
  const mapRange = (offset: number, length: number): Pmem2Map => {
    const config = new Config()
      .setRequiredStoreGranularity(plan.granularity)
      .setOffset(offset)
      .setLength(length);
    if (reservation !== null) config.setVmReservation(reservation, offset);
    const map = mapNew(config, source);
    maps.push(map);
    return map;
  };
  const header = mapRange(0, headerSize);
  const areaMaps: Pmem2Map[] = [];
  for (let i = 0; i < areas; i++) areaMaps.push(mapRange(headerSize + i * areaSize, areaSize));
  let closed = false;
  const storage: FileStorage = {
    header,
    areas: areaMaps,
    areaSize,
    maxAreas,
    close() {
      if (closed) return;
      closed = true;
      for (const step of undo.reverse()) step();
      undo.length = 0;
    },
  };
  if (reservation !== null) {
    // The segment is part of the file, its blocks allocated, before the log writes to it;
    // then fdatasync so the new size is durable however the mapping persists.
    (storage as { grow?: (size: number) => Pmem2Map }).grow = (size: number) => {
      const offset = headerSize + areaMaps.length * areaSize;
      if (size !== areaSize || areaMaps.length >= maxAreas) {
        throw new LogError(
          'LOG_FULL',
          `"${plan.path}" has no room for another segment in its reservation; open it with a larger maxSize`,
        );
      }
      allocateFile(source, plan.path, offset, offset + areaSize);
      fdatasyncSync(fd);
      const map = mapRange(offset, areaSize);
      areaMaps.push(map);
      return map;
    };
  }
  // After a successful open the file is the user's: a later failure must not remove it.
  if (plan.create) undo.splice(1, 1);
  return storage;
}
