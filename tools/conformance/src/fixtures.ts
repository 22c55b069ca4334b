// fixtures.ts -- the files, directory and FIFO the cases map, created fresh for every run of a case

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ConformanceCase, type FileSystemKind, filePattern, type SourceSpec } from './case.js';

/** Bytes of known content at each end of a `pattern` file; the middle stays a hole. */
const PATTERN_EDGE = 64 * 1024;

/** The character device used for the "not a DAX device" path. */
const CHAR_DEVICE = '/dev/null';

/**
 * Scratch directories on ext4 (`os.tmpdir()`) and tmpfs (`/dev/shm`), holding one file per case
 * and side, a directory and a FIFO. `dispose()` removes everything.
 */
export class Fixtures {
  readonly #roots: Record<FileSystemKind, string>;
  readonly #dir: string;
  readonly #fifo: string;

  constructor() {
    this.#roots = {
      ext4: fs.mkdtempSync(path.join(os.tmpdir(), 'pmem2-conformance-')),
      tmpfs: fs.mkdtempSync(path.join('/dev/shm', 'pmem2-conformance-')),
    };
    this.#dir = path.join(this.#roots.ext4, 'a-directory');
    fs.mkdirSync(this.#dir);
    this.#fifo = path.join(this.#roots.ext4, 'a-fifo');
    const mkfifo = spawnSync('mkfifo', [this.#fifo]);
    if (mkfifo.status !== 0) throw new Error(`mkfifo ${this.#fifo} failed: ${mkfifo.stderr}`);
  }

  /** Creates what the case's source needs for one side (`tag`) and returns its path ("" if none). */
  prepare(c: ConformanceCase, tag: string): string {
    return this.#prepareSource(c.source, `${c.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${tag}`);
  }

  /** Removes the file `prepare` created for a file source (other sources are shared). */
  release(c: ConformanceCase, filePath: string): void {
    if (c.source.kind === 'file') fs.rmSync(filePath, { force: true });
  }

  /** Removes both scratch directories. */
  dispose(): void {
    for (const root of Object.values(this.#roots))
      fs.rmSync(root, { recursive: true, force: true });
  }

  #prepareSource(source: SourceSpec, name: string): string {
    switch (source.kind) {
      case 'file': {
        const filePath = path.join(this.#roots[source.fs], name);
        writeFixtureFile(filePath, source.size, source.content === 'pattern');
        return filePath;
      }
      case 'dir':
        return this.#dir;
      case 'fifo':
        return this.#fifo;
      case 'chardev':
        return CHAR_DEVICE;
      case 'existing':
        return source.path;
      default:
        return '';
    }
  }
}

function writeFixtureFile(filePath: string, size: number, withPattern: boolean): void {
  const fd = fs.openSync(filePath, 'w', 0o644);
  try {
    if (withPattern) {
      writeRange(fd, 0, Math.min(size, PATTERN_EDGE));
      const tailStart = Math.max(PATTERN_EDGE, size - PATTERN_EDGE);
      if (tailStart < size) writeRange(fd, tailStart, size);
    }
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

function writeRange(fd: number, start: number, end: number): void {
  const bytes = new Uint8Array(end - start);
  for (let i = 0; i < bytes.length; i++) bytes[i] = filePattern(start + i);
  fs.writeSync(fd, bytes, 0, bytes.length, start);
}
