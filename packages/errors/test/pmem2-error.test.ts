import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  ERRNO,
  errnoName,
  errnoValue,
  errToErrno,
  isPmem2Error,
  PMEM2_E,
  Pmem2Error,
  strerror,
} from '../src/index.js';

describe('Pmem2Error', () => {
  it('carries the PMEM2_E code name, value and libpmem2 message', () => {
    const e = new Pmem2Error(PMEM2_E.MAP_RANGE, 'offset 8192 + length 4096 passes the end', {
      libpmem2Message: 'mapping larger than file size',
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('Pmem2Error');
    expect(e.code).toBe('PMEM2_E_MAP_RANGE');
    expect(e.errno).toBe(-100006);
    expect(e.message).toBe('offset 8192 + length 4096 passes the end');
    expect(e.libpmem2Message).toBe('mapping larger than file size');
    expect(e.syscall).toBeUndefined();
    expect(isPmem2Error(e)).toBe(true);
  });

  it('names errno-based errors by their errno name', () => {
    const e = Pmem2Error.fromErrno(13, 'mmap');
    expect(e.code).toBe('EACCES');
    expect(e.errno).toBe(-13);
    expect(e.syscall).toBe('mmap');
    expect(e.libpmem2Message).toBe('mmap: Permission denied');
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    const e = new Pmem2Error(-9, 'fstat failed', {
      cause,
      libpmem2Message: 'fstat: Bad file descriptor',
    });
    expect(e.cause).toBe(cause);
    expect(e.code).toBe('EBADF');
  });

  it('falls back to the code name or strerror when no message is given', () => {
    expect(new Pmem2Error(PMEM2_E.NOSUPP).message).toBe('PMEM2_E_NOSUPP');
    expect(new Pmem2Error(-12).message).toBe('ENOMEM: Cannot allocate memory');
  });

  it('rejects a non-negative or non-integer errno with RangeError', () => {
    expect(() => new Pmem2Error(0)).toThrow(RangeError);
    expect(() => new Pmem2Error(5)).toThrow(RangeError);
    expect(() => new Pmem2Error(-1.5)).toThrow(RangeError);
  });

  it('isPmem2Error rejects look-alikes', () => {
    expect(isPmem2Error(new Error('x'))).toBe(false);
    expect(isPmem2Error({ code: 'PMEM2_E_MAP_RANGE', errno: -100006 })).toBe(false);
    expect(isPmem2Error(null)).toBe(false);
    expect(isPmem2Error('PMEM2_E_MAP_RANGE')).toBe(false);
  });
});

describe('errno helpers', () => {
  it('errnoName agrees with os.constants.errno for every errno Node knows', () => {
    for (const [name, value] of Object.entries(constants.errno)) {
      const got = errnoName(-value);
      // glibc has one name per number; Node lists aliases (EWOULDBLOCK = EAGAIN, ENOTSUP = EOPNOTSUPP)
      expect((constants.errno as Record<string, number>)[got]).toBe(value);
      expect(errnoValue(name)).toBe(value);
    }
  });

  it('ERRNO holds the positive Linux values under their names, and errnoName inverts it', () => {
    expect([ERRNO.EINVAL, ERRNO.EACCES, ERRNO.EEXIST, ERRNO.ENOMEM, ERRNO.ENOTSUP]).toEqual([
      22, 13, 17, 12, 95,
    ]);
    for (const name of [
      'EINVAL',
      'EACCES',
      'EEXIST',
      'ENOMEM',
      'EIO',
      'EBADF',
      'ENOENT',
    ] as const) {
      expect(errnoName(-ERRNO[name])).toBe(name);
      expect(strerror(ERRNO[name])).not.toMatch(/^Unknown error/);
    }
  });

  it('strerror gives glibc texts', () => {
    expect(strerror(9)).toBe('Bad file descriptor');
    expect(strerror(-22)).toBe('Invalid argument');
    expect(strerror(95)).toBe('Operation not supported');
    expect(strerror(9999)).toBe('Unknown error 9999');
  });

  it('errToErrno follows pmem2_err_to_errno', () => {
    expect(errToErrno(PMEM2_E.NOSUPP)).toBe(constants.errno.ENOTSUP);
    expect(errToErrno(PMEM2_E.UNKNOWN)).toBe(constants.errno.EINVAL);
    expect(errToErrno(PMEM2_E.IO_FAIL)).toBe(constants.errno.EINVAL);
    expect(errToErrno(-constants.errno.ENOTSUP)).toBe(constants.errno.ENOTSUP);
    expect(errToErrno(-12)).toBe(12);
    expect(errToErrno(0)).toBe(0);
    expect(() => errToErrno(1)).toThrow(RangeError);
    expect(() => errToErrno(Number.NaN)).toThrow(RangeError);
  });
});
