// sysfs-root.test.ts -- sysfsRoot: option, then PMEM2_SYSFS_ROOT, then "/"

import { constants } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Source, sysfsRoot } from '../src/index.js';
import { fixture, openTracked } from './helpers.js';

describe('sysfsRoot', () => {
  const saved = process.env.PMEM2_SYSFS_ROOT;
  afterEach(() => {
    if (saved === undefined) delete process.env.PMEM2_SYSFS_ROOT;
    else process.env.PMEM2_SYSFS_ROOT = saved;
  });

  it('is "/" without option or environment variable (an empty variable counts as unset)', () => {
    delete process.env.PMEM2_SYSFS_ROOT;
    expect(sysfsRoot()).toBe('/');
    process.env.PMEM2_SYSFS_ROOT = '';
    expect(sysfsRoot()).toBe('/');
  });

  it('prefers the option to PMEM2_SYSFS_ROOT', () => {
    process.env.PMEM2_SYSFS_ROOT = '/from/env';
    expect(sysfsRoot()).toBe('/from/env');
    expect(sysfsRoot({ sysfsRoot: '/from/option' })).toBe('/from/option');
  });

  it('is resolved once, when the source is created', () => {
    process.env.PMEM2_SYSFS_ROOT = fixture('devdax');
    const src = Source.fromFd(openTracked('/dev/null', constants.O_RDWR));
    expect(src.type).toBe('devdax');
    expect(src.sysfsRoot).toBe(fixture('devdax'));
    process.env.PMEM2_SYSFS_ROOT = fixture('devdax-npot-align');
    expect(src.alignment()).toBe(2 << 20);
  });
});
