// procmaps.ts -- this process's /proc/self/maps, parsed

import { readFileSync } from 'node:fs';

/** One line of /proc/self/maps. */
export interface MapsLine {
  readonly start: bigint;
  readonly end: bigint;
  readonly perms: string;
  readonly path: string;
}

/** Parses /proc/self/maps. */
export function procMaps(): MapsLine[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [range = '', perms = '', , , , ...rest] = line.split(/\s+/);
      const [start = '0', end = '0'] = range.split('-');
      return {
        start: BigInt(`0x${start}`),
        end: BigInt(`0x${end}`),
        perms,
        path: rest.join(' '),
      };
    });
}

/** The /proc/self/maps lines that map `path` (also once it is deleted). */
export function mappingsOf(path: string): MapsLine[] {
  return procMaps().filter((line) => line.path === path || line.path === `${path} (deleted)`);
}

/** The /proc/self/maps lines overlapping [start, end). */
export function mappingsIn(start: bigint, end: bigint): MapsLine[] {
  return procMaps().filter((line) => line.start < end && start < line.end);
}

/** The line of a /proc/<pid>/maps text (this process's by default) that covers `addr`. */
export function mapsLineAt(
  addr: bigint,
  maps: string = readFileSync('/proc/self/maps', 'utf8'),
): string | undefined {
  return maps.split('\n').find((line) => {
    const [range] = line.split(' ');
    const [lo, hi] = (range ?? '').split('-').map((h) => BigInt(`0x${h || '0'}`));
    return lo !== undefined && hi !== undefined && addr >= lo && addr < hi;
  });
}
