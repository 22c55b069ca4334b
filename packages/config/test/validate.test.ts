// validate.test.ts -- the config checks of pmem2_map_new, in libpmem2's order

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { catchPmem2 } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import {
  Config,
  Granularity,
  validateGranularitySet,
  validateLength,
  validateOffset,
} from '../src/index.js';

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const PAGE = 4096;

function cfgWith(offset: number | bigint, length: number | bigint): Config {
  return new Config().setOffset(offset).setLength(length);
}

describe('validateGranularitySet (pmem2_map_new step 2)', () => {
  it('refuses a config without granularity with PMEM2_E_GRANULARITY_NOT_SET', () => {
    const e = catchPmem2(() => validateGranularitySet(new Config()));
    expect(e.code).toBe('PMEM2_E_GRANULARITY_NOT_SET');
    expect(e.errno).toBe(PMEM2_E.GRANULARITY_NOT_SET);
    expect(e.libpmem2Message).toBe('please define the max granularity requested for the mapping');
  });

  it.each([Granularity.BYTE, Granularity.CACHE_LINE, Granularity.PAGE])(
    'accepts granularity %s',
    (g) => {
      expect(() =>
        validateGranularitySet(new Config().setRequiredStoreGranularity(g)),
      ).not.toThrow();
    },
  );
});

describe('validateOffset (pmem2_validate_offset)', () => {
  it.each([
    [0, PAGE],
    [PAGE, PAGE],
    [2 ** 21, 2 ** 21],
    [(INT64_MAX / 4096n) * 4096n, PAGE],
    [INT64_MAX, 1],
    [6, 3],
  ])('accepts offset %s with alignment %s', (offset, alignment) => {
    expect(() => validateOffset(cfgWith(offset, 0), alignment)).not.toThrow();
    expect(() => validateOffset(cfgWith(offset, 0), BigInt(alignment))).not.toThrow();
  });

  it.each([
    [1, PAGE, 'offset is not a multiple of 4096'],
    [PAGE + 1, PAGE, 'offset is not a multiple of 4096'],
    [PAGE, 2 ** 21, 'offset is not a multiple of 2097152'],
    [INT64_MAX, PAGE, 'offset is not a multiple of 4096'],
    [7, 3, 'offset is not a multiple of 3'],
  ])(
    'refuses offset %s with alignment %s (PMEM2_E_OFFSET_UNALIGNED)',
    (offset, alignment, text) => {
      const e = catchPmem2(() => validateOffset(cfgWith(offset, 0), alignment));
      expect(e.code).toBe('PMEM2_E_OFFSET_UNALIGNED');
      expect(e.errno).toBe(PMEM2_E.OFFSET_UNALIGNED);
      expect(e.libpmem2Message).toBe(text);
    },
  );

  it('accepts an alignment above 2^53 as bigint and prints it in full', () => {
    const e = catchPmem2(() => validateOffset(cfgWith(PAGE, 0), 2n ** 62n));
    expect(e.libpmem2Message).toBe('offset is not a multiple of 4611686018427387904');
    expect(() => validateOffset(cfgWith(0, 0), UINT64_MAX)).not.toThrow();
  });

  it.each([[0], [0n], [-4096], [0.5], [Number.NaN], [2 ** 53], [UINT64_MAX + 1n], ['4096']])(
    'refuses the alignment %s with PMEM2_E_INVALID_ALIGNMENT_VALUE',
    (alignment) => {
      const e = catchPmem2(() => validateOffset(cfgWith(0, 0), alignment as unknown as number));
      expect(e.code).toBe('PMEM2_E_INVALID_ALIGNMENT_VALUE');
      expect(e.errno).toBe(PMEM2_E.INVALID_ALIGNMENT_VALUE);
      expect(e.libpmem2Message).toBe('');
    },
  );
});

describe('validateLength (pmem2_config_validate_length)', () => {
  it.each([
    [0, 0, PAGE, 'the whole file'],
    [0, PAGE, PAGE, 'exactly the file'],
    [PAGE, PAGE, 2 * PAGE, 'the second page'],
    [PAGE, 0, 2 * PAGE, 'offset to the end'],
    [2 * PAGE, 0, 2 * PAGE, 'offset == file length, length 0 (mmap fails later, as in C)'],
    [0, PAGE, PAGE + 1, 'the first page of an unaligned file'],
  ])('accepts offset %s length %s file %s: %s', (offset, length, fileLength) => {
    expect(() => validateLength(cfgWith(offset, length), fileLength, PAGE)).not.toThrow();
  });

  it('an empty source gives PMEM2_E_SOURCE_EMPTY before anything else', () => {
    // the length is unaligned and the range overflows too: the empty source wins
    const cfg = cfgWith(INT64_MAX, UINT64_MAX);
    const e = catchPmem2(() => validateLength(cfg, 0, PAGE));
    expect(e.code).toBe('PMEM2_E_SOURCE_EMPTY');
    expect(e.errno).toBe(PMEM2_E.SOURCE_EMPTY);
    expect(e.libpmem2Message).toBe('file length is equal 0');
    expect(catchPmem2(() => validateLength(cfg, 0n, PAGE)).code).toBe('PMEM2_E_SOURCE_EMPTY');
  });

  it('an unaligned length gives PMEM2_E_LENGTH_UNALIGNED before the range checks', () => {
    const cfg = cfgWith(INT64_MAX, UINT64_MAX); // overflows and is past the end too
    const e = catchPmem2(() => validateLength(cfg, PAGE, PAGE));
    expect(e.code).toBe('PMEM2_E_LENGTH_UNALIGNED');
    expect(e.errno).toBe(PMEM2_E.LENGTH_UNALIGNED);
    expect(e.libpmem2Message).toBe('length is not a multiple of 4096');
    expect(catchPmem2(() => validateLength(cfgWith(0, 100), 8192, 64)).libpmem2Message).toBe(
      'length is not a multiple of 64',
    );
  });

  it('offset + length overflowing size_t gives PMEM2_E_MAP_RANGE (overflow)', () => {
    const length = (UINT64_MAX / 4096n) * 4096n; // aligned, so the overflow check is reached
    const e = catchPmem2(() => validateLength(cfgWith(INT64_MAX, length), PAGE, PAGE));
    expect(e.code).toBe('PMEM2_E_MAP_RANGE');
    expect(e.errno).toBe(PMEM2_E.MAP_RANGE);
    expect(e.libpmem2Message).toBe('overflow of offset and length');
  });

  it('finds the overflow exactly at 2^64 and not one byte before', () => {
    const length = 2n ** 64n - 4096n; // aligned
    const ok = cfgWith(4095, length); // 2^64 - 1: fits, but past the file end
    expect(catchPmem2(() => validateLength(ok, UINT64_MAX - 1n, PAGE)).libpmem2Message).toBe(
      'mapping larger than file size',
    );
    expect(() => validateLength(ok, UINT64_MAX, PAGE)).not.toThrow();
    const over = cfgWith(4096, length); // exactly 2^64: wraps to 0 in C
    expect(catchPmem2(() => validateLength(over, UINT64_MAX, PAGE)).libpmem2Message).toBe(
      'overflow of offset and length',
    );
  });

  it('a mapping past the end of the file gives PMEM2_E_MAP_RANGE (larger than file size)', () => {
    for (const [offset, length, fileLength] of [
      [0, 2 * PAGE, PAGE],
      [PAGE, PAGE, PAGE],
      [3 * PAGE, 0, 2 * PAGE],
      [PAGE, PAGE, PAGE + 100],
    ] as const) {
      const e = catchPmem2(() => validateLength(cfgWith(offset, length), fileLength, PAGE));
      expect(e.code).toBe('PMEM2_E_MAP_RANGE');
      expect(e.errno).toBe(PMEM2_E.MAP_RANGE);
      expect(e.libpmem2Message).toBe('mapping larger than file size');
    }
  });

  it('does not round an unaligned file length up (libpmem2 1.12.1)', () => {
    // 1.12.1 compares offset + length with the raw file length
    expect(() => validateLength(cfgWith(0, 2 * PAGE), 2 * PAGE - 1, PAGE)).toThrow(Pmem2Error);
    expect(() => validateLength(cfgWith(0, PAGE), 2 * PAGE - 1, PAGE)).not.toThrow();
  });

  it('does not check the offset alignment (validateOffset does)', () => {
    expect(() => validateLength(cfgWith(1, PAGE), 2 * PAGE, PAGE)).not.toThrow();
  });

  it.each([[-1], [0.5], [Number.NaN], [2 ** 53], [UINT64_MAX + 1n], [null]])(
    'refuses the file length %s with PMEM2_E_LENGTH_OUT_OF_RANGE',
    (fileLength) => {
      const e = catchPmem2(() =>
        validateLength(cfgWith(0, 0), fileLength as unknown as number, PAGE),
      );
      expect(e.code).toBe('PMEM2_E_LENGTH_OUT_OF_RANGE');
      expect(e.libpmem2Message).toBe('');
    },
  );

  it.each([[0], [-1n], [1.5], [Number.POSITIVE_INFINITY]])(
    'refuses the alignment %s with PMEM2_E_INVALID_ALIGNMENT_VALUE',
    (alignment) => {
      const e = catchPmem2(() =>
        validateLength(cfgWith(0, 0), PAGE, alignment as unknown as number),
      );
      expect(e.code).toBe('PMEM2_E_INVALID_ALIGNMENT_VALUE');
      expect(e.libpmem2Message).toBe('');
    },
  );

  it('works with bigint sizes beyond 2^53', () => {
    const big = 2n ** 60n;
    expect(() => validateLength(cfgWith(big, big), 2n * big, PAGE)).not.toThrow();
    expect(catchPmem2(() => validateLength(cfgWith(big, big), 2n * big - 1n, PAGE)).code).toBe(
      'PMEM2_E_MAP_RANGE',
    );
  });
});
