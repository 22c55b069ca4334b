// files.ts -- the benchmark files on tmpfs (/dev/shm) and ext4 (os.tmpdir()), made and removed

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type FileSizes, formatBytes, MAP_SIZES } from './plan.js';
import type { FsKind } from './types.js';

/** The files one file system holds for a run. */
export interface BenchFiles {
  readonly dir: string;
  readonly fsType: string;
  /** A sparse file of exactly `size` bytes for mapNew + delete. */
  map(size: number): string;
  readonly persist: string;
  readonly memcpy: string;
  readonly append: string;
  readonly update: string;
  readonly sizes: FileSizes;
}

/** Where each file system's directory goes. */
export function fsRoot(kind: FsKind): string {
  return kind === 'tmpfs' ? '/dev/shm' : os.tmpdir();
}

/** The file system type of a directory, from /proc/self/mounts (longest mount-point prefix). */
export function fsTypeOf(dir: string): string {
  const real = fs.realpathSync(dir);
  let best = { mount: '', type: 'unknown' };
  for (const line of fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, mount, type] = line.split(' ');
    if (mount === undefined || type === undefined) continue;
    const inside = real === mount || real.startsWith(mount === '/' ? '/' : `${mount}/`);
    if (inside && mount.length >= best.mount.length) best = { mount, type };
  }
  return best.type;
}

const ZEROS = Buffer.alloc(4 * 1024 * 1024);

/** Writes `size` zero bytes so every block exists (no first-write allocation in a sample). */
function writeFilled(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (let off = 0; off < size; off += ZEROS.length) {
      fs.writeSync(fd, ZEROS, 0, Math.min(ZEROS.length, size - off), off);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeSparse(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates the directory and files of one file system. Paths never contain spaces. */
export function createFiles(kind: FsKind, sizes: FileSizes): BenchFiles {
  const root = fsRoot(kind);
  const dir = fs.mkdtempSync(path.join(root, 'pmem2-bench-'));
  if (/\s/.test(dir)) throw new Error(`benchmark directory ${dir} contains whitespace`);
  const mapFiles = new Map<number, string>();
  for (const size of MAP_SIZES) {
    const file = path.join(dir, `map-${formatBytes(size).replace(' ', '')}`);
    writeSparse(file, size);
    mapFiles.set(size, file);
  }
  const filled = (name: string, size: number): string => {
    const file = path.join(dir, name);
    writeFilled(file, size);
    return file;
  };
  return {
    dir,
    fsType: fsTypeOf(dir),
    map(size: number): string {
      const file = mapFiles.get(size);
      if (file === undefined) throw new Error(`no map file of ${size} bytes`);
      return file;
    },
    persist: filled('persist', sizes.persist),
    memcpy: filled('memcpy', sizes.memcpy),
    append: filled('append', sizes.append),
    update: filled('update', sizes.update),
    sizes,
  };
}

/** Removes a file system's benchmark directory. */
export function removeFiles(files: BenchFiles): void {
  fs.rmSync(files.dir, { recursive: true, force: true });
}
