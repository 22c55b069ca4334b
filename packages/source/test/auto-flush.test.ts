// auto-flush.test.ts -- autoFlush (libpmem2's pmem2_auto_flush) over fixture sysfs trees
// (PMDK: pmem2_granularity's linux_eadr_paths)

import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autoFlush } from '../src/index.js';
import { copyFixture, fixture, tempDir, writeAttribute } from './helpers.js';

const REGION0 = 'sys/devices/platform/e820_pmem/ndbus0/region0';

describe('autoFlush', () => {
  afterEach(() => {
    delete process.env.PMEM2_SYSFS_ROOT;
  });

  it('every region says cpu_cache → 1 (eADR)', () => {
    expect(autoFlush({ sysfsRoot: fixture('eadr') })).toBe(1);
    expect(autoFlush({ sysfsRoot: fixture('fsdax') })).toBe(1);
  });

  it('memory_controller → 0', () => {
    expect(autoFlush({ sysfsRoot: fixture('no-eadr') })).toBe(0);
    expect(autoFlush({ sysfsRoot: fixture('devdax') })).toBe(0);
  });

  it('one region without cpu_cache → 0', () => {
    expect(autoFlush({ sysfsRoot: fixture('mixed-eadr') })).toBe(0);
  });

  it('no regions → 0', () => {
    expect(autoFlush({ sysfsRoot: fixture('no-nvdimm') })).toBe(0);
  });

  it('no /sys/bus/nd/devices, or a file in its place → 0', () => {
    expect(autoFlush({ sysfsRoot: tempDir() })).toBe(0);
    const root = tempDir();
    mkdirSync(join(root, 'sys/bus/nd'), { recursive: true });
    writeAttribute(root, 'sys/bus/nd/devices', 'not a directory\n');
    expect(autoFlush({ sysfsRoot: root })).toBe(0);
  });

  it('content without the trailing newline → -1', () => {
    expect(autoFlush({ sysfsRoot: fixture('eadr-malformed') })).toBe(-1);
  });

  it('an empty persistence_domain → -1', () => {
    const root = copyFixture('eadr');
    writeAttribute(root, `${REGION0}/persistence_domain`, '');
    expect(autoFlush({ sysfsRoot: root })).toBe(-1);
  });

  it('content longer than 32 bytes is cut by the 32-byte read and lacks its newline → -1', () => {
    const root = copyFixture('eadr');
    writeAttribute(root, `${REGION0}/persistence_domain`, `cpu_cache${' '.repeat(40)}\n`);
    expect(autoFlush({ sysfsRoot: root })).toBe(-1);
  });

  it('a region without a persistence_domain file → 0', () => {
    const root = copyFixture('eadr');
    rmSync(join(root, REGION0, 'persistence_domain'));
    expect(autoFlush({ sysfsRoot: root })).toBe(0);
  });

  it('persistence_domain that is a directory or a symlink is not a file → 0', () => {
    const root = copyFixture('eadr');
    rmSync(join(root, REGION0, 'persistence_domain'));
    mkdirSync(join(root, REGION0, 'persistence_domain'));
    expect(autoFlush({ sysfsRoot: root })).toBe(0);
    rmSync(join(root, REGION0, 'persistence_domain'), { recursive: true });
    writeAttribute(root, `${REGION0}/domain`, 'cpu_cache\n');
    symlinkSync('domain', join(root, REGION0, 'persistence_domain'));
    expect(autoFlush({ sysfsRoot: root })).toBe(0);
  });

  it('persistence_domain deeper than the region directory is ignored → 0', () => {
    const root = copyFixture('eadr');
    rmSync(join(root, REGION0, 'persistence_domain'));
    mkdirSync(join(root, REGION0, 'sub'));
    writeAttribute(root, `${REGION0}/sub/persistence_domain`, 'cpu_cache\n');
    expect(autoFlush({ sysfsRoot: root })).toBe(0);
  });

  it('only symlinks named *region* count: a plain directory region7 is skipped → 1', () => {
    expect(autoFlush({ sysfsRoot: fixture('eadr-plain-region-dir') })).toBe(1);
  });

  it('reads PMEM2_SYSFS_ROOT when no option is given', () => {
    process.env.PMEM2_SYSFS_ROOT = fixture('eadr');
    expect(autoFlush()).toBe(1);
    process.env.PMEM2_SYSFS_ROOT = fixture('no-eadr');
    expect(autoFlush()).toBe(0);
    expect(autoFlush({ sysfsRoot: fixture('eadr') })).toBe(1);
  });
});
