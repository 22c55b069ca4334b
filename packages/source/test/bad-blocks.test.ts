// bad-blocks.test.ts -- BadBlockContext (pmem2_badblock_context_new / _next / _clear / _delete)
// over the real sysfs, fixture sysfs trees, and the real libpmem2

import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { isPmem2Error } from '@pmem2/errors';
import { jsonLines } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { fileExtents } from '../src/file-extents.js';
import { type BadBlock, BadBlockContext, isNoBadBlockFound, Source } from '../src/index.js';
import {
  copyFixture,
  devOf,
  expectPmem2,
  fixture,
  inMountNamespace,
  openTracked,
  SHM,
  sourceOracle,
  tempDir,
  writeAttribute,
} from './helpers.js';

const REAL = { sysfsRoot: '/' };
const NO_DEVICE = 'Cannot find any matching device, no bad blocks found';
const REGION0 = 'sys/devices/platform/e820_pmem/ndbus0/region0';
const NDBUS = 'sys/devices/platform/e820_pmem/ndbus0';

/** Every bad block of a context, until PMEM2_E_NO_BAD_BLOCK_FOUND (whose message it returns). */
function drain(context: BadBlockContext): { blocks: BadBlock[]; end: string } {
  const blocks: BadBlock[] = [];
  for (;;) {
    try {
      blocks.push(context.next());
    } catch (error) {
      if (!isNoBadBlockFound(error) || !isPmem2Error(error)) throw error;
      return { blocks, end: error.libpmem2Message };
    }
  }
}

/** A file of `blocks` 4 KiB blocks with data written and synced, so that it has real extents. */
function allocatedFile(name: string, blocks: number): string {
  const path = join(tempDir(), name);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.alloc(blocks * 4096, 0x5a));
  fsyncSync(fd);
  closeSync(fd);
  return path;
}

describe('BadBlockContext off pmem (the real sysfs of this machine)', () => {
  it('an anonymous source → PMEM2_E_NOSUPP', () => {
    expectPmem2(
      () => BadBlockContext.new(Source.fromAnon(4096)),
      'PMEM2_E_NOSUPP',
      'Anonymous source does not support bad blocks',
    );
  });

  it('a file on no NVDIMM: an empty context; next() → NO_BAD_BLOCK_FOUND, every time', () => {
    const fd = openTracked(allocatedFile('off-pmem', 1), constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    for (let i = 0; i < 2; i++) {
      expectPmem2(() => context.next(), 'PMEM2_E_NO_BAD_BLOCK_FOUND', NO_DEVICE);
    }
  });

  it('clear checks the off_t range before any system call (negative counts as too large)', () => {
    const fd = openTracked(allocatedFile('clear', 1), constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    for (const offset of [2n ** 63n, 2n ** 64n - 1n, -1n]) {
      expectPmem2(
        () => context.clear({ offset, length: 4096n }),
        'PMEM2_E_OFFSET_OUT_OF_RANGE',
        "bad block's offset is greater than INT64_MAX",
      );
    }
    for (const length of [2n ** 63n, -4096n]) {
      expectPmem2(
        () => context.clear({ offset: 0n, length }),
        'PMEM2_E_LENGTH_OUT_OF_RANGE',
        "bad block's length is greater than INT64_MAX",
      );
    }
    // the offset is checked first, as libpmem2 does
    expectPmem2(
      () => context.clear({ offset: 2n ** 63n, length: 2n ** 63n }),
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
    );
  });

  it('after delete() (or dispose) every method throws INVALID_FILE_HANDLE; delete twice is fine', () => {
    const fd = openTracked(allocatedFile('deleted', 1), constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    context.delete();
    context.delete();
    expectPmem2(() => context.next(), 'PMEM2_E_INVALID_FILE_HANDLE');
    expectPmem2(() => context.clear({ offset: 0n, length: 1n }), 'PMEM2_E_INVALID_FILE_HANDLE');
    const disposed = BadBlockContext.new(Source.fromFd(fd, REAL));
    disposed[Symbol.dispose]();
    expectPmem2(() => disposed.next(), 'PMEM2_E_INVALID_FILE_HANDLE');
  });

  it('a deleted source → INVALID_FILE_HANDLE', () => {
    const src = Source.fromFd(
      openTracked(allocatedFile('deleted-source', 1), constants.O_RDWR),
      REAL,
    );
    src.delete();
    expectPmem2(() => BadBlockContext.new(src), 'PMEM2_E_INVALID_FILE_HANDLE');
  });

  it('isNoBadBlockFound tells the end of the iteration from other errors', () => {
    const fd = openTracked(allocatedFile('is-end', 1), constants.O_RDWR);
    const context = BadBlockContext.new(Source.fromFd(fd, REAL));
    expect(drain(context)).toEqual({ blocks: [], end: NO_DEVICE });
    expect(isNoBadBlockFound(new Error('x'))).toBe(false);
    context.delete();
    let deleted: unknown;
    try {
      context.next();
    } catch (error) {
      deleted = error;
    }
    expect(isNoBadBlockFound(deleted)).toBe(false);
  });
});

describe('BadBlockContext on device DAX (fixture: region0 badblocks, dax0.1 at region offset 2 MiB)', () => {
  const devdax = (root: string) =>
    Source.fromFd(openTracked('/dev/null', constants.O_RDWR), { sysfsRoot: root });

  it('region bad blocks are kept to the namespace bounds and made namespace-relative', () => {
    // region0/badblocks: 0+8 (before the namespace), 4088+16 (straddles its start),
    // 8192+1, 2101240+16 (straddles its end), 2101256+8 (after it); 512-byte sectors
    expect(drain(BadBlockContext.new(devdax(fixture('devdax'))))).toEqual({
      blocks: [
        { offset: 0n, length: 4096n },
        { offset: 2097152n, length: 512n },
        { offset: 1073737728n, length: 4096n },
      ],
      end: '',
    });
  });

  it('the list is read at the first next(), not at creation', () => {
    const root = copyFixture('devdax');
    const context = BadBlockContext.new(devdax(root));
    writeAttribute(root, `${REGION0}/badblocks`, '4100 2\n');
    expect(drain(context).blocks).toEqual([{ offset: 2048n, length: 1024n }]);
  });

  it('no badblocks file → no bad blocks (no message); a malformed line ends the list', () => {
    const root = copyFixture('devdax');
    rmSync(join(root, REGION0, 'badblocks'));
    expect(drain(BadBlockContext.new(devdax(root)))).toEqual({ blocks: [], end: '' });
    writeAttribute(root, `${REGION0}/badblocks`, '8192 1\nbogus\n8200 1\n');
    expect(drain(BadBlockContext.new(devdax(root))).blocks).toEqual([
      { offset: 2097152n, length: 512n },
    ]);
  });

  it.each([
    ['dax0.1/resource', 'PMEM2_E_CANNOT_READ_BOUNDS', '(dax) cannot read offset of the namespace'],
    ['dax0.1/size', 'PMEM2_E_CANNOT_READ_BOUNDS', '(dax) cannot read size of the namespace'],
    ['resource', 'ENOENT', 'cannot read offset of the region: No such file or directory'],
  ])('a missing %s → %s at creation', (attribute, code, text) => {
    const root = copyFixture('devdax');
    rmSync(join(root, REGION0, attribute));
    expectPmem2(() => BadBlockContext.new(devdax(root)), code, text);
  });

  it('clear → PMEM2_E_NOSUPP naming the ARS command (no off_t checks for device DAX)', () => {
    const context = BadBlockContext.new(devdax(fixture('devdax')));
    const error = expectPmem2(
      () => context.clear({ offset: 2n ** 63n, length: 512n }),
      'PMEM2_E_NOSUPP',
    );
    expect(error.message).toContain('ARS');
  });
});

describe('BadBlockContext on a regular file on a fixture fsdax region (extents via FIEMAP)', () => {
  const hasFilefrag = spawnSync('filefrag', ['-V']).status === 0;
  if (!hasFilefrag)
    console.warn('SKIPPED: bad blocks of files on pmem — filefrag is not installed');

  /** A fixture copy where `pmemN` is the block device of the filesystem holding `path`. */
  function onPmem(path: string, pmem: 'pmem1' | 'pmem2'): { root: string; src: Source } {
    const root = copyFixture('fsdax');
    writeAttribute(root, `sys/block/${pmem}/dev`, `${devOf(path)}\n`);
    return { root, src: Source.fromFd(openTracked(path, constants.O_RDWR), { sysfsRoot: root }) };
  }

  function firstExtent(path: string): { physical: bigint; logical: bigint; length: bigint } {
    const fd = openSync(path, 'r');
    try {
      const extents = fileExtents(fd, fstatSync(fd, { bigint: true }).size);
      expect(extents.length).toBeGreaterThan(0);
      return extents[0] as { physical: bigint; logical: bigint; length: bigint };
    } finally {
      closeSync(fd);
    }
  }

  it.runIf(hasFilefrag)(
    'fileExtents (FIEMAP) reads the extents filefrag -v reports, in bytes',
    () => {
      const path = allocatedFile('extents', 4);
      const extent = firstExtent(path);
      expect(extent.logical).toBe(0n);
      expect(extent.length).toBe(4n * 4096n);
      const out = execFileSync('filefrag', ['-v', path], { encoding: 'utf8' });
      const physicalBlock = /^\s*0:\s*\d+\.\.\s*\d+:\s*(\d+)\.\./m.exec(out)?.[1];
      expect(extent.physical).toBe(BigInt(physicalBlock as string) * 4096n);
    },
  );

  it.runIf(hasFilefrag)(
    'fsdax (pfn) namespace: /sys/block/pmem2/badblocks through the extents',
    () => {
      const path = allocatedFile('fsdax-file', 4);
      const { root, src } = onPmem(path, 'pmem2');
      // the committed list (sector 8) is far from the file: skipped
      expect(drain(BadBlockContext.new(src))).toEqual({ blocks: [], end: '' });
      const extent = firstExtent(path);
      const sector = extent.physical / 512n;
      // one sector inside the 2nd block, and 3 sectors straddling the 3rd and 4th blocks
      writeAttribute(
        root,
        'sys/block/pmem2/badblocks',
        `${sector + 9n} 1\n${sector + 23n} 3\n${sector + 1_000_000n} 8\n`,
      );
      expect(drain(BadBlockContext.new(src))).toEqual({
        blocks: [
          { offset: 4096n, length: 4096n },
          { offset: 8192n, length: 8192n },
        ],
        end: '',
      });
    },
  );

  it.runIf(hasFilefrag)('raw namespace: region1/badblocks within namespace1.0', () => {
    const path = allocatedFile('raw-file', 2);
    const { root, src } = onPmem(path, 'pmem1');
    const sector = firstExtent(path).physical / 512n;
    // namespace1.0 starts at region offset 0 in the fixture: region sectors = namespace sectors;
    // it is made 1 TiB long so that it reaches the file's real blocks
    writeAttribute(root, `${NDBUS}/region1/namespace1.0/size`, '0x10000000000\n');
    writeAttribute(root, `${NDBUS}/region1/badblocks`, `0 8\n${sector + 8n} 8\n`);
    expect(drain(BadBlockContext.new(src)).blocks).toEqual([{ offset: 4096n, length: 4096n }]);
    rmSync(join(root, NDBUS, 'region1/namespace1.0/resource'));
    expectPmem2(
      () => BadBlockContext.new(src),
      'PMEM2_E_CANNOT_READ_BOUNDS',
      '(raw/btt) cannot read offset of the namespace',
    );
  });

  it('a pfn namespace whose mode is not "memory" uses the region list and the pfn bounds', () => {
    const path = allocatedFile('pfn-not-fsdax', 1);
    const { root, src } = onPmem(path, 'pmem2');
    rmSync(join(root, NDBUS, 'region2/namespace2.0/mode'));
    expectPmem2(
      () => BadBlockContext.new(src),
      'PMEM2_E_CANNOT_READ_BOUNDS',
      '(pfn) cannot read offset of the namespace',
    );
  });

  it('an empty file on pmem → -EINVAL: FIEMAP of a zero-length range', () => {
    const path = join(tempDir(), 'empty');
    writeFileSync(path, '');
    const { src } = onPmem(path, 'pmem2');
    const fd = src.getFd();
    expectPmem2(
      () => BadBlockContext.new(src),
      'EINVAL',
      `fiemap ioctl() for fd=${fd} failed: Invalid argument`,
    );
  });

  it('a file whose filesystem has no FIEMAP (tmpfs) → -EOPNOTSUPP of the ioctl, as libpmem2', () => {
    const path = join(tempDir(SHM), 'tmpfs-file');
    writeFileSync(path, 'x');
    const { src } = onPmem(path, 'pmem2');
    const error = expectPmem2(
      () => BadBlockContext.new(src),
      'EOPNOTSUPP',
      `fiemap ioctl() for fd=${src.getFd()} failed: Operation not supported`,
    );
    expect(error.syscall).toBe('ioctl');
  });
});

// --- libpmem2 ---

const oracle = sourceOracle('badblock-oracle', 'bad blocks vs libpmem2 oracle comparison');

interface Call {
  call: string;
  ret: number;
  offset: number;
  length: number;
  msg: string;
}

function record(call: string, fn: () => BadBlock | undefined): Call {
  try {
    const block = fn();
    return {
      call,
      ret: 0,
      offset: Number(block?.offset ?? 0n),
      length: Number(block?.length ?? 0n),
      msg: '',
    };
  } catch (error) {
    if (!isPmem2Error(error)) throw error;
    return { call, ret: error.errno, offset: 0, length: 0, msg: error.libpmem2Message };
  }
}

function viaContext(target: string, sysfsRoot = '/'): Call[] {
  const src =
    target === 'anon'
      ? Source.fromAnon(4096)
      : Source.fromFd(openTracked(target, constants.O_RDWR), { sysfsRoot });
  let context: BadBlockContext | undefined;
  const calls = [
    record('context_new', () => {
      context = BadBlockContext.new(src);
      return undefined;
    }),
  ];
  if (context !== undefined) {
    const live = context;
    for (let i = 0; i < 16; i++) {
      const call = record('next', () => live.next());
      calls.push(call);
      if (call.ret !== 0) break;
    }
    calls.push(record('next', () => live.next()));
    calls.push(
      record('context_delete', () => {
        live.delete();
        return undefined;
      }),
    );
  }
  return calls;
}

describe.runIf(oracle !== undefined)('BadBlockContext matches libpmem2 on this machine', () => {
  it.each([
    ['a file in os.tmpdir()', () => allocatedFile('oracle', 2)],
    [
      'a file in /dev/shm',
      () => {
        const path = join(tempDir(SHM), 'oracle');
        writeFileSync(path, 'x');
        return path;
      },
    ],
    [
      'an empty file',
      () => {
        const path = join(tempDir(), 'oracle-empty');
        writeFileSync(path, '');
        return path;
      },
    ],
    ['an anonymous source', () => 'anon'],
  ])('%s', (_name, make) => {
    const target = make();
    const result = spawnSync(oracle as string, [target], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const expected = jsonLines<Call>(result.stdout);
    expect(viaContext(target)).toEqual(expected);
  });
});

/** In a private mount namespace: the fixture's sys over /sys, a /dev with only dax0.0 (1:3). */
const OVER_SYS = [
  'set -e',
  'mount --bind "$1/sys" /sys',
  'mount -t tmpfs none /dev; mknod /dev/dax0.0 c 1 3',
  'exec "$2" /proc/self/fd/3',
].join('\n');

function oracleOverDevdax(root: string): Call[] | undefined {
  const fd = openTracked('/dev/null', constants.O_RDWR);
  const result = inMountNamespace(OVER_SYS, [root, oracle as string], fd);
  if (result.status !== 0) return undefined;
  return jsonLines<Call>(result.stdout);
}

const canUnshare = oracle !== undefined && inMountNamespace('true', []).status === 0;
if (oracle !== undefined && !canUnshare) {
  console.warn('SKIPPED: bad blocks vs libpmem2 over fixture sysfs — unshare -m is not permitted');
}

describe.runIf(canUnshare)(
  'BadBlockContext matches libpmem2 over the devdax fixture (libndctl reads it)',
  () => {
    it('region bad blocks clipped to the nd_dax namespace', () => {
      const root = fixture('devdax');
      const expected = oracleOverDevdax(root);
      expect(expected, 'the oracle ran over the fixture').toBeDefined();
      expect(expected?.filter((c) => c.call === 'next' && c.ret === 0).length).toBe(3);
      expect(viaContext('/dev/null', root)).toEqual(expected);
    });

    it('a region list without any block in the namespace', () => {
      const root = copyFixture('devdax');
      writeAttribute(root, `${REGION0}/badblocks`, '0 8\n2101256 8\n');
      expect(viaContext('/dev/null', root)).toEqual(oracleOverDevdax(root));
    });
  },
);

describe.runIf(canUnshare && spawnSync('filefrag', ['-V']).status === 0)(
  'BadBlockContext matches libpmem2 on a file over the fsdax fixture (libpmem2 uses FIEMAP)',
  () => {
    /** The oracle and BadBlockContext on `path`, with `pmemN` standing for its filesystem. */
    function both(pmem: 'pmem1' | 'pmem2', edit: (root: string, sector: bigint) => void) {
      const path = allocatedFile(`oracle-${pmem}`, 4);
      const root = copyFixture('fsdax');
      writeAttribute(root, `sys/block/${pmem}/dev`, `${devOf(path)}\n`);
      const fd = openSync(path, 'r');
      const [extent] = fileExtents(fd, fstatSync(fd, { bigint: true }).size);
      closeSync(fd);
      edit(root, (extent?.physical ?? 0n) / 512n);
      const result = inMountNamespace('set -e; mount --bind "$1/sys" /sys; exec "$2" "$3"', [
        root,
        oracle as string,
        path,
      ]);
      expect(result.status, result.stderr).toBe(0);
      const expected = jsonLines<Call>(result.stdout);
      return { expected, ours: viaContext(path, root) };
    }

    it('fsdax namespace: its block device list through the extents', () => {
      const { expected, ours } = both('pmem2', (root, sector) =>
        writeAttribute(root, 'sys/block/pmem2/badblocks', `${sector + 9n} 1\n${sector + 23n} 3\n`),
      );
      expect(expected.filter((c) => c.call === 'next' && c.ret === 0).length).toBe(2);
      expect(ours).toEqual(expected);
    });

    it('raw namespace: the region list within the namespace, through the extents', () => {
      const { expected, ours } = both('pmem1', (root, sector) => {
        writeAttribute(root, `${NDBUS}/region1/namespace1.0/size`, '0x10000000000\n');
        writeAttribute(root, `${NDBUS}/region1/badblocks`, `0 8\n${sector + 8n} 8\n`);
      });
      expect(expected.filter((c) => c.call === 'next' && c.ret === 0).length).toBe(1);
      expect(ours).toEqual(expected);
    });
  },
);
