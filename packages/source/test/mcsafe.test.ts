// mcsafe.test.ts -- Source.preadMcsafe / pwriteMcsafe (pmem2_source_pread_mcsafe and
// pmem2_source_pwrite_mcsafe), and the same calls through the real libpmem2

import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPmem2Error } from '@pmem2/errors';
import { describe, expect, it } from 'vitest';
import { Source } from '../src/index.js';
import { expectPmem2, fixture, openTracked, sourceOracle, tempDir } from './helpers.js';

const REAL = { sysfsRoot: '/' };
const FILL = 0xee;
const CONTENT = 'hello, pmem';

function textFile(name: string, content = CONTENT): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

function fileSource(path: string, mode: 'r' | 'rw' = 'rw'): Source {
  const fd = openTracked(path, mode === 'rw' ? constants.O_RDWR : constants.O_RDONLY);
  return Source.fromFd(fd, REAL);
}

describe('Source.preadMcsafe', () => {
  const path = textFile('read');

  it('reads the bytes at an offset inside the file', () => {
    const buffer = Buffer.alloc(4);
    fileSource(path).preadMcsafe(buffer, 7);
    expect(buffer.toString()).toBe('pmem');
  });

  it('takes any ArrayBufferView, at its own byteOffset, and a bigint offset', () => {
    const backing = new Uint8Array(8).fill(FILL);
    const view = new DataView(backing.buffer, 2, 5);
    fileSource(path).preadMcsafe(view, 0n);
    expect(Buffer.from(backing).toString('latin1', 2, 7)).toBe('hello');
    expect(backing[1]).toBe(FILL);
    expect(backing[7]).toBe(FILL);
  });

  it('a read partly beyond the end → PMEM2_E_LENGTH_OUT_OF_RANGE with the bytes left', () => {
    const error = expectPmem2(
      () => fileSource(path).preadMcsafe(Buffer.alloc(8), 7),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      'size of read 8 from offset 7 goes beyond the file length 4',
    );
    expect(error.message).toContain('4 bytes are left');
  });

  it('an offset past the end passes the wrapping check and reads nothing, as in C', () => {
    const buffer = Buffer.alloc(4, FILL);
    fileSource(path).preadMcsafe(buffer, 20);
    expect([...buffer]).toEqual([FILL, FILL, FILL, FILL]);
  });

  it('at the end: 0 bytes succeed, 1 byte is out of range (0 bytes left)', () => {
    fileSource(path).preadMcsafe(Buffer.alloc(0), CONTENT.length);
    expectPmem2(
      () => fileSource(path).preadMcsafe(Buffer.alloc(1), CONTENT.length),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      'size of read 1 from offset 11 goes beyond the file length 0',
    );
  });

  it('an offset above 2^63-1 is a negative off_t in C: -EINVAL "pread: Invalid argument"', () => {
    const error = expectPmem2(
      () => fileSource(path).preadMcsafe(Buffer.alloc(4), 2n ** 63n),
      'EINVAL',
      'pread: Invalid argument',
    );
    expect(error.syscall).toBe('pread');
  });

  it('EIO from pread → PMEM2_E_IO_FAIL (/proc/self/mem at an unmapped address)', () => {
    // /proc/self/mem is a regular file of size 0: offset 1 passes the wrapping size check and
    // pread fails with EIO there, as a bad block would make it fail
    const error = expectPmem2(
      () => fileSource('/proc/self/mem', 'r').preadMcsafe(Buffer.alloc(1), 1),
      'PMEM2_E_IO_FAIL',
      'physical I/O error occurred on read operation, possible bad block',
    );
    expect(error.syscall).toBe('pread');
  });

  it('an anonymous source → PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED, before any size check', () => {
    expectPmem2(
      () => Source.fromAnon(4096).preadMcsafe(Buffer.alloc(8192), 0),
      'PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED',
      "operation doesn't support provided source type, only sources created from file descriptor or file handle are supported",
    );
  });

  it('a closed fd fails in the size check: PMEM2_E_INVALID_FILE_HANDLE "fstat: …"', () => {
    const fd = openSync(path, 'r');
    const src = Source.fromFd(fd, REAL);
    closeSync(fd);
    expectPmem2(
      () => src.preadMcsafe(Buffer.alloc(1), 0),
      'PMEM2_E_INVALID_FILE_HANDLE',
      'fstat: Bad file descriptor',
    );
  });

  it('a deleted source → PMEM2_E_INVALID_FILE_HANDLE, also an anonymous one', () => {
    const src = fileSource(path);
    src.delete();
    expectPmem2(() => src.preadMcsafe(Buffer.alloc(1), 0), 'PMEM2_E_INVALID_FILE_HANDLE');
    const anon = Source.fromAnon(4096);
    anon.delete();
    expectPmem2(() => anon.preadMcsafe(Buffer.alloc(1), 0), 'PMEM2_E_INVALID_FILE_HANDLE');
  });

  it('offsets that are not size_t are refused before anything else', () => {
    const src = fileSource(path);
    expect(() => src.preadMcsafe(Buffer.alloc(1), -1)).toThrow(RangeError);
    expect(() => src.preadMcsafe(Buffer.alloc(1), 1.5)).toThrow(TypeError);
    expect(() => src.preadMcsafe(Buffer.alloc(1), 2n ** 64n)).toThrow(RangeError);
  });
});

describe('Source.pwriteMcsafe', () => {
  it('writes the bytes at an offset inside the file', () => {
    const path = textFile('write', 'hello, disk');
    fileSource(path).pwriteMcsafe(Buffer.from('pmem'), 7);
    expect(readFileSync(path, 'utf8')).toBe('hello, pmem');
  });

  it('a write partly beyond the end → PMEM2_E_LENGTH_OUT_OF_RANGE (C says "read" too)', () => {
    const path = textFile('write-beyond');
    expectPmem2(
      () => fileSource(path).pwriteMcsafe(Buffer.alloc(8), 7),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      'size of read 8 from offset 7 goes beyond the file length 4',
    );
    expect(readFileSync(path, 'utf8')).toBe(CONTENT);
  });

  it('an offset past the end passes the check and grows the file, as in C', () => {
    const path = textFile('write-past-end');
    fileSource(path).pwriteMcsafe(Buffer.from('!'), 20);
    const content = readFileSync(path);
    expect(content.length).toBe(21);
    expect(content.toString('latin1', 20)).toBe('!');
  });

  it('a read-only fd → -EBADF "pwrite: Bad file descriptor", the file unchanged', () => {
    const path = textFile('write-rdonly');
    const error = expectPmem2(
      () => fileSource(path, 'r').pwriteMcsafe(Buffer.from('x'), 0),
      'EBADF',
      'pwrite: Bad file descriptor',
    );
    expect(error.errno).toBe(-9);
    expect(readFileSync(path, 'utf8')).toBe(CONTENT);
  });

  it('EIO from pwrite → PMEM2_E_IO_FAIL', () => {
    expectPmem2(
      () => fileSource('/proc/self/mem').pwriteMcsafe(Buffer.alloc(1), 1),
      'PMEM2_E_IO_FAIL',
      'physical I/O error occurred on write operation, possible bad block',
    );
  });

  it('offsets node:fs cannot pass to pwrite (2^53 … 2^63-1) throw RangeError, not a wrong write', () => {
    const path = textFile('write-huge-offset');
    expect(() => fileSource(path).pwriteMcsafe(Buffer.from('x'), 2n ** 53n)).toThrow(
      /node:fs cannot pass it/,
    );
    expect(readFileSync(path, 'utf8')).toBe(CONTENT);
    expectPmem2(
      () => fileSource(path).pwriteMcsafe(Buffer.from('x'), 2n ** 63n),
      'EINVAL',
      'pwrite: Invalid argument',
    );
  });

  it('an anonymous source → PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED', () => {
    expectPmem2(
      () => Source.fromAnon(4096).pwriteMcsafe(Buffer.alloc(1), 0),
      'PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED',
    );
  });
});

describe('mcsafe on device DAX (fixture sysfs: /dev/null as a 1 GiB dax0.0)', () => {
  const devdax = () =>
    Source.fromFd(openTracked('/dev/null', constants.O_RDWR), { sysfsRoot: fixture('devdax') });

  it.each(['preadMcsafe', 'pwriteMcsafe'] as const)(
    '%s → PMEM2_E_NOSUPP in range, naming the reason',
    (method) => {
      const error = expectPmem2(() => devdax()[method](Buffer.alloc(16), 0), 'PMEM2_E_NOSUPP');
      expect(error.message).toContain('SIGBUS handler');
    },
  );

  it('the length check against the device size still comes first', () => {
    expectPmem2(
      () => devdax().preadMcsafe(Buffer.alloc(16), 2 ** 30 - 8),
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      'size of read 16 from offset 1073741816 goes beyond the file length 8',
    );
  });
});

// --- the same calls through libpmem2 ---

const oracle = sourceOracle('mcsafe-oracle', 'mcsafe vs libpmem2 oracle comparison');

interface Outcome {
  ret: number;
  msg: string;
  data: string;
}

type Case = readonly [
  op: 'read' | 'write',
  target: string,
  mode: 'r' | 'rw',
  length: number,
  offset: bigint,
];

function viaOracle([op, target, mode, length, offset]: Case): Outcome {
  const result = spawnSync(oracle as string, [op, target, mode, String(length), String(offset)], {
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Outcome;
}

function viaSource([op, target, mode, length, offset]: Case): Outcome {
  const buffer = Buffer.alloc(length, FILL);
  const src = target === 'anon' ? Source.fromAnon(4096) : fileSource(target, mode);
  let outcome = { ret: 0, msg: '' };
  try {
    if (op === 'read') src.preadMcsafe(buffer, offset);
    else src.pwriteMcsafe(buffer, offset);
  } catch (error) {
    if (!isPmem2Error(error)) throw error;
    outcome = { ret: error.errno, msg: error.libpmem2Message };
  } finally {
    src.delete();
  }
  return { ...outcome, data: buffer.toString('hex') };
}

describe.runIf(oracle !== undefined)('mcsafe matches libpmem2 on regular files and anon', () => {
  const cases: Array<[string, (file: string) => Case]> = [
    ['read in range', (f) => ['read', f, 'r', 4, 7n]],
    ['read of the whole file', (f) => ['read', f, 'r', 11, 0n]],
    ['read partly beyond the end', (f) => ['read', f, 'r', 8, 7n]],
    ['read past the end (wraps, reads nothing)', (f) => ['read', f, 'r', 4, 20n]],
    ['read of 0 bytes at the end', (f) => ['read', f, 'r', 0, 11n]],
    ['read of 1 byte at the end', (f) => ['read', f, 'r', 1, 11n]],
    ['read at 2^63 (negative off_t)', (f) => ['read', f, 'r', 4, 2n ** 63n]],
    ['read with EIO (/proc/self/mem)', () => ['read', '/proc/self/mem', 'r', 1, 1n]],
    ['write in range', (f) => ['write', f, 'rw', 4, 2n]],
    ['write partly beyond the end', (f) => ['write', f, 'rw', 8, 7n]],
    ['write past the end (grows the file)', (f) => ['write', f, 'rw', 2, 30n]],
    ['write on a read-only fd', (f) => ['write', f, 'r', 4, 2n]],
    ['write with EIO (/proc/self/mem)', () => ['write', '/proc/self/mem', 'rw', 1, 1n]],
    ['read of an anonymous source', () => ['read', 'anon', 'r', 4, 0n]],
    ['write of an anonymous source', () => ['write', 'anon', 'rw', 4, 0n]],
  ];

  it.each(cases)('%s', (_name, make) => {
    const oracleFile = textFile('oracle');
    const ourFile = textFile('ours');
    const expected = viaOracle(make(oracleFile));
    expect(viaSource(make(ourFile))).toEqual(expected);
    expect(readFileSync(ourFile)).toEqual(readFileSync(oracleFile));
  });
});
