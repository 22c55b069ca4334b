// file-type.ts -- pmem2_get_type_from_stat: regular file, directory or device DAX

import { type BigIntStats, constants } from 'node:fs';
import { basename } from 'node:path';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { devName } from './dev-number.js';
import { realpathOrThrow } from './node-errno.js';
import { sysfsPath } from './sysfs-root.js';

/** The file types libpmem2 distinguishes for fd sources (`enum pmem2_file_type`). */
export type FileType = 'regular' | 'directory' | 'devdax';

/**
 * Classifies an fstat result like libpmem2's `pmem2_get_type_from_stat`: regular file,
 * directory, or a character device whose sysfs `subsystem` link resolves to `.../dax`.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_INVALID_FILE_TYPE` for anything else, `-errno` when the
 *   `subsystem` link of a character device cannot be resolved.
 */
export function fileTypeFromStat(stats: BigIntStats, root: string): FileType {
  const format = Number(stats.mode) & constants.S_IFMT;
  if (format === constants.S_IFREG) return 'regular';
  if (format === constants.S_IFDIR) return 'directory';
  if (format !== constants.S_IFCHR) {
    const text = `file type 0${format.toString(8)} not supported`;
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_TYPE,
      `${text}: ${describeFormat(format)} cannot be mapped; use a regular file, device DAX or an anonymous source`,
      { libpmem2Message: text },
    );
  }
  const device = devName(stats.rdev);
  const subsystemLink = sysfsPath(root, `/sys/dev/char/${device}/subsystem`);
  const subsystem = realpathOrThrow(
    subsystemLink,
    `cannot tell whether character device ${device} is device DAX`,
  );
  if (basename(subsystem) !== 'dax') {
    throw new Pmem2Error(
      PMEM2_E.INVALID_FILE_TYPE,
      `character device ${device} belongs to subsystem "${basename(subsystem)}", not "dax"; only device DAX character devices can be mapped`,
      { libpmem2Message: '' },
    );
  }
  return 'devdax';
}

function describeFormat(format: number): string {
  switch (format) {
    case constants.S_IFBLK:
      return 'a block device';
    case constants.S_IFIFO:
      return 'a FIFO';
    case constants.S_IFSOCK:
      return 'a socket';
    case constants.S_IFLNK:
      return 'a symbolic link';
    default:
      return 'this file type';
  }
}
