// oracle.test.ts -- the same fds and sizes through the real libpmem2 (a C program) and through
// Source: equal return codes, values and pmem2_errormsg() texts

import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { isPmem2Error } from '@pmem2/errors';
import { jsonLines } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { Source } from '../src/index.js';
import {
  copyFixture,
  devOf,
  fixture,
  holeyFile,
  inMountNamespace,
  openFifo,
  openTracked,
  SHM,
  sourceOracle,
  tempDir,
  unixSocketFd,
  writeAttribute,
} from './helpers.js';

const oracle = sourceOracle('source-oracle', 'Source vs libpmem2 oracle comparison');

interface CallRecord {
  call: string;
  ret: number;
  value: number | string | null;
  msg: string;
}

/** Runs the C oracle with `fd` as its fd 3 (or with `arg` alone) and parses its records. */
function runOracle(arg: string, fd?: number): CallRecord[] {
  const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe'];
  if (fd !== undefined) stdio.push(fd);
  const result = spawnSync(oracle as string, [arg], { stdio, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return jsonLines<CallRecord>(result.stdout);
}

/** A device node to create in a private /dev for the oracle: name, major, minor. */
type DevNode = readonly [string, number, number];

/**
 * The shell steps that show libpmem2 a fixture sysfs tree: in a private mount namespace,
 * `<tree>/sys` is bind-mounted over /sys and, when a device node is given, a tmpfs with only
 * that node over /dev (libndctl stats `/dev/<daxname>` to match device DAX).
 */
const OVER_SYS_SCRIPT = [
  'set -e',
  'mount --bind "$1/sys" /sys',
  'if [ -n "$4" ]; then mount -t tmpfs none /dev; mknod "/dev/$4" c "$5" "$6"; fi',
  'exec "$2" "$3"',
].join('\n');

/** Runs the C oracle over a fixture sysfs tree (fd 3 = `fd`) and parses its records. */
function runOracleOverSys(
  sysRoot: string,
  arg: string,
  fd: number,
  options: { devNode?: DevNode; mayCrash?: boolean } = {},
): CallRecord[] {
  const [name, major, minor] = options.devNode ?? ['', 0, 0];
  const result = inMountNamespace(
    OVER_SYS_SCRIPT,
    [sysRoot, oracle as string, arg, name, String(major), String(minor)],
    fd,
  );
  if (options.mayCrash !== true) expect(result.status, result.stderr).toBe(0);
  return jsonLines<CallRecord>(result.stdout);
}

function canUnshareMounts(): boolean {
  if (oracle === undefined) return false;
  const probe = inMountNamespace(OVER_SYS_SCRIPT, ['', 'true', '', 'dax0.0', '1', '3']);
  if (probe.status === 0) return true;
  console.warn(
    'SKIPPED: libpmem2 over fixture sysfs trees — needs `unshare -m`, bind mounts and mknod (root / CAP_SYS_ADMIN)',
  );
  return false;
}

function record(call: string, fn: () => number | bigint | string | undefined): CallRecord {
  try {
    const value = fn();
    return {
      call,
      ret: 0,
      value:
        typeof value === 'number' || typeof value === 'bigint'
          ? Number(value)
          : typeof value === 'string'
            ? value
            : null,
      msg: '',
    };
  } catch (error) {
    if (!isPmem2Error(error)) throw error;
    return { call, ret: error.errno, value: null, msg: error.libpmem2Message };
  }
}

function getters(src: Source): CallRecord[] {
  return [
    record('size', () => src.size()),
    record('alignment', () => src.alignment()),
    record('get_fd', () => {
      src.getFd();
      return undefined;
    }),
    record('numa_node', () => src.numaNode()),
    record('device_id', () => src.deviceId()),
    record('device_usc', () => src.deviceUsc()),
  ];
}

/** The records Source produces for `fd`, closing it after creation when `closeAfter`. */
function viaSource(fd: number, closeAfter = false, sysfsRoot = '/'): CallRecord[] {
  let src: Source | undefined;
  const created = record('from_fd', () => {
    src = Source.fromFd(fd, { sysfsRoot });
    return undefined;
  });
  if (src === undefined) return [created];
  if (closeAfter) closeSync(fd);
  return [created, ...getters(src)];
}

describe.runIf(oracle !== undefined)('Source matches libpmem2 (pmem2_source_*)', () => {
  const dir = tempDir();
  const shm = tempDir(SHM);
  const socketFd = unixSocketFd();

  const fdCases: Array<[string, () => number]> = [
    [
      'a 16 MiB holey file in os.tmpdir(), O_RDWR',
      () => openTracked(holeyFile(dir, 'big', 16 << 20), constants.O_RDWR),
    ],
    [
      'an empty file in os.tmpdir(), O_RDWR',
      () => openTracked(holeyFile(dir, 'empty', 0), constants.O_RDWR),
    ],
    [
      'a file in /dev/shm, O_RDONLY',
      () => openTracked(holeyFile(shm, 'shm', 12345), constants.O_RDONLY),
    ],
    ['an O_WRONLY fd', () => openTracked(holeyFile(dir, 'wronly', 4096), constants.O_WRONLY)],
    ['a directory', () => openTracked(dir, constants.O_RDONLY)],
    ['/dev/null', () => openTracked('/dev/null', constants.O_RDWR)],
    ['a FIFO', () => openFifo(tempDir())],
    ['a connected unix socket', socketFd],
  ];

  it.each(fdCases)('%s', (_name, open) => {
    const fd = open();
    expect(viaSource(fd)).toEqual(runOracle('fd:3', fd));
  });

  it('a regular file whose fd is closed after pmem2_source_from_fd', () => {
    const path = holeyFile(dir, 'closed-after', 8192);
    const expected = runOracle('fd-close:3', openTracked(path, constants.O_RDWR));
    expect(viaSource(openSync(path, 'r+'), true)).toEqual(expected);
    expect(expected.find((r) => r.call === 'size')?.msg).toBe('fstat: Bad file descriptor');
  });

  it('a closed fd', () => {
    const fd = openSync(join(dir, 'big'), 'r');
    closeSync(fd);
    expect(viaSource(fd)).toEqual(runOracle(`fd:${fd}`));
  });

  it('a negative fd', () => {
    expect(viaSource(-1)).toEqual(runOracle('fd:-1'));
  });

  it.each([2n ** 53n, 2n ** 63n, 2n ** 64n - 1n])(
    'an anonymous source of %s bytes: sizeBigInt() is pmem2_source_size exactly',
    (size) => {
      const result = spawnSync(oracle as string, [`anon:${size}`], { encoding: 'utf8' });
      // the raw text: JSON.parse would round a size_t above 2^53
      const reported = /"call":"size","ret":0,"value":(\d+)/.exec(result.stdout)?.[1];
      expect(reported, result.stdout).toBe(String(size));
      expect(Source.fromAnon(size).sizeBigInt()).toBe(BigInt(reported as string));
    },
  );

  it.each([0, 4096, 2 ** 40])('an anonymous source of %i bytes', (size) => {
    const src = Source.fromAnon(size);
    expect([{ call: 'from_anon', ret: 0, value: null, msg: '' }, ...getters(src)]).toEqual(
      runOracle(`anon:${size}`),
    );
  });
});

describe.runIf(canUnshareMounts())('Source matches libpmem2 over fixture sysfs trees', () => {
  it.each([
    ['no-nvdimm: /dev/null in the mem class → INVALID_FILE_TYPE, no message', 'no-nvdimm'],
    ['fsdax: no /sys/dev/char/1:3 → -ENOENT from realpath', 'fsdax'],
  ])('%s', (_name, tree) => {
    const root = fixture(tree);
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const ours = viaSource(fd, false, root).map((r) => ({ ...r, msg: r.msg.replace(root, '') }));
    expect(ours).toEqual(runOracleOverSys(root, 'fd:3', fd));
  });

  it('devdax: libpmem2 also takes /dev/null for device DAX when its subsystem is dax', () => {
    // libpmem2 1.12.1 then dereferences a NULL namespace in pmem2_source_size (no libndctl
    // namespace matches a fixture), so only pmem2_source_from_fd is compared
    const root = fixture('devdax');
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const [created] = viaSource(fd, false, root);
    expect(created).toEqual({ call: 'from_fd', ret: 0, value: null, msg: '' });
    expect(runOracleOverSys(root, 'fd:3', fd, { mayCrash: true })[0]).toEqual(created);
  });

  /** Our records for `fd` with `root` as sysfs, paths inside the tree shown as from /. */
  function oursOver(root: string, fd: number): CallRecord[] {
    return viaSource(fd, false, root).map((r) => ({ ...r, msg: r.msg.replaceAll(root, '') }));
  }

  const DAX_NODE: DevNode = ['dax0.0', 1, 3];
  const ND_DAX = 'sys/devices/platform/e820_pmem/ndbus0/region0/dax0.1';

  it('devdax: size, alignment, NUMA node, device id and unsafe shutdown count', () => {
    const root = fixture('devdax');
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const expected = runOracleOverSys(root, 'fd:3', fd, { devNode: DAX_NODE });
    expect(expected.find((r) => r.call === 'device_usc')?.value).toBe(7);
    expect(oursOver(root, fd)).toEqual(expected);
  });

  it('devdax aligned to 4 KiB', () => {
    const root = copyFixture('devdax');
    writeAttribute(root, `${ND_DAX}/align`, '4096\n');
    const fd = openTracked('/dev/null', constants.O_RDWR);
    expect(oursOver(root, fd)).toEqual(runOracleOverSys(root, 'fd:3', fd, { devNode: DAX_NODE }));
  });

  it('devdax with a non-power-of-two alignment → PMEM2_E_INVALID_ALIGNMENT_VALUE', () => {
    const root = fixture('devdax-npot-align');
    const fd = openTracked('/dev/null', constants.O_RDWR);
    const expected = runOracleOverSys(root, 'fd:3', fd, { devNode: DAX_NODE });
    expect(expected.find((r) => r.call === 'alignment')?.ret).toBe(-100013);
    expect(oursOver(root, fd)).toEqual(expected);
  });

  describe('a regular file on an fsdax namespace', () => {
    const file = holeyFile(tempDir(), 'on-pmem', 2 << 20);
    it.each(['pmem1', 'pmem2', 'pmem3'])('whose filesystem is %s', (blk) => {
      const root = copyFixture('fsdax');
      writeAttribute(root, `sys/block/${blk}/dev`, `${devOf(file)}\n`);
      const fd = openTracked(file, constants.O_RDWR);
      expect(oursOver(root, fd)).toEqual(runOracleOverSys(root, 'fd:3', fd));
    });

    it('on no region of the machine', () => {
      const root = fixture('fsdax');
      const fd = openTracked(file, constants.O_RDWR);
      const expected = runOracleOverSys(root, 'fd:3', fd);
      expect(expected.find((r) => r.call === 'numa_node')?.msg).toBe('unknown region');
      expect(oursOver(root, fd)).toEqual(expected);
    });

    it.each([
      ['empty', ''],
      ['without its newline', '259:0'],
    ])('with a %s /sys/block/<dev>/dev → PMEM2_E_INVALID_DEV_FORMAT', (_name, content) => {
      const root = copyFixture('fsdax');
      writeAttribute(root, 'sys/block/pmem1/dev', content);
      const fd = openTracked(file, constants.O_RDWR);
      const expected = runOracleOverSys(root, 'fd:3', fd);
      expect(expected.find((r) => r.call === 'numa_node')?.ret).toBe(-100027);
      expect(oursOver(root, fd)).toEqual(expected);
    });
  });

  describe('documented differences (libpmem2 reads these through libndctl)', () => {
    it('a malformed align "2M": libndctl strtoul reads 2; Source says INVALID_ALIGNMENT_FORMAT', () => {
      const root = fixture('devdax-malformed-align');
      const fd = openTracked('/dev/null', constants.O_RDWR);
      const theirs = runOracleOverSys(root, 'fd:3', fd, { devNode: DAX_NODE });
      expect(theirs.find((r) => r.call === 'alignment')).toMatchObject({ ret: 0, value: 2 });
      expect(oursOver(root, fd).find((r) => r.call === 'alignment')).toMatchObject({
        ret: -100012,
      });
    });

    it('no nd_dax align: libpmem2 reports alignment 0; Source falls back to dax_region/align', () => {
      const root = fixture('devdax-region-align');
      const fd = openTracked('/dev/null', constants.O_RDWR);
      const theirs = runOracleOverSys(root, 'fd:3', fd, { devNode: DAX_NODE });
      expect(theirs.find((r) => r.call === 'alignment')).toMatchObject({
        ret: -100013,
        msg: 'alignment (0) has to be a power of two',
      });
      expect(oursOver(root, fd).find((r) => r.call === 'alignment')).toMatchObject({
        ret: 0,
        value: 1 << 30,
      });
    });
  });
});
