// source-types.ts -- the types of a Source's kind and of Source.fromPath's options

import type { SysfsOptions } from './sysfs-root.js';

/**
 * What a {@link Source} maps: a regular file, a device DAX character device, or anonymous
 * memory.
 *
 * @remarks
 * `'directory'` mirrors libpmem2's `PMEM2_FTYPE_DIR`; `pmem2_source_from_fd` refuses
 * directories, so no source ever has it. `'anon'` is `PMEM2_SOURCE_ANON`.
 *
 * @example
 * ```ts
 * import { Source, type SourceType } from '@pmem2/source';
 * const type: SourceType = Source.fromAnon(4096).type; // 'anon'
 * ```
 * @see libpmem2: pmem2_source_from_fd(3)
 */
export type SourceType = 'regular' | 'directory' | 'devdax' | 'anon';

/**
 * Options of {@link Source.fromPath}.
 *
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { type FromPathOptions, Source } from '@pmem2/source';
 * const path = join(tmpdir(), `from-path-options-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(16384));
 * const options: FromPathOptions = { readOnly: true };
 * const src = Source.fromPath(path, options);
 * try {
 *   src.pwriteMcsafe(Buffer.from('x'), 0); // throws EBADF
 * } finally {
 *   src.delete();
 *   rmSync(path);
 * }
 * ```
 * @see libpmem2: pmem2_source_from_fd(3)
 */
export interface FromPathOptions extends SysfsOptions {
  /** Open the file `O_RDONLY` instead of `O_RDWR` (default `false`). */
  readonly readOnly?: boolean;
}
