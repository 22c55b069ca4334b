// file-extents.ts -- the extents of a regular file (libpmem2: extent_linux.c), read through
// filefrag(8) because node:fs has no FS_IOC_FIEMAP ioctl

import { execFileSync } from 'node:child_process';
import { constants } from 'node:os';
import { PMEM2_E, Pmem2Error } from '@pmem2/errors';

/** One extent of a file, in bytes (a `struct fiemap_extent`). */
export interface FileExtent {
  /** Where the extent starts on the block device. */
  readonly physical: bigint;
  /** Where the extent starts in the file. */
  readonly logical: bigint;
  /** Its length. */
  readonly length: bigint;
}

const HEADER = /^File size of .* is (\d+) \(\d+ blocks? of (\d+) bytes\)$/m;
const EXTENT = /^\s*\d+:\s*(\d+)\.\.\s*\d+:\s*(\d+)\.\.\s*\d+:\s*(\d+):/gm;

/**
 * The extents of the open regular file `fd` of `size` bytes, in file order, as FIEMAP reports
 * them over `[0, size)`: runs `filefrag -v /proc/<pid>/fd/<fd>` (e2fsprogs) and converts its
 * block numbers to bytes.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `-EINVAL` for an empty file (FIEMAP refuses a
 *   zero-length range, as libpmem2 finds); `PMEM2_E_NOSUPP` when filefrag is not installed or
 *   the filesystem has no FIEMAP.
 */
export function fileExtents(fd: number, size: bigint): FileExtent[] {
  if (size === 0n) {
    const text = `fiemap ioctl() for fd=${fd} failed: Invalid argument`;
    throw new Pmem2Error(
      -constants.errno.EINVAL,
      `fd ${fd} is an empty file: FIEMAP refuses a zero-length range (${text})`,
      { libpmem2Message: text, syscall: 'ioctl' },
    );
  }
  const output = runFilefrag(`/proc/${process.pid}/fd/${fd}`);
  const header = HEADER.exec(output);
  if (header === null) throw noExtents(fd, `unexpected filefrag output: ${output.slice(0, 200)}`);
  const blockSize = BigInt(header[2] as string);
  const extents: FileExtent[] = [];
  for (const [, logical, physical, length] of output.matchAll(EXTENT)) {
    const extent = {
      logical: BigInt(logical as string) * blockSize,
      physical: BigInt(physical as string) * blockSize,
      length: BigInt(length as string) * blockSize,
    };
    // FIEMAP is asked for [0, size) only; filefrag asks for the whole file
    if (extent.logical < size) extents.push(extent);
  }
  return extents;
}

function runFilefrag(path: string): string {
  try {
    return execFileSync('filefrag', ['-v', path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { code, stderr, stdout } = error as { code?: string; stderr?: string; stdout?: string };
    const why =
      code === 'ENOENT'
        ? 'filefrag (e2fsprogs) is not installed'
        : `filefrag failed: ${`${stdout ?? ''}${stderr ?? ''}`.trim()}`;
    throw noExtents(path, why);
  }
}

function noExtents(file: number | string, why: string): Pmem2Error {
  return new Pmem2Error(
    PMEM2_E.NOSUPP,
    `cannot read the extents of ${typeof file === 'number' ? `fd ${file}` : file}: ${why}. Bad blocks of a regular file on pmem need its extents (FIEMAP), which node:fs cannot ask for; install e2fsprogs or use a filesystem with FIEMAP`,
    { libpmem2Message: '' },
  );
}
