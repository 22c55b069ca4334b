// source.test.ts -- Source.fromFd / fromAnon / fromPath / getFd / delete (PMDK: pmem2_source)

import { type BigIntStats, closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTypeFromStat } from '../src/file-type.js';
import { Source } from '../src/index.js';
import {
  expectPmem2,
  fixture,
  holeyFile,
  openFifo,
  openTracked,
  tempDir,
  unixSocketFd,
} from './helpers.js';

const REAL = { sysfsRoot: '/' };
const dir = tempDir();
const file = holeyFile(dir, 'testfile', 16 * 1024 * 1024);

describe('Source.fromFd', () => {
  it('test_set_rw_fd: accepts an O_RDWR fd of a regular file and keeps it', () => {
    const fd = openTracked(file, constants.O_RDWR);
    const src = Source.fromFd(fd, REAL);
    expect(src.type).toBe('regular');
    expect(src.getFd()).toBe(fd);
    src.delete();
  });

  it('test_set_ro_fd: accepts an O_RDONLY fd', () => {
    const fd = openTracked(file, constants.O_RDONLY);
    const src = Source.fromFd(fd, REAL);
    expect(src.type).toBe('regular');
    expect(src.getFd()).toBe(fd);
  });

  it('test_set_invalid_fd: rejects a closed fd with PMEM2_E_INVALID_FILE_HANDLE (fcntl EBADF)', () => {
    const fd = openSync(file, constants.O_WRONLY);
    closeSync(fd);
    const error = expectPmem2(
      () => Source.fromFd(fd, REAL),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fcntl: Bad file descriptor',
    );
    expect(error.errno).toBe(-100004);
    expect(error.syscall).toBe('fcntl');
  });

  it('rejects a negative fd with PMEM2_E_INVALID_FILE_HANDLE and no libpmem2 message', () => {
    expectPmem2(() => Source.fromFd(-1, REAL), 'PMEM2_E_INVALID_FILE_HANDLE', '');
  });

  it('rejects an fd number far beyond the open files (fcntl EBADF)', () => {
    expectPmem2(
      () => Source.fromFd(2 ** 31 - 1, REAL),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fcntl: Bad file descriptor',
    );
  });

  it('test_set_wronly_fd: rejects an O_WRONLY fd', () => {
    const fd = openTracked(file, constants.O_WRONLY);
    expectPmem2(
      () => Source.fromFd(fd, REAL),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fd must be open with O_RDONLY or O_RDWR',
    );
  });

  it('checks O_WRONLY before the file type (a write-only FIFO is a handle error)', () => {
    const fifoDir = tempDir();
    const reader = openFifo(fifoDir);
    const writer = openTracked(join(fifoDir, 'fifo'), constants.O_WRONLY | constants.O_NONBLOCK);
    expect(reader).toBeGreaterThan(0);
    expectPmem2(() => Source.fromFd(writer, REAL), 'PMEM2_E_INVALID_FILE_HANDLE');
  });

  it('test_set_directory_fd: rejects a directory with PMEM2_E_INVALID_FILE_TYPE', () => {
    const fd = openTracked(dir, constants.O_RDONLY);
    expectPmem2(
      () => Source.fromFd(fd, REAL),
      'PMEM2_E_INVALID_FILE_TYPE',
      'cannot set fd to directory in pmem2_source_from_fd',
    );
  });

  it('rejects /dev/null (a character device outside the dax subsystem) with no message', () => {
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const error = expectPmem2(() => Source.fromFd(fd, REAL), 'PMEM2_E_INVALID_FILE_TYPE', '');
    expect(error.message).toContain('"mem"');
  });

  it('rejects a FIFO with "file type 010000 not supported"', () => {
    const fd = openFifo(tempDir());
    expectPmem2(
      () => Source.fromFd(fd, REAL),
      'PMEM2_E_INVALID_FILE_TYPE',
      'file type 010000 not supported',
    );
  });

  describe('on a unix socket', () => {
    const socketFd = unixSocketFd();

    it('rejects a connected socket fd with "file type 0140000 not supported"', () => {
      const fd = socketFd();
      expect(fd).toBeGreaterThan(2);
      expectPmem2(
        () => Source.fromFd(fd, REAL),
        'PMEM2_E_INVALID_FILE_TYPE',
        'file type 0140000 not supported',
      );
    });
  });

  it('rejects a block device and a symlink with "file type 0%o not supported"', () => {
    const stats = (mode: number) => ({ mode: BigInt(mode), rdev: 0n }) as BigIntStats;
    expectPmem2(
      () => fileTypeFromStat(stats(constants.S_IFBLK | 0o660), '/'),
      'PMEM2_E_INVALID_FILE_TYPE',
      'file type 060000 not supported',
    );
    expectPmem2(
      () => fileTypeFromStat(stats(constants.S_IFLNK | 0o777), '/'),
      'PMEM2_E_INVALID_FILE_TYPE',
      'file type 0120000 not supported',
    );
  });

  it('fails with -ENOENT when the subsystem link of a character device is missing', () => {
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const root = fixture('fsdax');
    const link = join(root, 'sys/dev/char/1:3/subsystem');
    const error = expectPmem2(
      () => Source.fromFd(fd, { sysfsRoot: root }),
      'ENOENT',
      `realpath "${link}": No such file or directory`,
    );
    expect(error.errno).toBe(-2);
    expect(error.syscall).toBe('realpath');
  });

  it('treats a character device whose sysfs subsystem is "dax" as device DAX', () => {
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const src = Source.fromFd(fd, { sysfsRoot: fixture('devdax') });
    expect(src.type).toBe('devdax');
    expect(src.rdev).toBe(0x103n);
  });

  it('rejects a character device in a "mem" subsystem of the no-NVDIMM fixture', () => {
    const fd = openTracked('/dev/null', constants.O_RDWR);
    expectPmem2(
      () => Source.fromFd(fd, { sysfsRoot: fixture('no-nvdimm') }),
      'PMEM2_E_INVALID_FILE_TYPE',
      '',
    );
  });

  it('throws TypeError for an fd that is not an integer', () => {
    expect(() => Source.fromFd(1.5)).toThrow(TypeError);
    expect(() => Source.fromFd(Number.NaN)).toThrow(TypeError);
    expect(() => Source.fromFd('3' as unknown as number)).toThrow(TypeError);
  });

  it('records st_dev and st_rdev of the file', () => {
    const fd = openTracked(file, constants.O_RDWR);
    const src = Source.fromFd(fd, REAL);
    expect(src.dev).toBeGreaterThan(0n);
    expect(src.rdev).toBe(0n);
  });

  it('test_delete_null_config: delete twice is harmless and leaves the fd open', () => {
    const fd = openTracked(file, constants.O_RDWR);
    const src = Source.fromFd(fd, REAL);
    src.delete();
    src.delete();
    expect(Source.fromFd(fd, REAL).getFd()).toBe(fd);
  });
});

describe('Source.getFd', () => {
  it('test_get_fd: returns the fd of an fd source', () => {
    const fd = openTracked(file, constants.O_RDWR);
    expect(Source.fromFd(fd, REAL).getFd()).toBe(fd);
  });

  it('test_get_fd_inval_type: anon source → PMEM2_E_FILE_DESCRIPTOR_NOT_SET', () => {
    const error = expectPmem2(
      () => Source.fromAnon(4096).getFd(),
      'PMEM2_E_FILE_DESCRIPTOR_NOT_SET',
      'File descriptor is not set, source type does not support fd',
    );
    expect(error.errno).toBe(-100035);
  });

  it('anon sources have no device numbers either', () => {
    const src = Source.fromAnon(4096);
    expectPmem2(() => src.dev, 'PMEM2_E_FILE_DESCRIPTOR_NOT_SET');
    expectPmem2(() => src.rdev, 'PMEM2_E_FILE_DESCRIPTOR_NOT_SET');
  });
});

describe('Source.fromAnon', () => {
  it('accepts size 0 (mapping fails later with PMEM2_E_SOURCE_EMPTY)', () => {
    const src = Source.fromAnon(0);
    expect(src.type).toBe('anon');
    expect(src.size()).toBe(0);
  });

  it('accepts number and bigint sizes up to SIZE_MAX', () => {
    expect(Source.fromAnon(2n ** 40n).size()).toBe(2 ** 40);
    expect(Source.fromAnon(Number.MAX_SAFE_INTEGER).size()).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => Source.fromAnon(2n ** 64n - 1n)).not.toThrow();
  });

  it('refuses sizes C could not receive as size_t', () => {
    expect(() => Source.fromAnon(-1)).toThrow(RangeError);
    expect(() => Source.fromAnon(-1n)).toThrow(RangeError);
    expect(() => Source.fromAnon(2n ** 64n)).toThrow(RangeError);
    expect(() => Source.fromAnon(1.5)).toThrow(TypeError);
    expect(() => Source.fromAnon(Number.NaN)).toThrow(TypeError);
    expect(() => Source.fromAnon(2 ** 53)).toThrow(TypeError);
    expect(() => Source.fromAnon('1' as unknown as number)).toThrow(TypeError);
  });
});

describe('Source.fromPath', () => {
  it('opens O_RDWR by default and closes the fd on delete()', () => {
    const src = Source.fromPath(file, REAL);
    const fd = src.getFd();
    expect(src.type).toBe('regular');
    expect(src.size()).toBe(16 * 1024 * 1024);
    src.delete();
    expectPmem2(() => Source.fromFd(fd, REAL), 'PMEM2_E_INVALID_FILE_HANDLE');
  });

  it('opens O_RDONLY with readOnly: true', () => {
    using src = Source.fromPath(file, { readOnly: true, sysfsRoot: '/' });
    const fd = src.getFd();
    expect(src.type).toBe('regular');
    expect(() => writeSync(fd, 'x')).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('closes the fd at the end of a using block', () => {
    let fd = -1;
    {
      using src = Source.fromPath(file, REAL);
      fd = src.getFd();
      expect(Source.fromFd(fd, REAL).type).toBe('regular');
    }
    expectPmem2(() => Source.fromFd(fd, REAL), 'PMEM2_E_INVALID_FILE_HANDLE');
  });

  it('names the path and errno when the file cannot be opened', () => {
    const missing = join(dir, 'missing');
    const error = expectPmem2(
      () => Source.fromPath(missing),
      'ENOENT',
      'open: No such file or directory',
    );
    expect(error.errno).toBe(-2);
    expect(error.syscall).toBe('open');
    expect(error.message).toContain(missing);
  });

  it('a directory opened read-write fails with EISDIR', () => {
    expectPmem2(() => Source.fromPath(dir), 'EISDIR', 'open: Is a directory');
  });

  it('a directory opened read-only fails the directory check naming the path, and its fd is closed', () => {
    const before = openSync(file, 'r');
    closeSync(before);
    const error = expectPmem2(
      () => Source.fromPath(dir, { readOnly: true }),
      'PMEM2_E_INVALID_FILE_TYPE',
      'cannot set fd to directory in pmem2_source_from_fd',
    );
    // the caller gave a path, so the message names it, not the fd fromPath opened
    expect(error.message).toMatch(new RegExp(`^${JSON.stringify(dir)} is a directory; `));
    expect(error.message).not.toMatch(/\bfd \d/);
    // the fd fromPath opened was closed: the next open reuses the same lowest number
    const after = openSync(file, 'r');
    closeSync(after);
    expect(after).toBe(before);
  });

  it('refuses a FIFO without blocking, read-only or read-write', () => {
    const fifoDir = tempDir();
    openFifo(fifoDir);
    const path = join(fifoDir, 'fifo');
    expectPmem2(
      () => Source.fromPath(path, { readOnly: true }),
      'PMEM2_E_INVALID_FILE_TYPE',
      'file type 010000 not supported',
    );
    expectPmem2(() => Source.fromPath(path), 'PMEM2_E_INVALID_FILE_TYPE');
  });

  it('opens /dev/null as device DAX when sysfs says so', () => {
    using src = Source.fromPath('/dev/null', { sysfsRoot: fixture('devdax') });
    expect(src.type).toBe('devdax');
    expect(src.sysfsRoot).toBe(fixture('devdax'));
  });

  it('throws TypeError for a path that is not a string', () => {
    expect(() => Source.fromPath(3 as unknown as string)).toThrow(TypeError);
  });
});

describe('a deleted source', () => {
  it('throws PMEM2_E_INVALID_FILE_HANDLE from every method instead of touching the fd', () => {
    const src = Source.fromPath(file, REAL);
    src.delete();
    for (const call of [
      () => src.size(),
      () => src.alignment(),
      () => src.getFd(),
      () => src.dev,
      () => src.rdev,
      () => src.numaNode(),
      () => src.deviceId(),
      () => src.deviceUsc(),
    ]) {
      const error = expectPmem2(call, 'PMEM2_E_INVALID_FILE_HANDLE', '');
      expect(error.message).toContain('deleted');
    }
  });

  it('does so for anonymous sources too', () => {
    const src = Source.fromAnon(4096);
    src[Symbol.dispose]();
    expectPmem2(() => src.size(), 'PMEM2_E_INVALID_FILE_HANDLE');
  });
});
