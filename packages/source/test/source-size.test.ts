// source-size.test.ts -- Source.size (PMDK: pmem2_source_size) on files, anon and device DAX

import { closeSync, constants, ftruncateSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Source } from '../src/index.js';
import {
  copyFixture,
  expectPmem2,
  fixture,
  holeyFile,
  openTracked,
  SHM,
  tempDir,
  writeAttribute,
} from './helpers.js';

const REAL = { sysfsRoot: '/' };
const MiB = 1024 * 1024;
const DAX0 = 'sys/devices/platform/e820_pmem/ndbus0/region0/dax0.1/dax0.0';
/** O_TMPFILE as Linux defines it (__O_TMPFILE | O_DIRECTORY); node:fs does not export it. */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

describe.each([
  ['os.tmpdir()', undefined],
  ['/dev/shm', SHM],
])('Source.size on a regular file in %s', (_where, parent) => {
  const dir = tempDir(parent);

  it.each([0, 16 * MiB])('test_normal_file_fd: a holey file of %i bytes', (size) => {
    const fd = openTracked(holeyFile(dir, `holey-${size}`, size), constants.O_RDWR);
    expect(Source.fromFd(fd, REAL).size()).toBe(size);
  });

  it('test_tmpfile_fd: an O_TMPFILE file truncated to 16 MiB', () => {
    const fd = openSync(dir, O_TMPFILE | constants.O_RDWR, 0o600);
    try {
      ftruncateSync(fd, 16 * MiB);
      expect(Source.fromFd(fd, REAL).size()).toBe(16 * MiB);
    } finally {
      closeSync(fd);
    }
  });

  it('re-stats on every call: growing and shrinking the file changes the size', () => {
    const fd = openTracked(holeyFile(dir, 'growing', 4096), constants.O_RDWR);
    const src = Source.fromFd(fd, REAL);
    expect(src.size()).toBe(4096);
    ftruncateSync(fd, 3 * MiB);
    expect(src.size()).toBe(3 * MiB);
    ftruncateSync(fd, 1);
    expect(src.size()).toBe(1);
  });

  it('works on an O_RDONLY fd and after the file was unlinked', () => {
    const path = holeyFile(dir, 'unlinked', 8192);
    const fd = openTracked(path, constants.O_RDONLY);
    const src = Source.fromFd(fd, REAL);
    rmSync(path);
    expect(src.size()).toBe(8192);
  });

  it('a closed fd gives PMEM2_E_INVALID_FILE_HANDLE "fstat: Bad file descriptor"', () => {
    const fd = openSync(holeyFile(dir, 'closed', 4096), 'r+');
    const src = Source.fromFd(fd, REAL);
    closeSync(fd);
    const error = expectPmem2(
      () => src.size(),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fstat: Bad file descriptor',
    );
    expect(error.syscall).toBe('fstat');
  });
});

describe('Source.size on an anonymous source', () => {
  it('is the size given, without any system call', () => {
    expect(Source.fromAnon(12345).size()).toBe(12345);
    expect(Source.fromAnon(0n).size()).toBe(0);
  });

  it('throws RangeError when the size does not fit in a number exactly', () => {
    expect(() => Source.fromAnon(2n ** 53n).size()).toThrow(/use sizeBigInt\(\)/);
    expect(() => Source.fromAnon(2n ** 53n).size()).toThrow(RangeError);
    expect(Source.fromAnon(2n ** 53n - 1n).size()).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('Source.sizeBigInt', () => {
  it.each([0n, 4096n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n])(
    'an anonymous source of %s bytes gives that exact size',
    (size) => {
      expect(Source.fromAnon(size).sizeBigInt()).toBe(size);
    },
  );

  it('a number given to fromAnon comes back as the same bigint', () => {
    expect(Source.fromAnon(12345).sizeBigInt()).toBe(12345n);
  });

  it('a regular file: st_size of a fresh fstat, like size()', () => {
    const fd = openTracked(holeyFile(tempDir(), 'bigint', 3 * MiB), constants.O_RDWR);
    const src = Source.fromFd(fd, REAL);
    expect(src.sizeBigInt()).toBe(BigInt(3 * MiB));
    ftruncateSync(fd, 5);
    expect(src.sizeBigInt()).toBe(5n);
  });

  it('device DAX: the sysfs size attribute, with its errors', () => {
    const devNull = openTracked('/dev/null', constants.O_RDWR);
    expect(Source.fromFd(devNull, { sysfsRoot: fixture('devdax') }).sizeBigInt()).toBe(
      BigInt(1024 * MiB),
    );
    const missing = Source.fromFd(devNull, { sysfsRoot: fixture('devdax-missing-region') });
    expectPmem2(() => missing.sizeBigInt(), 'PMEM2_E_DAX_REGION_NOT_FOUND');
  });

  it('a closed fd or a deleted source gives PMEM2_E_INVALID_FILE_HANDLE', () => {
    const fd = openSync(holeyFile(tempDir(), 'closed-bigint', 4096), 'r+');
    const src = Source.fromFd(fd, REAL);
    closeSync(fd);
    expectPmem2(
      () => src.sizeBigInt(),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fstat: Bad file descriptor',
    );
    const anon = Source.fromAnon(2n ** 63n);
    anon.delete();
    expectPmem2(() => anon.sizeBigInt(), 'PMEM2_E_INVALID_FILE_HANDLE');
  });
});

describe('Source.size on device DAX (fixture sysfs)', () => {
  const devNull = () => openTracked('/dev/null', constants.O_RDWR);

  it('test_normal_file_fd on devdax: /sys/dev/char/M:m/size', () => {
    expect(Source.fromFd(devNull(), { sysfsRoot: fixture('devdax') }).size()).toBe(1024 * MiB);
  });

  it('parses the attribute like strtoull base 0 (hex)', () => {
    const src = Source.fromFd(devNull(), { sysfsRoot: fixture('devdax-region-align') });
    expect(src.size()).toBe(1024 * MiB);
  });

  it('re-reads sysfs on every call', () => {
    const root = copyFixture('devdax');
    const src = Source.fromFd(devNull(), { sysfsRoot: root });
    expect(src.size()).toBe(1024 * MiB);
    writeAttribute(root, `${DAX0}/size`, '2097152\n');
    expect(src.size()).toBe(2 * MiB);
  });

  // sysfs trees whose size attribute is missing or wrong; the device (/dev/null 1:3, /dev/full
  // 1:7, /dev/random 1:8, /dev/zero 1:5) picks which dax device of the tree the fd is
  it.each([
    [
      'a missing size attribute → PMEM2_E_DAX_REGION_NOT_FOUND',
      '/dev/null',
      'devdax-missing-region',
      'PMEM2_E_DAX_REGION_NOT_FOUND',
      'Issue while reading Device Dax size - cannot find dax region',
      -100026,
    ],
    [
      'malformed content → PMEM2_E_INVALID_SIZE_FORMAT',
      '/dev/null',
      'devdax-bad-attributes',
      'PMEM2_E_INVALID_SIZE_FORMAT',
      "invalid device size format '1G\n'",
      -100014,
    ],
    [
      'content without its newline → PMEM2_E_INVALID_SIZE_FORMAT',
      '/dev/full',
      'devdax-bad-attributes',
      'PMEM2_E_INVALID_SIZE_FORMAT',
      "invalid device size format '4096'",
      -100014,
    ],
    [
      'empty content → PMEM2_E_INVALID_SIZE_FORMAT',
      '/dev/random',
      'devdax-bad-attributes',
      'PMEM2_E_INVALID_SIZE_FORMAT',
      "invalid device size format ''",
      -100014,
    ],
    [
      'a value above 2^64-1 → -ERANGE',
      '/dev/zero',
      'devdax-bad-attributes',
      'ERANGE',
      "invalid device size '18446744073709551616\n'",
      -34,
    ],
  ] as const)('%s', (_name, device, tree, code, text, errno) => {
    const fd = openTracked(
      device,
      device === '/dev/random' ? constants.O_RDONLY : constants.O_RDWR,
    );
    const src = Source.fromFd(fd, { sysfsRoot: fixture(tree) });
    expect(expectPmem2(() => src.size(), code, text).errno).toBe(errno);
  });

  it('an unreadable attribute → -errno with "read: <strerror>"', () => {
    const root = copyFixture('devdax');
    rmSync(`${root}/${DAX0}/size`);
    mkdirSync(`${root}/${DAX0}/size`);
    const src = Source.fromFd(devNull(), { sysfsRoot: root });
    expectPmem2(() => src.size(), 'EISDIR', 'read: Is a directory');
  });

  it('a closed fd is reported before sysfs is read', () => {
    const fd = openSync('/dev/null', 'r+');
    const src = Source.fromFd(fd, { sysfsRoot: fixture('devdax') });
    closeSync(fd);
    expectPmem2(() => src.size(), 'PMEM2_E_INVALID_FILE_HANDLE', 'fstat: Bad file descriptor');
  });
});
