// throughput.ts -- the same commit protocol through @pmem2/map and through fs.writeSync + fdatasync

import { closeSync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { encodeRecord, logFileSize, recordOffset, TAIL_OFFSET } from './log-format.js';
import { PersistentLog } from './persistent-log.js';
import { startProgress } from './progress.js';

/** One measured run. */
export interface Throughput {
  readonly records: number;
  readonly seconds: number;
}

/** Appends `records` records to a fresh log at `path` with {@link PersistentLog.append}. */
export function measurePmem2(path: string, records: number, recordSize: number): Throughput {
  PersistentLog.create(path, records, recordSize);
  const log = PersistentLog.open(path);
  const progress = startProgress('@pmem2/map', records);
  try {
    const start = performance.now();
    for (let i = 0; i < records; i++) {
      log.append();
      progress.update(i + 1);
    }
    return { records, seconds: (performance.now() - start) / 1000 };
  } finally {
    progress.end();
    log.close();
  }
}

/**
 * Writes the same records with the same commit order through the file API: `writeSync` the
 * record, `fdatasyncSync`, `writeSync` the 8-byte tail, `fdatasyncSync`.
 */
export function measureFsync(path: string, records: number, recordSize: number): Throughput {
  const fd = openSync(path, 'w+');
  const progress = startProgress('fs + fdatasync', records);
  try {
    ftruncateSync(fd, logFileSize(records, recordSize));
    const tail = new BigUint64Array(1);
    const start = performance.now();
    for (let i = 0; i < records; i++) {
      writeSync(fd, encodeRecord(i, recordSize), 0, recordSize, recordOffset(i, recordSize));
      fdatasyncSync(fd);
      tail[0] = BigInt(i + 1);
      writeSync(fd, tail, 0, 8, TAIL_OFFSET);
      fdatasyncSync(fd);
      progress.update(i + 1);
    }
    return { records, seconds: (performance.now() - start) / 1000 };
  } finally {
    progress.end();
    closeSync(fd);
  }
}
