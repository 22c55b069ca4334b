// open.test.ts -- mapFile: open or create, grow, map in one call; the map owns its source, and a
// failure at any step leaves no fd, no mapping and no file the call created

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { Source } from '@pmem2/source';
import { quietAnswerOf, runOnSmallFileSystem, smallFileSystems } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { mapFile, mapNew } from '../src/index.js';
import { BACKENDS, expectPmem2, MiB, makeFile, mappingsOf } from './helpers.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const HAVE_DIST = existsSync(join(packageDir, 'dist', 'index.js'));

/** The number of open fds of this process. */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** A path next to a fresh test file (removed with the backend dirs), that does not exist. */
function missingPath(backend: (typeof BACKENDS)[number]): string {
  const path = `${makeFile(backend, 4096)}.new`;
  expect(existsSync(path)).toBe(false);
  return path;
}

describe.each(BACKENDS)('mapFile on %s', (backend) => {
  it('creates a missing file of `size`, maps it shared read-write, and persists to it', () => {
    const path = missingPath(backend);
    const fds = openFds();
    {
      using map = mapFile(path, { size: MiB });
      expect(statSync(path).size).toBe(MiB);
      expect(map.size).toBe(MiB);
      map.bytes().set([1, 2, 3], 100);
      map.persist(100, 3);
      expect([...readFileSync(path).subarray(100, 103)]).toEqual([1, 2, 3]);
      // the map's own fd, and the duplicate the SIGBUS fault table keeps of every file mapping
      // (it tells a truncated file from a full file system when a page is lost)
      expect(openFds()).toBe(fds + 2);
    }
    expect(openFds()).toBe(fds); // `using` deleted the map and closed the file
    expect(mappingsOf(path)).toEqual([]);
  });

  it('reports the granularity mapNew gives the same file with PAGE required', () => {
    const path = makeFile(backend, MiB);
    using map = mapFile(path);
    using source = Source.fromPath(path);
    using reference = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), source);
    expect(map.storeGranularity).toBe(reference.storeGranularity);
  });

  it('grows a shorter file, never shrinks a longer one, and maps an existing one as it is', () => {
    const path = makeFile(backend, 8192);
    mapFile(path, { size: 65536 }).delete();
    expect(statSync(path).size).toBe(65536);
    mapFile(path, { size: 4096 }).delete();
    expect(statSync(path).size).toBe(65536);
    using map = mapFile(path, { offset: 4096, length: 8192 });
    expect(map.size).toBe(8192);
  });

  it('maps read-only, private and with the requested mode', () => {
    const path = missingPath(backend);
    mapFile(path, { size: 8192, mode: 0o640 }).delete();
    expect(statSync(path).mode & 0o077 & ~0o640).toBe(0);
    expect(statSync(path).mode & 0o700).toBe(0o600);
    {
      using readOnly = mapFile(path, { protection: Protection.READ });
      expect(mappingsOf(path)[0]?.perms).toBe('r--s');
      expectPmem2(() => readOnly.memset(0, 1, 1), 'PMEM2_E_NO_ACCESS');
    }
    using copy = mapFile(path, { sharing: Sharing.PRIVATE });
    copy.bytes()[0] = 9;
    expect(readFileSync(path)[0]).toBe(0);
  });

  it('refuses a missing file without `size` (ENOENT) and creates nothing', () => {
    const path = missingPath(backend);
    const e = expectPmem2(() => mapFile(path), 'ENOENT', 'open: No such file or directory');
    expect(e.message).toContain(path);
    expect(existsSync(path)).toBe(false);
  });

  it('a failed mapNew removes the file it created and leaves no fd or mapping', () => {
    const path = missingPath(backend);
    const fds = openFds();
    // BYTE cannot be had on the page cache of a shared file mapping (granularity is PAGE)
    expectPmem2(
      () => mapFile(path, { size: MiB, granularity: Granularity.BYTE }),
      'PMEM2_E_GRANULARITY_NOT_SUPPORTED',
    );
    expect(existsSync(path)).toBe(false);
    expect(openFds()).toBe(fds);
    expect(mappingsOf(path)).toEqual([]);
  });

  it('a failed mapNew truncates a file it grew back to its size', () => {
    const path = makeFile(backend, 8192);
    writeFileSync(path, Buffer.alloc(8192, 7));
    const fds = openFds();
    expectPmem2(() => mapFile(path, { size: MiB, offset: 1 }), 'PMEM2_E_OFFSET_UNALIGNED');
    expect(statSync(path).size).toBe(8192);
    expect(readFileSync(path).every((b) => b === 7)).toBe(true);
    expect(openFds()).toBe(fds);
  });

  it('allocates the bytes it grows (as pmem_map_file does); `sparse: true` leaves a hole', () => {
    const allocated = (path: string) => statSync(path).blocks * 512;
    const path = missingPath(backend);
    mapFile(path, { size: MiB }).delete();
    expect(allocated(path)).toBeGreaterThanOrEqual(MiB);
    const sparse = missingPath(backend);
    mapFile(sparse, { size: MiB, sparse: true }).delete();
    expect(statSync(sparse).size).toBe(MiB);
    expect(allocated(sparse)).toBeLessThan(MiB);
  });
});

describe.each(smallFileSystems('mapFile'))('mapFile on a full $name', (small) => {
  it.runIf(small.why === undefined)(
    'ENOSPC from the allocation, naming sparse: true; nothing is left; sparse maps',
    () => {
      const r = runOnSmallFileSystem(
        small,
        `${makeFile('tmpfs', 4096)}.m`,
        `
        import fs from 'node:fs';
        import { mapFile } from ${JSON.stringify(join(packageDir, 'dist', 'index.js'))};
        const path = process.argv[1] + '/file';
        const out = {};
        try { mapFile(path, { size: 16 << 20 }).delete(); out.full = 'mapped'; }
        catch (e) { out.full = { code: e.code, text: e.libpmem2Message, message: e.message }; }
        out.left = fs.existsSync(path);
        const map = mapFile(path, { size: 16 << 20, sparse: true });
        out.sparse = map.size;
        map.delete();
        console.log(JSON.stringify(out));
      `,
      );
      const out = quietAnswerOf<{
        full: { code: string; text: string; message: string };
        left: boolean;
        sparse: number;
      }>(r);
      expect(out).toMatchObject({
        full: { code: 'ENOSPC', text: 'fallocate: No space left on device' },
        left: false, // the file the call created is removed again
        sparse: 16 << 20,
      });
      expect(out.full.message).toMatch(
        /mapFile: cannot allocate ".*" from 0 to 16777216 bytes: .*pass sparse: true/,
      );
    },
  );
});

describe('mapFile arguments', () => {
  it.each([
    ['a non-string path', 42, {}, 'EINVAL', 'path must be a non-empty string'],
    ['an empty path', '', {}, 'EINVAL', 'path must be a non-empty string'],
    ['null options', 'x', null, 'EINVAL', 'options must be an object'],
    ['string options', 'x', 'rw', 'EINVAL', 'options must be an object'],
    ['a string size', 'x', { size: '4096' }, 'PMEM2_E_MAP_RANGE', 'size must be a size_t'],
    ['a negative size', 'x', { size: -1 }, 'PMEM2_E_MAP_RANGE', 'is negative'],
    ['a size past 2^53', 'x', { size: 2n ** 60n }, 'PMEM2_E_MAP_RANGE', 'above 2^53-1'],
    ['a mode past 0o7777', 'x', { size: 4096, mode: 0o10000 }, 'EINVAL', 'mode must be'],
    ['a string mode', 'x', { size: 4096, mode: '644' }, 'EINVAL', 'mode must be'],
    ['a string sparse', 'x', { size: 4096, sparse: 'yes' }, 'EINVAL', 'sparse must be true or'],
    ['an invalid protection', 'x', { size: 4096, protection: 8 }, 'PMEM2_E_INVALID_PROT_FLAG', ''],
  ])('refuses %s, creating nothing', (_name, name, options, code, text) => {
    const path = typeof name === 'string' && name !== '' ? missingPath('tmpfs') : name;
    const e = expectPmem2(() => mapFile(path as string, options as never), code);
    expect(e.message).toContain(text);
    if (typeof path === 'string' && path !== '') expect(existsSync(path)).toBe(false);
  });

  it('a directory: -EISDIR from open', () => {
    const dir = dirname(makeFile('tmpfs', 4096));
    expectPmem2(() => mapFile(dir), 'EISDIR', 'open: Is a directory');
  });
});

describe.runIf(HAVE_DIST)('a mapFile mapping collected without delete', () => {
  it('has its fd closed by the finalizer backstop (in a child process)', () => {
    const path = makeFile('tmpfs', MiB);
    const code = `
      import { readdirSync, readlinkSync } from 'node:fs';
      import { mapFile } from './dist/index.js';
      const path = ${JSON.stringify(path)};
      const fdsOfFile = () => readdirSync('/proc/self/fd').filter((fd) => {
        try { return readlinkSync('/proc/self/fd/' + fd) === path; } catch { return false; }
      }).length;
      (() => { mapFile(path).bytes()[0] = 1; })();
      const during = fdsOfFile();
      for (let i = 0; i < 50 && fdsOfFile() > 0; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      process.stdout.write(JSON.stringify({ during, after: fdsOfFile() }));
    `;
    const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
    // during: the map's fd and the fault table's duplicate of it (both closed by collection)
    expect(JSON.parse(child.stdout)).toEqual({ during: 2, after: 0 });
  });
});
