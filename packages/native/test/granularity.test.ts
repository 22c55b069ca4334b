// granularity.test.ts -- mapNew decides the granularity once, in libpmem2's order, with its reason
// and persist kind; no call changes it (issue 16 item 5); the one PMEM2_FORCE_GRANULARITY parser

import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { GRANULARITY_REASONS, MapNewSlot, newMapNewResult } from '../src/index.js';
import {
  BYTE,
  binding,
  bytes,
  CACHE_LINE,
  close,
  FILESYSTEMS,
  failedStep,
  makeFile,
  mapNewRequiring,
  mappedOf,
  mapRw,
  PAGE,
  PAGE_GRANULARITY,
  PROT_RW,
  result,
  scratchDir,
  withForcedGranularity,
} from './helpers.js';

const { dir, cleanup } = scratchDir(FILESYSTEMS[1].root);
afterAll(cleanup);
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('mapNew decides the granularity (pmem2_map_new + get_min_granularity)', () => {
  it('anonymous → BYTE, even forced; persist is a fence', () => {
    const map = withForcedGranularity(PAGE_GRANULARITY, () => mapRw(-1, PAGE));
    expect(mappedOf(map)).toMatchObject({
      granularity: BYTE,
      reason: 'anonymous',
      persistKind: 'fence',
    });
    binding.mapDelete(map);
  });

  it('private → BYTE even over PMEM2_FORCE_GRANULARITY=PAGE', () => {
    const { fd } = makeFile(dir, 'private', PAGE);
    const map = withForcedGranularity(PAGE_GRANULARITY, () => mapRw(fd, PAGE, 0n, true));
    expect(mappedOf(map)).toMatchObject({
      granularity: BYTE,
      reason: 'private',
      persistKind: 'fence',
    });
    binding.mapDelete(map);
    close(fd);
  });

  it('a shared page-cache file without MAP_SYNC → PAGE, and its persist always msyncs', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    const { fd } = makeFile(dir, 'shared', PAGE);
    const asked: string[] = [];
    const eADR = () => {
      asked.push('eADR');
      return true;
    };
    const map = mapNewRequiring(2, eADR, fd, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n);
    if (typeof map === 'number') throw new Error(`mapNew failed with ${map}`);
    expect(mappedOf(map)).toMatchObject({
      mapSync: false,
      granularity: PAGE_GRANULARITY,
      reason: 'no-map-sync',
      persistKind: 'msync',
    });
    expect(asked).toEqual([]); // eADR cannot decide without MAP_SYNC: not asked
    bytes(map)[0] = 1;
    expect(binding.persist(map, 0, 1)).toBe(0);
    expect(binding.lastOp().msynced).toBe(true);
    binding.mapDelete(map);
    close(fd);
  });

  it('PMEM2_FORCE_GRANULARITY of the process environment, read at every mapNew', () => {
    const { fd } = makeFile(dir, 'forced', PAGE);
    const kinds = [];
    for (const [value, granularity] of [
      ['cache_line', CACHE_LINE],
      ['Byte', BYTE],
      ['page', PAGE_GRANULARITY],
      ['cache-line', PAGE_GRANULARITY], // ignored, as libpmem2 ignores it
    ] as const) {
      vi.stubEnv('PMEM2_FORCE_GRANULARITY', value);
      const map = mapRw(fd, PAGE);
      const got = mappedOf(map);
      expect(got.granularity).toBe(granularity);
      expect(got.reason).toBe(value === 'cache-line' ? 'no-map-sync' : 'forced');
      kinds.push(got.persistKind);
      binding.mapDelete(map);
    }
    const lineKind = binding.persistInfo().flush === 'none' ? 'msync' : 'flush';
    expect(kinds).toEqual([lineKind, 'fence', 'msync', 'msync']);
    close(fd);
  });

  it('a 12th argument is the PMEM2_FORCE_GRANULARITY value; the environment is not read', () => {
    const { fd } = makeFile(dir, 'forced-arg', PAGE);
    const placement = [fd, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n, 2, null] as const;
    const granularityOf = (env: string | undefined, value: string | null | undefined) => {
      vi.stubEnv('PMEM2_FORCE_GRANULARITY', env);
      const map = binding.mapNew(...placement, result, value);
      if (typeof map === 'number') throw new Error(`mapNew failed with ${map}`);
      binding.mapDelete(map);
      return [result[MapNewSlot.granularity], GRANULARITY_REASONS[result[MapNewSlot.reason] ?? -1]];
    };
    expect(granularityOf(undefined, 'CACHE_LINE')).toEqual([CACHE_LINE, 'forced']);
    expect(granularityOf('PAGE', 'byte')).toEqual([BYTE, 'forced']);
    // unset or ignored by the argument: what getenv holds does not count
    expect(granularityOf('BYTE', undefined)).toEqual([PAGE_GRANULARITY, 'no-map-sync']);
    expect(granularityOf('BYTE', null)).toEqual([PAGE_GRANULARITY, 'no-map-sync']);
    expect(granularityOf('BYTE', 'cache-line')).toEqual([PAGE_GRANULARITY, 'no-map-sync']);
    expect(granularityOf('BYTE', 'BYTE'.repeat(1000))).toEqual([PAGE_GRANULARITY, 'no-map-sync']);
    expect(granularityOf('BYTE', 'BYTE\u0000')).toEqual([PAGE_GRANULARITY, 'no-map-sync']);
    close(fd);
  });

  it('a 12th argument that is not a string, undefined or null throws TypeError, maps nothing', () => {
    const { path, fd } = makeFile(dir, 'forced-bad', PAGE);
    const placement = [fd, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n, 2, null] as const;
    for (const value of [1, {}, true, Symbol('CACHE_LINE')]) {
      expect(() => binding.mapNew(...placement, result, value as unknown as string)).toThrow(
        TypeError,
      );
    }
    expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain(path);
    close(fd);
  });

  it('a granularity coarser than required is refused, nothing stays mapped, the slots say why', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    const { path, fd } = makeFile(dir, 'refused', PAGE);
    for (const required of [BYTE, CACHE_LINE] as const) {
      expect(
        mapNewRequiring(required, null, fd, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n),
      ).toBe(
        -100009, // PMEM2_E_GRANULARITY_NOT_SUPPORTED
      );
      expect(result[MapNewSlot.granularity]).toBe(PAGE_GRANULARITY);
      expect(GRANULARITY_REASONS[result[MapNewSlot.reason] ?? -1]).toBe('no-map-sync');
      expect(result[MapNewSlot.address]).toBe(0);
      expect(failedStep()).toBe('none');
      expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain(path);
    }
    expect(
      mapNewRequiring(3 as 2, null, fd, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n),
    ).toBe(-22);
    close(fd);
  });
});

describe('granularityDecide: the same rule for what-if facts', () => {
  const out = newMapNewResult();
  const decide = (
    anonymous: boolean,
    privateMapping: boolean,
    forced: -1 | 0 | 1 | 2,
    mapSync: boolean,
    eADR: (() => boolean) | null,
  ) => {
    expect(binding.granularityDecide(anonymous, privateMapping, forced, mapSync, eADR, out)).toBe(
      0,
    );
    return [out[MapNewSlot.granularity], GRANULARITY_REASONS[out[MapNewSlot.reason] ?? -1]];
  };

  it('asks eADR only when it decides: a shared MAP_SYNC mapping with nothing forced', () => {
    const asked: string[] = [];
    const eADR = (name: string, answer: boolean) => () => {
      asked.push(name);
      return answer;
    };
    expect(decide(true, false, 2, true, eADR('anonymous', true))).toEqual([BYTE, 'anonymous']);
    expect(decide(false, true, 2, true, eADR('private', true))).toEqual([BYTE, 'private']);
    expect(decide(false, false, 1, true, eADR('forced', true))).toEqual([CACHE_LINE, 'forced']);
    expect(decide(false, false, -1, false, eADR('no MAP_SYNC', true))).toEqual([
      PAGE_GRANULARITY,
      'no-map-sync',
    ]);
    expect(asked).toEqual([]);
    expect(decide(false, false, -1, true, eADR('no eADR', false))).toEqual([CACHE_LINE, 'no-eadr']);
    expect(decide(false, false, -1, true, eADR('eADR', true))).toEqual([BYTE, 'eadr']);
    expect(decide(false, false, -1, true, null)).toEqual([CACHE_LINE, 'no-eadr']);
    expect(asked).toEqual(['no eADR', 'eADR']);
  });

  it('an eADR function that throws or answers a non-boolean throws; a bad forced is -EINVAL', () => {
    expect(() =>
      binding.granularityDecide(
        false,
        false,
        -1,
        true,
        () => {
          throw new RangeError('scan failed');
        },
        out,
      ),
    ).toThrow(RangeError);
    expect(() =>
      binding.granularityDecide(false, false, -1, true, (() => 1) as unknown as () => boolean, out),
    ).toThrow(TypeError);
    expect(binding.granularityDecide(false, false, 5 as 2, false, null, out)).toBe(-22);
  });

  it('an eADR function that detaches the result array gets a TypeError, not a stale write', () => {
    const victim = newMapNewResult();
    const detach = () => {
      structuredClone(victim.buffer, { transfer: [victim.buffer as ArrayBuffer] });
      return true;
    };
    expect(() => binding.granularityDecide(false, false, -1, true, detach, victim)).toThrow(
      TypeError,
    );
  });
});

describe('no call gives a mapping a granularity it cannot have (issue 16 item 5)', () => {
  it('the binding has no setter: granularity is decided by mapNew only', () => {
    const names = Object.keys(binding).filter((name) => /granularity/i.test(name));
    expect(names.sort()).toEqual(['forceGranularity', 'granularityDecide']);
    expect('mapSetGranularity' in binding).toBe(false);
  });

  it('a page-cache mapping keeps msyncing after every what-if question', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    const { path, fd } = makeFile(dir, 'no-backdoor', PAGE);
    const map = mapRw(fd, PAGE);
    binding.granularityDecide(true, false, 0, true, () => true, newMapNewResult());
    bytes(map)[7] = 42;
    expect(binding.persist(map, 7, 1)).toBe(0);
    expect(binding.lastOp()).toMatchObject({ msynced: true, drained: false });
    expect(readFileSync(path)[7]).toBe(42);
    binding.mapDelete(map);
    close(fd);
  });
});

/** A Float64Array whose buffer was transferred away (length 0). */
function detached(): Float64Array {
  const array = new Float64Array(6);
  structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });
  return array;
}

describe('mapNew never trusts its result array or eADR argument', () => {
  it.each([
    ['a Float32Array', () => new Float32Array(6)],
    ['a short Float64Array', () => new Float64Array(5)],
    ['a plain array', () => [0, 0, 0, 0, 0, 0]],
    ['a detached Float64Array', () => detached()],
    ['undefined', () => undefined],
  ])('%s as the result throws TypeError', (_name, make) => {
    const out = make() as Float64Array;
    expect(() =>
      binding.mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, null, 0n, 2, null, out),
    ).toThrow(TypeError);
  });

  it('a non-function eADR throws TypeError', () => {
    expect(() =>
      binding.mapNew(
        -1,
        0n,
        BigInt(PAGE),
        PROT_RW,
        false,
        PAGE,
        null,
        0n,
        2,
        true as unknown as null,
        newMapNewResult(),
      ),
    ).toThrow(TypeError);
  });
});

describe('forceGranularity: the one PMEM2_FORCE_GRANULARITY parser', () => {
  it.each([
    ['page', PAGE_GRANULARITY],
    ['cache_line', CACHE_LINE],
    ['CaCHe_Line', CACHE_LINE],
    ['CACHELINE', CACHE_LINE],
    ['byte', BYTE],
    ['BYTE', BYTE],
  ])('%s → %s', (value, expected) => {
    expect(binding.forceGranularity(value)).toBe(expected);
  });

  it.each([
    '0',
    '',
    'bytes',
    'CACHE_LINES',
    'cache-line',
    'PAGE ',
    'xxxxxxxxxxxxxxxxxxx',
    'cachelıne', // C's toupper leaves the dotless i alone; JavaScript's would make CACHELINE
    'BYTE\u0000',
  ])('ignores %j', (value) => {
    expect(binding.forceGranularity(value)).toBe(-1);
  });

  it('without a value reads the process environment now', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'Page');
    expect(binding.forceGranularity()).toBe(PAGE_GRANULARITY);
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    expect(binding.forceGranularity()).toBe(-1);
    expect(() => binding.forceGranularity(2 as unknown as string)).toThrow(TypeError);
  });
});
