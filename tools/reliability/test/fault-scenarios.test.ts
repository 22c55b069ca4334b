// fault-scenarios.test.ts -- whole @pmem2/map scenarios under a failing system call (LD_PRELOAD
// shim of @pmem2/fault-inject): libpmem2's errors, nothing left behind, objects still usable;
// each case runs in a child process (fault.test.ts has the table of every call site)

import { constants } from 'node:os';
import { ARM_PATH, type Fault, runWithFault } from '@pmem2/fault-inject';
import { backendFile, quietAnswerOf } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { packageDir } from './helpers.js';

const { EACCES, EAGAIN, EEXIST, EINVAL, EIO, ENOMEM, ENOTSUP, EOPNOTSUPP } = constants.errno;

/**
 * Runs `body` in a child with the fault armed just before it. `body` sees `path`, `mapNew`,
 * `VmReservation`, `Config`, `Granularity`, `Source`, `arm()`, `maps()` (lines of
 * /proc/self/maps), `codeOf(fn)` and `registry`, and returns a JSON-able value.
 */
function run(fault: Fault, path: string, body: string, env: NodeJS.ProcessEnv = {}): unknown {
  const code = `
    import { openSync, readFileSync } from 'node:fs';
    import { Config, Granularity } from '@pmem2/config';
    import { Source } from '@pmem2/source';
    import { mapNew, VmReservation } from '@pmem2/map';
    import { mappingRegistry as registry } from './test/children/lib.mjs';
    const path = ${JSON.stringify(path)};
    const arm = () => { try { openSync(${JSON.stringify(ARM_PATH)}, 'r'); } catch {} };
    const maps = () => readFileSync('/proc/self/maps', 'utf8').trim().split('\\n');
    const codeOf = (fn) => {
      try { fn(); return { code: 'none' }; }
      catch (e) { return { code: e.code, errno: e.errno, text: e.libpmem2Message }; }
    };
    const result = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(result) + '\\n');
  `;
  return quietAnswerOf(runWithFault(fault, code, { cwd: packageDir, env }));
}

const PAGE_CONFIG = 'new Config().setRequiredStoreGranularity(Granularity.PAGE)';

/** {@link run} with `map`, a PAGE map of a new 1 MiB file on `backend`, made before `body`. */
function runOnPageMap(fault: Fault, backend: 'ext4' | 'tmpfs', body: string): unknown {
  const path = backendFile(backend, 1024 * 1024);
  return run(fault, path, `const map = mapNew(${PAGE_CONFIG}, Source.fromPath(path));\n${body}`);
}

/** Whether an injected mmap failure reaches the addon (the shim must wrap mmap64). */
function mmapInjectionWorks(): boolean {
  const result = run(
    { func: 'mmap', nth: 1, errno: ENOMEM },
    '',
    `
    arm();
    return codeOf(() => VmReservation.new(2 * 1024 * 1024));
  `,
  ) as { code: string };
  return result.code !== 'none';
}

let mmapInjection: boolean | undefined;

/** Skips the test loudly when mmap faults cannot be injected into the addon. */
function requireMmapInjection(skip: (note?: string) => void): void {
  mmapInjection ??= mmapInjectionWorks();
  if (!mmapInjection) {
    const why =
      'the fault-inject shim does not wrap mmap64, which the addon calls (see .helpers/requests-map.md)';
    console.warn(`SKIPPED: mmap fault injection — ${why}`);
    skip(why);
  }
}

/**
 * Child code: arms the fault, maps the file with PAGE granularity, and reports the error and
 * what the failed mapNew left behind (file mappings, placeholders, registry entries).
 */
const FAILED_MAP_NEW = `
      const src = Source.fromPath(path);
      const anon = () => maps().filter((l) => / r--p 00000000 00:00 0 *$/.test(l)).length;
      const before = anon();
      arm();
      const error = codeOf(() => mapNew(${PAGE_CONFIG}, src));
      return { error, fileMapped: maps().some((l) => l.endsWith(path)),
               placeholders: anon() - before, registered: registry.size };
    `;

describe('mapNew when mmap fails', () => {
  // The placeholder is the first mmap of the native call, the MAP_SYNC attempt the second,
  // the MAP_SHARED fallback the third; libpmem2 names the placeholder's mmap differently.
  it.for([
    [1, ENOMEM, 'ENOMEM', 'mmap MAP_ANONYMOUS: Cannot allocate memory'],
    [2, EACCES, 'PMEM2_E_NO_ACCESS', 'mmap: Permission denied'],
    [3, EACCES, 'PMEM2_E_NO_ACCESS', 'mmap: Permission denied'],
    [3, ENOTSUP, 'PMEM2_E_NOSUPP', 'mmap: Operation not supported'],
    [3, EEXIST, 'PMEM2_E_MAPPING_EXISTS', 'mmap: File exists'],
    [3, ENOMEM, 'ENOMEM', 'mmap: Cannot allocate memory'],
  ] as const)(
    'mmap #%i failing with errno %i gives %s and leaves nothing',
    ([nth, errno, code, text], ctx) => {
      requireMmapInjection(ctx.skip);
      const path = backendFile('ext4', 16 * 1024 * 1024);
      const result = run({ func: 'mmap', nth, errno }, path, FAILED_MAP_NEW);
      expect(result).toEqual({
        error: {
          code,
          errno: code.startsWith('PMEM2_E') ? expect.any(Number) : -errno,
          text,
        },
        fileMapped: false,
        placeholders: 0,
        registered: 0,
      });
    },
  );

  it('inside a reservation, a failed mmap leaves the range reserved and unoccupied', (ctx) => {
    requireMmapInjection(ctx.skip);
    const path = backendFile('ext4', 4 * 1024 * 1024);
    const result = run(
      { func: 'mmap', nth: 2, errno: ENOMEM },
      path,
      `
      const src = Source.fromPath(path);
      const rsv = VmReservation.new(8 * 1024 * 1024);
      arm();
      const error = codeOf(() => mapNew(${PAGE_CONFIG}.setVmReservation(rsv, 0), src));
      const start = rsv.address.toString(16);
      const line = maps().find((l) => l.startsWith(start));
      const map = mapNew(${PAGE_CONFIG}.setVmReservation(rsv, 0), src);
      const same = map.address === rsv.address;
      map.delete();
      rsv.delete();
      return { code: error.code, line: line?.split(/\\s+/)[1], same };
    `,
    );
    expect(result).toEqual({ code: 'ENOMEM', line: '---p', same: true });
  });
});

describe("mapNew when the file's mmap hook fails after the placeholder was unmapped", () => {
  // mmap_late: the MAP_FIXED mmap over the placeholder unmaps it, then fails with EIO (a
  // file system's mmap hook); with PMEM2_FAULT_TAKE another mapping takes the hole first
  const LATE_MAP_NEW = `
      const src = Source.fromPath(path);
      const anon = () => maps().filter((l) => / (r--p|---p) 00000000 00:00 0 *$/.test(l)).length;
      const before = anon();
      arm();
      const error = codeOf(() => mapNew(${PAGE_CONFIG}, src));
      const taken = process.env.PMEM2_FAULT_TAKEN;
      const holds = (l, a) => { const [lo, hi] = l.split(' ')[0].split('-').map((x) => BigInt('0x' + x)); return lo <= a && a < hi; };
      // the page may have merged with a neighbouring anonymous mapping of the same protection
      const takenLine = taken ? maps().find((l) => holds(l, BigInt('0x' + taken))) : undefined;
      return { error, fileMapped: maps().some((l) => l.endsWith(path)), registered: registry.size,
               taken: taken ? takenLine?.split(' ')[1] ?? 'unmapped' : 'none',
               leftover: anon() - before - (takenLine ? 1 : 0) };
    `;
  const EIO_ERROR = { code: 'EIO', errno: -EIO, text: 'mmap: Input/output error' };
  const EXISTS_ERROR = {
    code: 'PMEM2_E_MAPPING_EXISTS',
    errno: expect.any(Number),
    text: 'mmap: File exists',
  };

  // 'none': the hole stays empty (claimed back, then unmapped); 'r--p': another mapping took
  // its first page and is still there (mapNew's cleanup never unmapped it)
  it.for([
    [{}, 'none'],
    [{ PMEM2_FAULT_TAKE: '1' }, 'r--p'],
  ] as const)('with %o: the error, nothing of ours left, the taken page %s', ([env, taken]) => {
    const path = backendFile('ext4', 16 * 1024 * 1024);
    const result = run({ func: 'mmap_late', nth: 1, errno: EIO }, path, LATE_MAP_NEW, env);
    expect(result).toEqual({
      error: EIO_ERROR,
      fileMapped: false,
      registered: 0,
      taken,
      leftover: 0,
    });
  });

  // PMEM2_FAULT_SYNC: the file looks DAX to the MAP_SYNC trial, so the first MAP_FIXED mmap
  // is MAP_SYNC's: its EOPNOTSUPP falls back to MAP_SHARED only over a hole claimed back
  it.for([
    [EOPNOTSUPP, {}, { code: 'none' }, true, 'none'],
    [EOPNOTSUPP, { PMEM2_FAULT_TAKE: '1' }, EXISTS_ERROR, false, 'r--p'],
    [EIO, {}, EIO_ERROR, false, 'none'],
    [EIO, { PMEM2_FAULT_TAKE: '1' }, EIO_ERROR, false, 'r--p'],
  ] as const)(
    'MAP_SYNC over the placeholder failing with errno %i, %o: %o, file mapped %s, taken %s',
    ([errno, env, error, fileMapped, taken]) => {
      const path = backendFile('ext4', 16 * 1024 * 1024);
      const result = run({ func: 'mmap_late', nth: 1, errno }, path, LATE_MAP_NEW, {
        ...env,
        PMEM2_FAULT_SYNC: '1',
      });
      expect(result).toEqual({
        error,
        fileMapped,
        registered: fileMapped ? 1 : 0,
        taken,
        leftover: 0,
      });
    },
  );

  it('inside a reservation: a hole is mended to PROT_NONE, a taken one left alone', () => {
    const path = backendFile('ext4', 4 * 1024 * 1024);
    const body = (take: boolean) =>
      run(
        { func: 'mmap_late', nth: 1, errno: EIO },
        path,
        `
        const rsv = VmReservation.new(8 * 1024 * 1024);
        arm();
        const error = codeOf(() => mapNew(${PAGE_CONFIG}.setVmReservation(rsv, 0), Source.fromPath(path)));
        const start = rsv.address.toString(16);
        const line = maps().find((l) => l.startsWith(start));
        return { code: error.code, line: line?.split(' ')[1], taken: process.env.PMEM2_FAULT_TAKEN ?? 'none' };
      `,
        take ? { PMEM2_FAULT_TAKE: '1' } : {},
      );
    expect(body(false)).toEqual({ code: 'EIO', line: '---p', taken: 'none' });
    // the page another mapping took at the reservation's start is still its (r--p), not mended
    expect(body(true)).toMatchObject({ code: 'EIO', line: 'r--p' });
  });
});

describe('mapNew when the munmap trimming the placeholder fails', () => {
  // A 16 MiB mapping is aligned to 2 MiB: its placeholder is 2 MiB longer and the unaligned
  // head or tail is unmapped (libpmem2's map_reserve), the first munmap of the native call.
  it.for([
    [ENOMEM, 'ENOMEM', 'munmap: Cannot allocate memory'],
    [EINVAL, 'EINVAL', 'munmap: Invalid argument'],
  ] as const)('errno %i gives -errno %s "munmap: …" and leaves nothing', ([errno, code, text]) => {
    const path = backendFile('ext4', 16 * 1024 * 1024);
    const result = run({ func: 'munmap', nth: 1, errno }, path, FAILED_MAP_NEW);
    expect(result).toEqual({
      error: { code, errno: -errno, text },
      fileMapped: false,
      placeholders: 0,
      registered: 0,
    });
  });
});

describe('delete when munmap fails', () => {
  it('throws -errno "munmap: …", keeps the map registered and usable; a later delete works', () => {
    const result = runOnPageMap(
      { func: 'munmap', nth: 1, errno: EINVAL },
      'ext4',
      `
      // no ArrayBuffer: with a live one, delete parks the range (one mmap) and munmaps later
      map.memset(0, 7, 1);
      arm();
      const first = codeOf(() => map.delete());
      const registered = registry.size;
      const read = codeOf(() => map.read(0, 1));
      const second = codeOf(() => map.delete());
      return { first, registered, read, second, mapped: maps().some((l) => l.endsWith(path)) };
    `,
    );
    expect(result).toEqual({
      first: { code: 'EINVAL', errno: -EINVAL, text: 'munmap: Invalid argument' },
      registered: 1,
      read: { code: 'none' },
      second: { code: 'none' },
      mapped: false,
    });
  });
});

describe('persist and deepFlush when msync fails', () => {
  it('PAGE persist throws -errno "msync: …" (libpmem2 aborts the process here)', () => {
    const result = runOnPageMap(
      { func: 'msync', nth: 1, errno: EIO },
      'ext4',
      `
      arm();
      const persist = codeOf(() => map.persist(0, 1));
      const again = codeOf(() => map.persist(0, 1));
      return { persist, again };
    `,
    );
    expect(result).toEqual({
      persist: { code: 'EIO', errno: -EIO, text: 'msync: Input/output error' },
      again: { code: 'none' },
    });
  });

  it('PAGE persistAsync rejects with -errno "msync: …" from the thread pool; the next one works', () => {
    const result = runOnPageMap(
      { func: 'msync', nth: 1, errno: EIO },
      'ext4',
      `
      const settle = (p) => p.then(() => ({ code: 'none' }),
        (e) => ({ code: e.code, errno: e.errno, text: e.libpmem2Message }));
      arm();
      const first = await settle(map.persistAsync(0, 1));
      const again = await settle(map.persistAsync(0, 1));
      map.delete();
      return { first, again };
    `,
    );
    expect(result).toEqual({
      first: { code: 'EIO', errno: -EIO, text: 'msync: Input/output error' },
      again: { code: 'none' },
    });
  });

  const EIO_TEXT = { code: 'EIO', errno: -EIO, text: 'msync: Input/output error' };
  it.each([
    ['shared, forced cache_line', PAGE_CONFIG, 'cache_line', EIO_TEXT],
    ['shared, forced byte', PAGE_CONFIG, 'byte', EIO_TEXT],
    ['private (BYTE)', `${PAGE_CONFIG}.setSharing(1)`, undefined, EIO_TEXT],
    ['shared, PAGE', PAGE_CONFIG, undefined, { code: 'none' }],
  ])(
    'deepFlush of a regular file (%s) calls msync only off PAGE',
    (_name, config, force, expected) => {
      const path = backendFile('ext4', 1024 * 1024);
      const result = run(
        { func: 'msync', nth: 1, errno: EIO },
        path,
        `
      const map = mapNew(${config}, Source.fromPath(path));
      arm();
      return codeOf(() => map.deepFlush(4097, 10));
    `,
        { PMEM2_FORCE_GRANULARITY: force },
      );
      expect(result).toEqual(expected);
    },
  );
});

describe('VmReservation when mmap / munmap fail', () => {
  it('new: -ENOMEM "mmap MAP_ANONYMOUS: …"', (ctx) => {
    requireMmapInjection(ctx.skip);
    const result = run(
      { func: 'mmap', nth: 1, errno: ENOMEM },
      '',
      `
      arm();
      return codeOf(() => VmReservation.new(2 * 1024 * 1024));
    `,
    );
    expect(result).toEqual({
      code: 'ENOMEM',
      errno: -ENOMEM,
      text: 'mmap MAP_ANONYMOUS: Cannot allocate memory',
    });
  });

  it('delete: -errno "munmap: …", and the reservation stays alive', () => {
    const deleted = run(
      { func: 'munmap', nth: 1, errno: EINVAL },
      '',
      `
      const rsv = VmReservation.new(2 * 1024 * 1024);
      arm();
      const first = codeOf(() => rsv.delete());
      const size = rsv.size;
      const second = codeOf(() => rsv.delete());
      return { first, size, second };
    `,
    );
    expect(deleted).toEqual({
      first: { code: 'EINVAL', errno: -EINVAL, text: 'munmap: Invalid argument' },
      size: 2 * 1024 * 1024,
      second: { code: 'none' },
    });
  });
});

// Beyond libpmem2 (advice-ops.ts, csrc/advice.c): every new system call fails cleanly.
describe('advise, populate, scheduleWriteback, residency and lock when their call fails', () => {
  it.each([
    [
      'advise',
      'madvise',
      ENOMEM,
      "map.advise('willneed', 0, 4096)",
      'madvise: Cannot allocate memory',
    ],
    [
      'residency',
      'mincore',
      EAGAIN,
      'map.residency()',
      'mincore: Resource temporarily unavailable',
    ],
    [
      'scheduleWriteback',
      'msync_async',
      EIO,
      'map.scheduleWriteback(1, 10)',
      'msync: Input/output error',
    ],
    ['unlock', 'munlock', ENOMEM, 'map.unlock()', 'munlock: Cannot allocate memory'],
  ] as const)('%s throws -errno "%s: …"; the next call works', (_name, func, errno, call, text) => {
    const result = runOnPageMap(
      { func, nth: 1, errno },
      'tmpfs',
      `
      arm();
      const first = codeOf(() => ${call});
      const again = codeOf(() => ${call});
      const persist = codeOf(() => map.persist(0, 1)); // MS_SYNC is counted apart from MS_ASYNC
      map.delete();
      return { first, again, persist };
    `,
    );
    const name = Object.entries(constants.errno).find(([, n]) => n === errno)?.[0];
    expect(result).toEqual({
      first: { code: name, errno: -errno, text },
      again: { code: 'none' },
      persist: { code: 'none' },
    });
  });

  it('lock: ENOMEM names RLIMIT_MEMLOCK, its soft limit and what is locked; nothing stays locked', () => {
    const result = runOnPageMap(
      { func: 'mlock', nth: 1, errno: ENOMEM },
      'tmpfs',
      `
      arm();
      let message = '';
      const first = codeOf(() => { try { map.lock(); } catch (e) { message = e.message; throw e; } });
      const vmLck = readFileSync('/proc/self/status', 'utf8').match(/^VmLck:\\s+(\\d+)/m)?.[1];
      map.delete();
      return { first, message, vmLck };
    `,
    ) as { first: unknown; message: string; vmLck: string };
    expect(result.first).toEqual({
      code: 'ENOMEM',
      errno: -ENOMEM,
      text: 'mlock: Cannot allocate memory',
    });
    expect(result.message).toMatch(
      /RLIMIT_MEMLOCK \(soft limit (\d+ bytes|unlimited), \d+ kB locked now\)/,
    );
    expect(result.message).toContain('ulimit -l');
    expect(result.vmLck).toBe('0');
  });

  it('populate falls back to touching each page when madvise says EINVAL (kernels before 5.14)', () => {
    const result = runOnPageMap(
      { func: 'madvise', nth: 1, errno: EINVAL },
      'tmpfs',
      `
      const before = map.residency(0, 3 * 4096).join('');
      arm();
      const populate = codeOf(() => map.populate('write', 4096, 4097));
      const after = map.residency(0, 4 * 4096).join('');
      map.delete();
      return { before, populate, after };
    `,
    );
    // the injected EINVAL means the kernel populated nothing: the touch loop did, on the
    // two pages covering [4096, 8193) only
    expect(result).toEqual({ before: '000', populate: { code: 'none' }, after: '0110' });
  });

  it('the touch loop over pages lost to a truncate gives PMEM2_E_IO_FAIL; the process lives', () => {
    const path = backendFile('tmpfs', 1024 * 1024);
    const result = run(
      { func: 'madvise', nth: 1, errno: EINVAL },
      path,
      `
      const { truncateSync } = await import('node:fs');
      const map = mapNew(${PAGE_CONFIG}, Source.fromPath(path));
      truncateSync(path, 4096);
      arm();
      const populate = codeOf(() => map.populate('read', 0, 8 * 4096));
      map.delete();
      return { populate, alive: true };
    `,
    );
    expect(result).toEqual({
      populate: { code: 'PMEM2_E_IO_FAIL', errno: -100037, text: '' },
      alive: true,
    });
  });

  it('without the kernel call, a write-only mapping cannot be touched for write: EINVAL stays', () => {
    const path = backendFile('tmpfs', 1024 * 1024);
    const result = run(
      { func: 'madvise', nth: 1, errno: EINVAL },
      path,
      `
      const map = mapNew(${PAGE_CONFIG}.setProtection(2 ** 31), Source.fromPath(path));
      arm();
      const populate = codeOf(() => map.populate('write'));
      map.delete();
      return populate;
    `,
    );
    expect(result).toEqual({ code: 'EINVAL', errno: -EINVAL, text: 'madvise: Invalid argument' });
  });
});

describe("@pmem2/log's file allocation when fallocate fails", () => {
  // the body makes a ring of 1 MiB at `path + '.ring'` under the fault
  const createRing = `
    const { statSync, existsSync } = await import('node:fs');
    const { RingLog } = await import('@pmem2/log');
    const at = path + '.ring';
    arm();
    const created = codeOf(() => {
      const ring = RingLog.create(at, { capacity: 1 << 20 });
      ring.append('kept');
      ring.close();
    });
    if (!existsSync(at)) return { created, exists: false };
    const { size, blocks } = statSync(at);
    const again = RingLog.open(at);
    const records = [...again.records()].map((r) => new TextDecoder().decode(r.data));
    again.close();
    return { created, exists: true, allocated: blocks * 512 >= size, records };
  `;

  it.each(['tmpfs', 'ext4'] as const)(
    'EOPNOTSUPP (%s): posix_fallocate emulation allocates every block; the log works',
    (backend) => {
      const result = run(
        { func: 'fallocate', nth: 1, errno: EOPNOTSUPP },
        backendFile(backend, 4096),
        createRing,
      );
      expect(result).toEqual({
        created: { code: 'none' },
        exists: true,
        allocated: true,
        records: ['kept'],
      });
    },
  );

  it('EIO: create throws -EIO "fallocate: …" naming the file, and removes it', () => {
    const result = run(
      { func: 'fallocate', nth: 1, errno: EIO },
      backendFile('tmpfs', 4096),
      createRing,
    );
    expect(result).toEqual({
      created: { code: 'EIO', errno: -EIO, text: 'fallocate: Input/output error' },
      exists: false,
    });
  });
});
