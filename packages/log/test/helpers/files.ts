// files.ts -- a scratch directory per test file, removed afterwards, and raw file surgery

import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh directory under os.tmpdir(), removed after the test file; returns a path maker. */
export function scratchDir(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `pmem2-log-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}

/** Writes `bytes` at `offset` of the file at `path`, past the log's back. */
export function pwrite(path: string, bytes: Uint8Array, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** The text payload of record `i` in the file tests. */
export function text(i: number): string {
  return `record ${i} ${'·'.repeat(i % 97)}`;
}
