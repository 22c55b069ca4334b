// map.test.ts -- mapNew/mapBuffer/mapDelete: placement, MAP_SYNC fallback, bounds, use after delete

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BYTE,
  binding,
  bytes,
  close,
  E,
  FILESYSTEMS,
  failedStep,
  MiB,
  makeFile,
  mapNew,
  mappedOf,
  mapRw,
  mapsLineAt,
  PAGE,
  PROT_READ,
  PROT_RW,
  scratchDir,
  withForcedGranularity,
} from './helpers.js';

describe.each(FILESYSTEMS)('file mappings on $name', ({ root }) => {
  const { dir, cleanup } = scratchDir(root);
  afterAll(cleanup);

  it('places a mapping of >= 2 MiB on a 2 MiB boundary, as map_reserve does', () => {
    const { fd } = makeFile(dir, 'big', 4 * MiB);
    const map = mapRw(fd, 4 * MiB);
    expect(mappedOf(map).address % BigInt(2 * MiB)).toBe(0n);
    expect(binding.mapSize(map)).toBe(4 * MiB);
    expect(binding.mapDelete(map)).toBe(0);
    close(fd);
  });

  it('places a small mapping page-aligned (libpmem2 aligns it to 2 MiB too)', () => {
    const { fd } = makeFile(dir, 'small', PAGE);
    const map = mapRw(fd, PAGE);
    expect(mappedOf(map).address % BigInt(PAGE)).toBe(0n);
    expect(mappedOf(map).address % BigInt(2 * MiB)).toBe(0n);
    expect(binding.mapDelete(map)).toBe(0);
    close(fd);
  });

  it('falls back from MAP_SYNC (EOPNOTSUPP on non-DAX files) to MAP_SHARED', () => {
    const { fd } = makeFile(dir, 'sync', PAGE);
    const map = mapRw(fd, PAGE);
    expect(mappedOf(map).mapSync).toBe(false);
    binding.mapDelete(map);
    close(fd);
  });

  it('writes through the buffer reach the file after persist (msync at PAGE granularity)', () => {
    const { path, fd } = makeFile(dir, 'write', 2 * PAGE);
    const map = mapRw(fd, 2 * PAGE);
    const view = bytes(map);
    view.set([1, 2, 3], PAGE + 5);
    expect(binding.persist(map, PAGE + 5, 3)).toBe(0);
    expect(binding.lastOp().msynced).toBe(true);
    expect([...readFileSync(path).subarray(PAGE + 5, PAGE + 8)]).toEqual([1, 2, 3]);
    binding.mapDelete(map);
    close(fd);
  });

  it('maps at a file offset', () => {
    const { path, fd } = makeFile(dir, 'offset', 3 * PAGE);
    const map = mapRw(fd, PAGE, BigInt(2 * PAGE));
    bytes(map)[0] = 0xab;
    expect(binding.persist(map, 0, 1)).toBe(0);
    expect(readFileSync(path)[2 * PAGE]).toBe(0xab);
    binding.mapDelete(map);
    close(fd);
  });

  it('a private mapping never tries MAP_SYNC and does not write the file', () => {
    const { path, fd } = makeFile(dir, 'private', PAGE);
    const map = mapRw(fd, PAGE, 0n, true);
    expect(mappedOf(map).mapSync).toBe(false);
    bytes(map)[0] = 7;
    expect(readFileSync(path)[0]).toBe(0);
    binding.mapDelete(map);
    close(fd);
  });

  it('a read-only file mapped shared and writable fails with -EACCES and leaves nothing mapped', () => {
    const { path, fd } = makeFile(dir, 'ro', PAGE);
    close(fd);
    const ro = openSync(path, 'r');
    // V8 maps and unmaps its own memory at any time, so count only what mapNew could leave:
    // a mapping of the file, or its PROT_READ private anonymous placeholder (r--p, no inode)
    const leftovers = () =>
      readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .filter((line) => line.endsWith(path) || /^\S+ r--p 00000000 00:00 0\s*$/.test(line));
    const before = leftovers();
    expect(mapNew(ro, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n)).toBe(-13);
    expect(leftovers()).toEqual(before);
    const rmap = mapNew(ro, 0n, BigInt(PAGE), PROT_READ, false, PAGE, null, 0n);
    expect(typeof rmap).toBe('object');
    if (typeof rmap === 'number') return;
    expect(binding.mapBuffer(rmap)).toBe(E.NO_ACCESS);
    expect(binding.memset(rmap, 0, 1, 1, 0)).toBe(E.NO_ACCESS);
    const out = new Uint8Array(4);
    expect(binding.read(rmap, 0, out)).toBe(0);
    binding.mapDelete(rmap);
    closeSync(ro);
  });

  it('a bad fd fails with -EBADF', () => {
    expect(mapNew(1_000_000, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n)).toBe(-9);
  });
});

describe('offsets above 4 GiB', () => {
  const { dir, cleanup } = scratchDir(FILESYSTEMS[0].root);
  afterAll(cleanup);

  it('maps, writes and persists a page at file offset 4 GiB + 1 page of a sparse file', () => {
    const off = 4 * 1024 * MiB + PAGE;
    const { path, fd } = makeFile(dir, 'huge', off + PAGE);
    const map = mapRw(fd, PAGE, BigInt(off));
    bytes(map)[10] = 0x5a;
    expect(binding.persist(map, 10, 1)).toBe(0);
    const rd = openSync(path, 'r');
    const got = Buffer.alloc(1);
    readSync(rd, got, 0, 1, off + 10);
    expect(got[0]).toBe(0x5a);
    closeSync(rd);
    binding.mapDelete(map);
    close(fd);
  });
});

describe('mappings of 2 GiB and more', () => {
  const { dir, cleanup } = scratchDir(FILESYSTEMS[0].root);
  afterAll(cleanup);

  it('are placed on a 1 GiB boundary, and offsets above 4 GiB inside them work', () => {
    const size = 5 * 1024 * MiB;
    const { path, fd } = makeFile(dir, 'five-gib', size);
    const map = mapRw(fd, size);
    expect(mappedOf(map).address % BigInt(1024 * MiB)).toBe(0n);
    const off = 4 * 1024 * MiB + 100;
    expect(binding.memset(map, off, 0x77, 3, 0)).toBe(0);
    expect(binding.persist(map, off, 3)).toBe(0);
    const out = new Uint8Array(3);
    expect(binding.read(map, off, out)).toBe(0);
    expect([...out]).toEqual([0x77, 0x77, 0x77]);
    expect(binding.persist(map, size - 1, 2)).toBe(E.MAP_RANGE);
    const rd = openSync(path, 'r');
    const got = Buffer.alloc(3);
    readSync(rd, got, 0, 3, off);
    expect([...got]).toEqual([0x77, 0x77, 0x77]);
    closeSync(rd);
    binding.mapDelete(map);
    close(fd);
  });
});

describe('pageSize, fcntlGetFl and msync', () => {
  const { dir, cleanup } = scratchDir(FILESYSTEMS[0].root);
  afterAll(cleanup);

  it('pageSize is the system page size and fcntlGetFl reads the access mode or -EBADF', () => {
    expect([4096, 16384, 65536]).toContain(PAGE);
    const { fd } = makeFile(dir, 'fl', PAGE);
    expect(binding.fcntlGetFl(fd) & 3).toBe(2); // O_RDWR
    close(fd);
    expect(binding.fcntlGetFl(fd)).toBe(-9);
  });

  it('msync writes a range back whatever the granularity', () => {
    const { path, fd } = makeFile(dir, 'msync', 2 * PAGE);
    const map = withForcedGranularity(BYTE, () => mapRw(fd, 2 * PAGE));
    expect(mappedOf(map).granularity).toBe(BYTE);
    bytes(map)[PAGE + 1] = 9;
    expect(binding.msync(map, PAGE + 1, 1)).toBe(0);
    expect(binding.lastOp()).toEqual({
      store: 'none',
      flushed: false,
      ntFence: false,
      drained: false,
      msynced: true,
    });
    expect(readFileSync(path)[PAGE + 1]).toBe(9);
    binding.mapDelete(map);
    close(fd);
  });
});

describe('anonymous mappings', () => {
  it('use MAP_ANONYMOUS, ignore the offset and start zeroed', () => {
    const map = mapRw(-1, 4 * MiB, BigInt(PAGE));
    expect(mappedOf(map).address % BigInt(2 * MiB)).toBe(0n);
    expect(mappedOf(map).mapSync).toBe(false);
    const view = bytes(map);
    expect(view.length).toBe(4 * MiB);
    expect(view.every((b) => b === 0)).toBe(true);
    const line = mapsLineAt(mappedOf(map).address, readFileSync('/proc/self/maps', 'utf8'));
    expect(line).toMatch(/ rw-s /);
    binding.mapDelete(map);
  });

  it('zero length fails with -EINVAL in the mmap of the source', () => {
    expect(mapNew(-1, 0n, 0n, PROT_RW, false, PAGE, null, 0n)).toBe(-22);
    expect(failedStep()).toBe('mmap');
  });

  it('mapNewFailedStep tells a failed placeholder (2^47 bytes: -ENOMEM) from the mmap', () => {
    expect(mapNew(-1, 0n, 2n ** 47n, PROT_RW, false, PAGE, null, 0n)).toBe(-12);
    expect(failedStep()).toBe('placeholder');
    const map = mapRw(-1, PAGE);
    expect(failedStep()).toBe('none');
    binding.mapDelete(map);
    expect(mapNew(-1, 0n, BigInt(PAGE), 1, false, PAGE, null, 0n)).toBe(E.INVALID_PROT_FLAG);
    expect(failedStep()).toBe('none');
  });

  it('a length whose page roundup or placeholder wraps size_t fails -ENOMEM in the mmap step', () => {
    for (const length of [2n ** 64n - 1n, 2n ** 64n - BigInt(PAGE)]) {
      expect(mapNew(-1, 0n, length, PROT_RW, false, PAGE, null, 0n)).toBe(-12);
      expect(failedStep()).toBe('mmap');
    }
    expect(mapNew(-1, 0n, 2n ** 63n, PROT_RW, false, PAGE, null, 0n)).toBe(-12);
    expect(failedStep()).toBe('placeholder');
  });

  it('unknown protection bits are refused', () => {
    expect(mapNew(-1, 0n, BigInt(PAGE), 1, false, PAGE, null, 0n)).toBe(E.INVALID_PROT_FLAG);
  });
});

describe('never trusting JavaScript', () => {
  it('rejects NaN, negative, fractional, unsafe and out-of-range offsets and lengths', () => {
    const map = mapRw(-1, PAGE);
    for (const [off, len] of [
      [Number.NaN, 1],
      [-1, 1],
      [1.5, 1],
      [2 ** 53, 1],
      [0, Number.POSITIVE_INFINITY],
      [0, PAGE + 1],
      [PAGE, 1],
      [PAGE + 1, 0],
      [1, Number.MAX_SAFE_INTEGER],
    ] as const) {
      expect(binding.persist(map, off, len), `persist(${off}, ${len})`).toBe(E.MAP_RANGE);
      expect(binding.flush(map, off, len)).toBe(E.MAP_RANGE);
      expect(binding.msync(map, off, len)).toBe(E.MAP_RANGE);
      expect(binding.memset(map, off, 0, len, 0)).toBe(E.MAP_RANGE);
      expect(binding.memmove(map, 0, off, len, 0)).toBe(E.MAP_RANGE);
    }
    expect(binding.persist(map, PAGE, 0)).toBe(0);
    expect(binding.memcpy(map, PAGE - 1, new Uint8Array(2), 0)).toBe(E.MAP_RANGE);
    expect(binding.read(map, PAGE - 1, new Uint8Array(2))).toBe(E.MAP_RANGE);
    binding.mapDelete(map);
  });

  it('rejects negative and wider-than-64-bit bigints', () => {
    expect(mapNew(-1, -1n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n)).toBe(E.MAP_RANGE);
    expect(mapNew(-1, 0n, 2n ** 64n, PROT_RW, false, PAGE, null, 0n)).toBe(E.MAP_RANGE);
    expect(binding.reservationNew(-4096n, null)).toBe(E.MAP_RANGE);
  });

  it('rejects mem flags outside PMEM2_F_MEM_VALID_FLAGS with -EINVAL', () => {
    const map = mapRw(-1, PAGE);
    expect(binding.memset(map, 0, 1, 8, 0x40)).toBe(-22);
    expect(binding.memcpy(map, 0, new Uint8Array(8), -1)).toBe(-22);
    expect(binding.memmove(map, 0, 8, 8, 0x80)).toBe(-22);
    binding.mapDelete(map);
  });

  it('throws TypeError for a handle of the wrong kind or a non-handle, never crashes', () => {
    const map = mapRw(-1, PAGE);
    const rsv = binding.reservationNew(BigInt(2 * MiB), null);
    if (typeof rsv === 'number') throw new Error(String(rsv));
    const confuse = binding as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const wrong of [rsv, {}, null, 42, 'map', Buffer.alloc(8)]) {
      expect(() => confuse.persist?.(wrong, 0, 1)).toThrow(TypeError);
      expect(() => confuse.mapBuffer?.(wrong)).toThrow(TypeError);
      expect(() => confuse.mapDelete?.(wrong)).toThrow(TypeError);
    }
    expect(() => confuse.reservationDelete?.(map)).toThrow(TypeError);
    // right after each handle passed its own check (the check remembers the last handle)
    expect(binding.persist(map, 0, 1)).toBe(0);
    expect(() => confuse.reservationSize?.(map)).toThrow(TypeError);
    expect(binding.reservationSize(rsv)).toBe(BigInt(2 * MiB));
    expect(() => confuse.persist?.(rsv, 0, 1)).toThrow(TypeError);
    expect(() => confuse.persist?.(map, '0', 1)).toThrow(TypeError);
    expect(() => confuse.memcpy?.(map, 0, 'abc', 0)).toThrow(TypeError);
    binding.mapDelete(map);
    expect(binding.reservationDelete(rsv)).toBe(0);
  });
});

describe('one ArrayBuffer per mapping and use after delete', () => {
  it('returns the same ArrayBuffer until delete, then detaches it', () => {
    const map = mapRw(-1, 2 * PAGE);
    const ab = binding.mapBuffer(map);
    expect(ab).toBe(binding.mapBuffer(map));
    if (typeof ab === 'number') return;
    const u8 = new Uint8Array(ab);
    const dv = new DataView(ab, 8);
    const buf = Buffer.from(ab);
    u8[0] = 1;
    expect(binding.mapDelete(map)).toBe(0);
    expect(ab.byteLength).toBe(0);
    expect(u8.length).toBe(0);
    expect(buf.length).toBe(0);
    expect(u8[0]).toBeUndefined();
    expect(() => dv.getUint8(0)).toThrow(TypeError);
  });

  it('every call on a deleted handle returns PMEM2_E_MAPPING_NOT_FOUND', () => {
    const map = mapRw(-1, PAGE);
    const addr = mappedOf(map).address;
    expect(binding.mapDelete(map)).toBe(0);
    expect(binding.mapDelete(map)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.mapBuffer(map)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.persist(map, 0, 1)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.flush(map, 0, 1)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.msync(map, 0, 1)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.memcpy(map, 0, new Uint8Array(1), 0)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.memmove(map, 0, 1, 1, 0)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.memset(map, 0, 1, 1, 0)).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.read(map, 0, new Uint8Array(1))).toBe(E.MAPPING_NOT_FOUND);
    expect(binding.mapSize(map)).toBe(0);
    expect(mapsLineAt(addr, readFileSync('/proc/self/maps', 'utf8'))).toBeUndefined();
  });

  it("memcpy from a deleted mapping's detached buffer copies nothing", () => {
    const a = mapRw(-1, PAGE);
    const b = mapRw(-1, PAGE);
    const src = bytes(a);
    binding.mapDelete(a);
    expect(binding.memcpy(b, 0, src, 0)).toBe(0);
    expect(binding.lastOp().store).toBe('none');
    binding.mapDelete(b);
  });
});
