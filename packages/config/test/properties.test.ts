// properties.test.ts -- random inputs: every call succeeds or throws the Pmem2Error libpmem2 would

import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Config,
  Granularity,
  Sharing,
  toSize,
  type VmReservationLike,
  validateGranularitySet,
  validateLength,
  validateOffset,
} from '../src/index.js';
import { snapshot } from './helpers.js';

const RUNS = { numRuns: 10_000 };
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE = Number.MAX_SAFE_INTEGER;

/** Calls `fn` and returns `'ok'` or the code of the Pmem2Error; anything else fails the test. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof Pmem2Error)) throw new Error(`a non-Pmem2Error escaped: ${String(e)}`);
    expect(e.errno).toBe(PMEM2_E[e.code.replace('PMEM2_E_', '') as keyof typeof PMEM2_E]);
    return e.code;
  }
}

/** Whether C's size_t parameter can hold the value without any conversion. */
function isSizeT(v: unknown): v is number | bigint {
  if (typeof v === 'bigint') return v >= 0n && v <= UINT64_MAX;
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** Numbers, bigints and other values, weighted towards the edges of size_t and int64. */
const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
  fc.double(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 66n), max: 2n ** 66n }),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    2,
    3,
    SAFE,
    SAFE + 1,
    2 ** 63,
    2 ** 64,
    0n,
    INT64_MAX,
    INT64_MAX + 1n,
    UINT64_MAX,
    UINT64_MAX + 1n,
    -1n,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.anything(),
);

/** A config with random state reachable through the setters. */
const anyConfig: fc.Arbitrary<Config> = fc
  .record({
    g: fc.option(fc.constantFrom(Granularity.BYTE, Granularity.CACHE_LINE, Granularity.PAGE)),
    offset: fc.bigInt({ min: 0n, max: INT64_MAX }),
    length: fc.bigInt({ min: 0n, max: UINT64_MAX }),
    sharing: fc.constantFrom(Sharing.SHARED, Sharing.PRIVATE),
  })
  .map(({ g, offset, length, sharing }) => {
    const cfg = new Config().setOffset(offset).setLength(length).setSharing(sharing);
    return g === null ? cfg : cfg.setRequiredStoreGranularity(g);
  });

describe('setters on random input', () => {
  it('setRequiredStoreGranularity: ok for 0..2, else GRANULARITY_NOT_SUPPORTED', () => {
    fc.assert(
      fc.property(anyConfig, anyInput, (cfg, g) => {
        const before = snapshot(cfg);
        const got = outcome(() => cfg.setRequiredStoreGranularity(g as Granularity));
        const valid = g === 0 || g === 1 || g === 2;
        expect(got).toBe(valid ? 'ok' : 'PMEM2_E_GRANULARITY_NOT_SUPPORTED');
        if (valid) expect(cfg.requiredStoreGranularity).toBe(g);
        else expect(snapshot(cfg)).toEqual(before);
      }),
      RUNS,
    );
  });

  it('setOffset: ok for an exact 0..INT64_MAX, else OFFSET_OUT_OF_RANGE', () => {
    fc.assert(
      fc.property(anyConfig, anyInput, (cfg, offset) => {
        const before = snapshot(cfg);
        const got = outcome(() => cfg.setOffset(offset as number));
        const valid = isSizeT(offset) && BigInt(offset) <= INT64_MAX;
        expect(got).toBe(valid ? 'ok' : 'PMEM2_E_OFFSET_OUT_OF_RANGE');
        if (valid) expect(cfg.offset).toBe(BigInt(offset));
        else expect(snapshot(cfg)).toEqual(before);
      }),
      RUNS,
    );
  });

  it('setLength: ok for any exact size_t, else LENGTH_OUT_OF_RANGE', () => {
    fc.assert(
      fc.property(anyConfig, anyInput, (cfg, length) => {
        const before = snapshot(cfg);
        const got = outcome(() => cfg.setLength(length as number));
        const valid = isSizeT(length);
        expect(got).toBe(valid ? 'ok' : 'PMEM2_E_LENGTH_OUT_OF_RANGE');
        if (valid) expect(cfg.length).toBe(BigInt(length));
        else expect(snapshot(cfg)).toEqual(before);
      }),
      RUNS,
    );
  });

  it('setProtection: ok when only bits 29..31 are set, else INVALID_PROT_FLAG', () => {
    const flags = fc.oneof(
      anyInput,
      fc.subarray([2 ** 29, 2 ** 30, 2 ** 31]).map((bits) => bits.reduce((a, b) => a + b, 0)),
      fc.integer({ min: 0, max: 7 }).map((bits) => (bits << 29) | 0),
      fc.nat(31).map((bit) => 2 ** bit),
    );
    fc.assert(
      fc.property(anyConfig, flags, (cfg, prot) => {
        const before = snapshot(cfg);
        const got = outcome(() => cfg.setProtection(prot as number));
        // C's unsigned: the 32 bits of an integer from -2^31 to 2^32 - 1
        const unsigned =
          Number.isInteger(prot) && (prot as number) >= -(2 ** 31) && (prot as number) < 2 ** 32
            ? ((prot as number) + 2 ** 32) % 2 ** 32
            : undefined;
        const valid = unsigned !== undefined && unsigned % 2 ** 29 === 0;
        expect(got).toBe(valid ? 'ok' : 'PMEM2_E_INVALID_PROT_FLAG');
        if (valid) expect(cfg.protection).toBe(unsigned);
        else expect(snapshot(cfg)).toEqual(before);
      }),
      RUNS,
    );
  });

  it('setSharing: ok for 0 and 1, else INVALID_SHARING_VALUE', () => {
    fc.assert(
      fc.property(anyConfig, anyInput, (cfg, sharing) => {
        const before = snapshot(cfg);
        const got = outcome(() => cfg.setSharing(sharing as Sharing));
        const valid = sharing === 0 || sharing === 1;
        expect(got).toBe(valid ? 'ok' : 'PMEM2_E_INVALID_SHARING_VALUE');
        if (valid) expect(cfg.sharing).toBe(sharing);
        else expect(snapshot(cfg)).toEqual(before);
      }),
      RUNS,
    );
  });

  it('setVmReservation: ok for null or a reservation with a size_t offset', () => {
    const rsv: VmReservationLike = { address: 0x7f00_0000_0000n, size: 1 << 30 };
    const reservation = fc.oneof(fc.constant(null), fc.constant(rsv), fc.anything());
    fc.assert(
      fc.property(anyConfig, reservation, anyInput, (cfg, r, offset) => {
        const before = snapshot(cfg);
        const got = outcome(() => cfg.setVmReservation(r as VmReservationLike, offset as number));
        const rsvOk = r === null || (typeof r === 'object' && 'address' in r && 'size' in r);
        const expected = !rsvOk
          ? 'PMEM2_E_NOSUPP'
          : isSizeT(offset)
            ? 'ok'
            : 'PMEM2_E_OFFSET_OUT_OF_RANGE';
        expect(got).toBe(expected);
        if (expected === 'ok') {
          expect(cfg.vmReservation).toBe(r);
          expect(cfg.vmReservationOffset).toBe(BigInt(offset as number | bigint));
        } else {
          expect(snapshot(cfg)).toEqual(before);
        }
      }),
      RUNS,
    );
  });

  it('toSize: returns the exact value of a size_t, else throws the given code', () => {
    fc.assert(
      fc.property(anyInput, (value) => {
        let result: bigint | undefined;
        const got = outcome(() => {
          result = toSize(value as number, 'size', PMEM2_E.LENGTH_OUT_OF_RANGE);
        });
        expect(got).toBe(isSizeT(value) ? 'ok' : 'PMEM2_E_LENGTH_OUT_OF_RANGE');
        if (isSizeT(value)) expect(result).toBe(BigInt(value));
      }),
      RUNS,
    );
  });
});

/**
 * libpmem2 1.12.1's pmem2_config_validate_length, with C's size_t arithmetic written out:
 * the sum wraps modulo 2^64 and the overflow is seen as `end < offset`.
 */
function cValidateLength(offset: bigint, length: bigint, fileLen: bigint, align: bigint): string {
  if (fileLen === 0n) return 'PMEM2_E_SOURCE_EMPTY';
  if (length % align !== 0n) return 'PMEM2_E_LENGTH_UNALIGNED';
  const end = (offset + length) & UINT64_MAX;
  if (end < offset) return 'PMEM2_E_MAP_RANGE';
  if (end > fileLen) return 'PMEM2_E_MAP_RANGE';
  return 'ok';
}

/** Alignments: powers of two (what sources give), small odd values and random size_t. */
const alignment: fc.Arbitrary<bigint> = fc.oneof(
  fc.nat(63).map((k) => 2n ** BigInt(k)),
  fc.bigInt({ min: 1n, max: 4097n }),
  fc.bigInt({ min: 1n, max: UINT64_MAX }),
);

/** Sizes near the interesting boundaries: small, page multiples, near 2^63 and 2^64. */
const size: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: 1n << 24n }),
  fc.bigInt({ min: 0n, max: 1n << 40n }).map((n) => n * 4096n),
  fc.bigInt({ min: 0n, max: UINT64_MAX }),
  fc.bigInt({ min: UINT64_MAX - (1n << 20n), max: UINT64_MAX }),
  fc.constantFrom(0n, 4096n, INT64_MAX, INT64_MAX + 1n, UINT64_MAX),
);

describe('validators on random input', () => {
  it('validateGranularitySet: GRANULARITY_NOT_SET exactly when none was set', () => {
    fc.assert(
      fc.property(anyConfig, (cfg) => {
        const got = outcome(() => validateGranularitySet(cfg));
        expect(got).toBe(
          cfg.requiredStoreGranularity === undefined ? 'PMEM2_E_GRANULARITY_NOT_SET' : 'ok',
        );
      }),
      RUNS,
    );
  });

  it('validateOffset: OFFSET_UNALIGNED exactly when offset % alignment != 0', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: INT64_MAX }),
        alignment,
        fc.boolean(),
        (raw, align, roundDown) => {
          const offset = roundDown ? raw - (raw % align) : raw;
          const cfg = new Config().setOffset(offset);
          const got = outcome(() => validateOffset(cfg, align));
          expect(got).toBe(offset % align === 0n ? 'ok' : 'PMEM2_E_OFFSET_UNALIGNED');
        },
      ),
      RUNS,
    );
  });

  it('validateOffset: a non-size_t or zero alignment gives INVALID_ALIGNMENT_VALUE', () => {
    fc.assert(
      fc.property(anyConfig, anyInput, (cfg, align) => {
        const got = outcome(() => validateOffset(cfg, align as number));
        if (!isSizeT(align) || BigInt(align) === 0n) {
          expect(got).toBe('PMEM2_E_INVALID_ALIGNMENT_VALUE');
        } else {
          expect(got).toBe(cfg.offset % BigInt(align) === 0n ? 'ok' : 'PMEM2_E_OFFSET_UNALIGNED');
        }
      }),
      RUNS,
    );
  });

  it('validateLength: the same result as C, with size_t wrap-around', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: INT64_MAX }),
        size,
        size,
        alignment,
        fc.boolean(),
        (offset, rawLength, fileLen, align, alignLength) => {
          const length = alignLength ? rawLength - (rawLength % align) : rawLength;
          const cfg = new Config().setOffset(offset).setLength(length);
          const got = outcome(() => validateLength(cfg, fileLen, align));
          expect(got).toBe(cValidateLength(offset, length, fileLen, align));
        },
      ),
      RUNS,
    );
  });

  it('validateLength: non-size_t arguments give LENGTH_OUT_OF_RANGE / INVALID_ALIGNMENT_VALUE', () => {
    fc.assert(
      fc.property(anyConfig, anyInput, anyInput, (cfg, fileLen, align) => {
        const got = outcome(() => validateLength(cfg, fileLen as number, align as number));
        if (!isSizeT(fileLen)) expect(got).toBe('PMEM2_E_LENGTH_OUT_OF_RANGE');
        else if (!isSizeT(align) || BigInt(align) === 0n) {
          expect(got).toBe('PMEM2_E_INVALID_ALIGNMENT_VALUE');
        } else {
          expect(got).toBe(cValidateLength(cfg.offset, cfg.length, BigInt(fileLen), BigInt(align)));
        }
      }),
      RUNS,
    );
  });
});
