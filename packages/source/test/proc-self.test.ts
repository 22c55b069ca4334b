// proc-self.test.ts -- fcntl(F_GETFL) and the page size, read from /proc/self

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fdStatusFlags } from '../src/fd-flags.js';
import { pageSize } from '../src/page-size.js';
import { holeyFile, tempDir } from './helpers.js';

describe('fdStatusFlags', () => {
  const file = holeyFile(tempDir(), 'flags', 0);

  it.each([
    ['O_RDONLY', constants.O_RDONLY],
    ['O_WRONLY', constants.O_WRONLY],
    ['O_RDWR', constants.O_RDWR],
  ])('reports the access mode of an fd opened %s', (_name, mode) => {
    const fd = openSync(file, mode | constants.O_APPEND);
    try {
      const result = fdStatusFlags(fd);
      expect(result).toHaveProperty('flags');
      const flags = (result as { flags: number }).flags;
      expect(flags & 3).toBe(mode);
      expect(flags & constants.O_APPEND).toBe(constants.O_APPEND);
    } finally {
      closeSync(fd);
    }
  });

  it('says EBADF for a closed fd', () => {
    const fd = openSync(file, 'r');
    closeSync(fd);
    expect(fdStatusFlags(fd)).toEqual({ errno: 9 });
  });
});

describe('pageSize', () => {
  it('equals getconf PAGESIZE and is cached', () => {
    const expected = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
    expect(pageSize()).toBe(expected);
    expect(pageSize()).toBe(expected);
  });
});
