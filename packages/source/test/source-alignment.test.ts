// source-alignment.test.ts -- Source.alignment (PMDK: pmem2_source_alignment)

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
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
const PAGE_SIZE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
const ND_DAX = 'sys/devices/platform/e820_pmem/ndbus0/region0/dax0.1';

describe('Source.alignment on regular files and anonymous memory', () => {
  it('test_get_alignment_success: a regular file is aligned to the page size (getconf PAGESIZE)', () => {
    const fd = openTracked(holeyFile(tempDir(), 'testfile', 16 << 20), constants.O_RDWR);
    expect(PAGE_SIZE).toBeGreaterThanOrEqual(4096);
    expect(Source.fromFd(fd, REAL).alignment()).toBe(PAGE_SIZE);
  });

  it('a file in /dev/shm too', () => {
    const fd = openTracked(holeyFile(tempDir(SHM), 'testfile', 4096), constants.O_RDONLY);
    expect(Source.fromFd(fd, REAL).alignment()).toBe(PAGE_SIZE);
  });

  it('an anonymous source is aligned to the page size', () => {
    expect(Source.fromAnon(0).alignment()).toBe(PAGE_SIZE);
  });

  it('does not fstat: it still answers after the fd was closed, as libpmem2', () => {
    const fd = openSync(holeyFile(tempDir(), 'closed', 4096), 'r+');
    const src = Source.fromFd(fd, REAL);
    closeSync(fd);
    expect(src.alignment()).toBe(PAGE_SIZE);
  });
});

describe('Source.alignment on device DAX (fixture sysfs)', () => {
  const open = (path = '/dev/null') =>
    openTracked(path, path === '/dev/random' ? constants.O_RDONLY : constants.O_RDWR);

  it('test_get_alignment_success on devdax (2 MiB): /sys/dev/char/M:m/device/align', () => {
    expect(Source.fromFd(open(), { sysfsRoot: fixture('devdax') }).alignment()).toBe(2 << 20);
  });

  it('test_get_alignment_success on devdax (4 KiB)', () => {
    const root = copyFixture('devdax');
    writeAttribute(root, `${ND_DAX}/align`, '4096\n');
    expect(Source.fromFd(open(), { sysfsRoot: root }).alignment()).toBe(4096);
  });

  it('falls back to the nearest dax_region/align above the device', () => {
    const src = Source.fromFd(open(), { sysfsRoot: fixture('devdax-region-align') });
    expect(src.alignment()).toBe(1 << 30);
  });

  it.each([
    [
      'malformed align → PMEM2_E_INVALID_ALIGNMENT_FORMAT',
      '/dev/null',
      'devdax-malformed-align',
      'PMEM2_E_INVALID_ALIGNMENT_FORMAT',
      'invalid device alignment format 2M\n',
      -100012,
    ],
    [
      'a non-power-of-two align → PMEM2_E_INVALID_ALIGNMENT_VALUE',
      '/dev/null',
      'devdax-npot-align',
      'PMEM2_E_INVALID_ALIGNMENT_VALUE',
      'alignment (3145728) has to be a power of two',
      -100013,
    ],
    [
      'align 0 → PMEM2_E_INVALID_ALIGNMENT_VALUE',
      '/dev/null',
      'devdax-bad-attributes',
      'PMEM2_E_INVALID_ALIGNMENT_VALUE',
      'alignment (0) has to be a power of two',
      -100013,
    ],
    [
      'align above 2^64-1 → -ERANGE',
      '/dev/zero',
      'devdax-bad-attributes',
      'ERANGE',
      'invalid device alignment 18446744073709551616\n',
      -34,
    ],
  ] as const)('%s', (_name, device, tree, code, text, errno) => {
    const src = Source.fromFd(open(device), { sysfsRoot: fixture(tree) });
    expect(expectPmem2(() => src.alignment(), code, text).errno).toBe(errno);
  });

  it('align without newline, or empty → PMEM2_E_INVALID_ALIGNMENT_FORMAT', () => {
    const root = fixture('devdax-bad-attributes');
    expectPmem2(
      () => Source.fromFd(open('/dev/full'), { sysfsRoot: root }).alignment(),
      'PMEM2_E_INVALID_ALIGNMENT_FORMAT',
      'invalid device alignment format 4096',
    );
    expectPmem2(
      () => Source.fromFd(open('/dev/random'), { sysfsRoot: root }).alignment(),
      'PMEM2_E_INVALID_ALIGNMENT_FORMAT',
      'invalid device alignment format ',
    );
  });

  it('no align attribute anywhere (missing region) → PMEM2_E_INVALID_ALIGNMENT_FORMAT, no message', () => {
    const src = Source.fromFd(open(), { sysfsRoot: fixture('devdax-missing-region') });
    expectPmem2(() => src.alignment(), 'PMEM2_E_INVALID_ALIGNMENT_FORMAT', '');
  });

  it('the device directory vanished → -ENOENT from realpath', () => {
    const root = copyFixture('devdax');
    const src = Source.fromFd(open(), { sysfsRoot: root });
    rmSync(`${root}/sys/dev/char/1:3`);
    expectPmem2(
      () => src.alignment(),
      'ENOENT',
      `realpath "${root}/sys/dev/char/1:3": No such file or directory`,
    );
  });
});
