// index.ts -- public API of @pmem2/log

export { AppendLog, type LogRecord } from './append-log.js';
export { isLogError, LogError, LogErrorReason } from './errors.js';
export type { FileMapOptions } from './file-storage.js';
export { type LinearCreateOptions, LinearLog, type LinearOpenOptions } from './linear-log.js';
export type { AutoCommit, LogOptions } from './options.js';
export { type RingCreateOptions, RingLog, type RingOpenOptions } from './ring-log.js';
export type { LogMapping, LogStorage } from './storage.js';
