// source-syscall-errors.test.ts -- error paths that need a failing system call: fcntl and
// fstat errors other than EBADF, and a negative st_size (node:fs and the fdinfo reader are wrapped
// to inject them)

import * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Source } from '../src/index.js';
import { expectPmem2, holeyFile, openTracked, tempDir } from './helpers.js';

const inject = vi.hoisted(() => ({
  fdinfo: undefined as undefined | ((fd: number) => string),
  fstatSync: undefined as undefined | ((real: fs.BigIntStats) => fs.BigIntStats),
}));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    fstatSync: ((fd: number, options?: fs.StatOptions) => {
      const stats = real.fstatSync(fd, { bigint: true });
      if (inject.fstatSync !== undefined) return inject.fstatSync(stats);
      return options?.bigint === true ? stats : real.fstatSync(fd);
    }) as typeof real.fstatSync,
  };
});

vi.mock('../src/fdinfo-text.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/fdinfo-text.js')>();
  return {
    readFdinfoText: (fd: number) =>
      inject.fdinfo !== undefined ? inject.fdinfo(fd) : real.readFdinfoText(fd),
  };
});

function errnoError(code: string, errno: number, syscall: string): Error {
  return Object.assign(new Error(`${code}: ${syscall}`), { code, errno: -errno, syscall });
}

const file = holeyFile(tempDir(), 'testfile', 4096);
const REAL = { sysfsRoot: '/' };

describe('failing system calls', () => {
  afterEach(() => {
    inject.fdinfo = undefined;
    inject.fstatSync = undefined;
  });

  it('fcntl failing with an errno other than EBADF → -errno "fcntl: <strerror>"', () => {
    const fd = openTracked(file, fs.constants.O_RDWR);
    inject.fdinfo = () => {
      throw errnoError('EACCES', 13, 'open');
    };
    const error = expectPmem2(() => Source.fromFd(fd, REAL), 'EACCES', 'fcntl: Permission denied');
    expect(error.errno).toBe(-13);
  });

  it('fstat failing with an errno other than EBADF → -errno "fstat: <strerror>"', () => {
    const fd = openTracked(file, fs.constants.O_RDWR);
    inject.fstatSync = () => {
      throw errnoError('EIO', 5, 'fstat');
    };
    expectPmem2(() => Source.fromFd(fd, REAL), 'EIO', 'fstat: Input/output error');
  });

  it('fstat EBADF during fromFd → PMEM2_E_INVALID_FILE_HANDLE', () => {
    const fd = openTracked(file, fs.constants.O_RDWR);
    inject.fstatSync = () => {
      throw errnoError('EBADF', 9, 'fstat');
    };
    expectPmem2(
      () => Source.fromFd(fd, REAL),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fstat: Bad file descriptor',
    );
  });

  it('size(): fstat failing with EOVERFLOW → -EOVERFLOW', () => {
    const src = Source.fromFd(openTracked(file, fs.constants.O_RDWR), REAL);
    inject.fstatSync = () => {
      throw errnoError('EOVERFLOW', 75, 'fstat');
    };
    expectPmem2(() => src.size(), 'EOVERFLOW', 'fstat: Value too large for defined data type');
  });

  it('size(): a negative st_size → PMEM2_E_INVALID_FILE_HANDLE', () => {
    const src = Source.fromFd(openTracked(file, fs.constants.O_RDWR), REAL);
    inject.fstatSync = (real) => Object.assign(Object.create(real), { size: -1n });
    expectPmem2(
      () => src.size(),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'kernel says size of regular file is negative (-1)',
    );
  });

  it('size(): a size above 2^53-1 throws RangeError instead of rounding', () => {
    const src = Source.fromFd(openTracked(file, fs.constants.O_RDWR), REAL);
    inject.fstatSync = (real) => Object.assign(Object.create(real), { size: 2n ** 53n });
    expect(() => src.size()).toThrow(RangeError);
  });

  it('an fdinfo entry without a flags line is reported as a procfs problem', () => {
    const fd = openTracked(file, fs.constants.O_RDWR);
    inject.fdinfo = () => 'pos:\t0\nmnt_id:\t23\n';
    expect(() => Source.fromFd(fd, REAL)).toThrow(/has no "flags:" line/);
  });

  it('reads the access mode from the octal flags field', () => {
    const fd = openTracked(file, fs.constants.O_RDWR);
    inject.fdinfo = () => 'pos:\t0\nflags:\t0100001\nmnt_id:\t23\n';
    expectPmem2(() => Source.fromFd(fd, REAL), 'PMEM2_E_INVALID_FILE_HANDLE');
    inject.fdinfo = () => 'pos:\t0\nflags:\t0100002\nmnt_id:\t23\n';
    expect(Source.fromFd(fd, REAL).type).toBe('regular');
  });
});
