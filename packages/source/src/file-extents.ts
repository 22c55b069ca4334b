// file-extents.ts -- the extents of a regular file (libpmem2: extent_linux.c): the FS_IOC_FIEMAP
// ioctl of the optional @pmem2/native, or filefrag(8) without it (node:fs has no ioctl)

import { execFileSync } from 'node:child_process';
import { ERRNO, PMEM2_E, Pmem2Error, strerror } from '@pmem2/errors';
import type { FileExtent } from '@pmem2/native';
import { nativeFileOps } from './native-file-ops.js';

const HEADER = /^File size of .* is (\d+) \(\d+ blocks? of (\d+) bytes\)$/m;
const EXTENT = /^\s*\d+:\s*(\d+)\.\.\s*\d+:\s*(\d+)\.\.\s*\d+:\s*(\d+):/gm;

/**
 * The extents of the open regular file `fd` of `size` bytes, in file order, as FIEMAP reports
 * them over `[0, size)`: through `@pmem2/native`'s FS_IOC_FIEMAP ioctl when it is installed,
 * otherwise by running `filefrag -v /proc/<pid>/fd/<fd>` (e2fsprogs) and converting its block
 * numbers to bytes.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `-EINVAL` for an empty file (FIEMAP refuses a
 *   zero-length range, as libpmem2 finds); with `@pmem2/native`, `-errno` of the ioctl
 *   ("fiemap ioctl() for fd=<fd> failed: <strerror>", e.g. `-EOPNOTSUPP` on a filesystem without
 *   FIEMAP); without it, `PMEM2_E_NOSUPP` when filefrag is not installed or fails.
 */
export function fileExtents(fd: number, size: bigint): FileExtent[] {
  if (size === 0n) {
    const text = `fiemap ioctl() for fd=${fd} failed: Invalid argument`;
    throw new Pmem2Error(
      -ERRNO.EINVAL,
      `fd ${fd} is an empty file: FIEMAP refuses a zero-length range (${text})`,
      { libpmem2Message: text, syscall: 'ioctl' },
    );
  }
  const { ops } = nativeFileOps();
  // FIEMAP is asked for [0, size) by libpmem2; both readers here report the whole file
  const extents = ops === null ? filefragExtents(fd) : fiemapExtents(fd, ops.fiemap(fd));
  return extents.filter((extent) => extent.logical < size);
}

/** The FS_IOC_FIEMAP answer of `@pmem2/native`, or its -errno as libpmem2's error. */
function fiemapExtents(fd: number, answer: FileExtent[] | number): FileExtent[] {
  if (typeof answer !== 'number') return answer;
  const text = `fiemap ioctl() for fd=${fd} failed: ${strerror(answer)}`;
  throw new Pmem2Error(
    answer,
    `cannot read the extents of fd ${fd}: ${text}; bad blocks of a regular file on pmem need a filesystem with FIEMAP (ext4 or xfs)`,
    { libpmem2Message: text, syscall: 'ioctl' },
  );
}

/** The extents `filefrag -v` prints for the fd, in bytes. */
function filefragExtents(fd: number): FileExtent[] {
  const output = runFilefrag(`/proc/${process.pid}/fd/${fd}`);
  const header = HEADER.exec(output);
  if (header === null) throw noExtents(fd, `unexpected filefrag output: ${output.slice(0, 200)}`);
  const blockSize = BigInt(header[2] as string);
  return [...output.matchAll(EXTENT)].map(([, logical, physical, length]) => ({
    logical: BigInt(logical as string) * blockSize,
    physical: BigInt(physical as string) * blockSize,
    length: BigInt(length as string) * blockSize,
  }));
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
    `cannot read the extents of ${typeof file === 'number' ? `fd ${file}` : file}: ${why}. Bad blocks of a regular file on pmem need its extents (FIEMAP), which node:fs cannot ask for; install @pmem2/native (or e2fsprogs for filefrag)`,
    { libpmem2Message: '' },
  );
}
