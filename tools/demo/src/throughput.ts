// throughput.ts -- one record a commit through @pmem2/log and through fs.writeSync + fdatasync

import { closeSync, fdatasyncSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LinearLog } from '@pmem2/log';
import { startProgress } from './progress.js';
import { encodeRecord } from './records.js';

/** One measured run. */
export interface Throughput {
  readonly records: number;
  readonly seconds: number;
}

/** Appends and commits `records` records, one a commit, to a new log at `path`. */
export function measureLog(path: string, records: number, recordSize: number): Throughput {
  rmSync(path, { force: true });
  const log = LinearLog.create(path, { autoCommit: false });
  const progress = startProgress('@pmem2/log', records);
  try {
    const start = performance.now();
    for (let i = 0; i < records; i++) {
      log.append(encodeRecord(i, recordSize));
      log.commit();
      progress.update(i + 1);
    }
    return { records, seconds: (performance.now() - start) / 1000 };
  } finally {
    progress.end();
    log.close();
    rmSync(path, { force: true });
  }
}

/**
 * Writes the same records through the file API, one durable write each: `writeSync` the
 * record at the end of the file, `fdatasyncSync`.
 */
export function measureFsync(path: string, records: number, recordSize: number): Throughput {
  const fd = openSync(path, 'w+');
  const progress = startProgress('fs + fdatasync', records);
  try {
    ftruncateSync(fd, records * recordSize);
    const start = performance.now();
    for (let i = 0; i < records; i++) {
      writeSync(fd, encodeRecord(i, recordSize), 0, recordSize, i * recordSize);
      fdatasyncSync(fd);
      progress.update(i + 1);
    }
    return { records, seconds: (performance.now() - start) / 1000 };
  } finally {
    progress.end();
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
