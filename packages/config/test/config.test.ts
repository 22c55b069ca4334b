// config.test.ts -- Config and its setters (PMDK src/test/pmem2_config, plus the TS-only inputs)

import { PMEM2_E } from '@pmem2/errors';
import { catchPmem2 } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { Config, Granularity, Protection, Sharing, type VmReservationLike } from '../src/index.js';
import { snapshot } from './helpers.js';

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const UT_MMAP_ALIGN = 4096n;

/** A config with every field changed from its default. */
function changedConfig(): Config {
  const rsv: VmReservationLike = { address: 0x7f0000000000n, size: 1 << 21 };
  return new Config()
    .setRequiredStoreGranularity(Granularity.CACHE_LINE)
    .setOffset(8192)
    .setLength(12288n)
    .setProtection(Protection.READ)
    .setSharing(Sharing.PRIVATE)
    .setVmReservation(rsv, 4096);
}

describe('Config (pmem2_config_new / pmem2_config_delete)', () => {
  it('test_cfg_create_and_delete_valid: new and delete succeed', () => {
    const cfg = new Config();
    expect(cfg).toBeInstanceOf(Config);
    expect(cfg.delete()).toBeUndefined();
  });

  it('has libpmem2 defaults (pmem2_config_init)', () => {
    const cfg = new Config();
    expect(cfg.requiredStoreGranularity).toBeUndefined();
    expect(cfg.offset).toBe(0n);
    expect(cfg.length).toBe(0n);
    expect(cfg.protection).toBe(0xc000_0000);
    expect(cfg.protection).toBe((Protection.READ | Protection.WRITE) >>> 0);
    expect(cfg.sharing).toBe(Sharing.SHARED);
    expect(cfg.vmReservation).toBeNull();
    expect(cfg.vmReservationOffset).toBe(0n);
  });

  it('test_delete_null_config: delete twice and dispose are harmless no-ops', () => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    cfg.delete();
    cfg.delete();
    cfg[Symbol.dispose]();
    expect(snapshot(cfg)).toEqual(before);
    expect(cfg.setLength(4096).length).toBe(4096n);
  });

  it('works with `using`-style disposal', () => {
    const cfg = new Config();
    expect(typeof cfg[Symbol.dispose]).toBe('function');
    expect(() => cfg[Symbol.dispose]()).not.toThrow();
  });

  it('setters return this for chaining', () => {
    const cfg = new Config();
    expect(cfg.setRequiredStoreGranularity(Granularity.PAGE)).toBe(cfg);
    expect(cfg.setOffset(0)).toBe(cfg);
    expect(cfg.setLength(0)).toBe(cfg);
    expect(cfg.setProtection(Protection.NONE)).toBe(cfg);
    expect(cfg.setSharing(Sharing.SHARED)).toBe(cfg);
    expect(cfg.setVmReservation(null, 0)).toBe(cfg);
  });

  it('keeps separate state per instance', () => {
    const a = changedConfig();
    const b = new Config();
    expect(b.offset).toBe(0n);
    expect(a.offset).toBe(8192n);
  });
});

describe('setRequiredStoreGranularity (pmem2_config_set_required_store_granularity)', () => {
  it('test_config_set_granularity_valid: accepts BYTE, CACHE_LINE and PAGE, and replaces', () => {
    const cfg = new Config();
    expect(cfg.requiredStoreGranularity).toBeUndefined();
    cfg.setRequiredStoreGranularity(Granularity.BYTE);
    expect(cfg.requiredStoreGranularity).toBe(0);
    cfg.setRequiredStoreGranularity(Granularity.PAGE);
    expect(cfg.requiredStoreGranularity).toBe(2);
    cfg.setRequiredStoreGranularity(Granularity.CACHE_LINE);
    expect(cfg.requiredStoreGranularity).toBe(1);
  });

  it('test_config_set_granularity_invalid: 999 gives PMEM2_E_GRANULARITY_NOT_SUPPORTED', () => {
    const e = catchPmem2(() => new Config().setRequiredStoreGranularity(999 as Granularity));
    expect(e.code).toBe('PMEM2_E_GRANULARITY_NOT_SUPPORTED');
    expect(e.errno).toBe(PMEM2_E.GRANULARITY_NOT_SUPPORTED);
    expect(e.libpmem2Message).toBe('unknown granularity value 999');
    expect(e.message).toContain('999');
  });

  it.each([
    [-1, 'unknown granularity value -1'],
    [3, 'unknown granularity value 3'],
    [-(2 ** 31), 'unknown granularity value -2147483648'],
    [2 ** 31 - 1, 'unknown granularity value 2147483647'],
    [2 ** 31, ''],
    [0.5, ''],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
    ['1', ''],
    [1n, ''],
    [null, ''],
    [undefined, ''],
  ])('refuses %s with PMEM2_E_GRANULARITY_NOT_SUPPORTED', (value, text) => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    const e = catchPmem2(() => cfg.setRequiredStoreGranularity(value as unknown as Granularity));
    expect(e.code).toBe('PMEM2_E_GRANULARITY_NOT_SUPPORTED');
    expect(e.errno).toBe(-100009);
    expect(e.libpmem2Message).toBe(text);
    expect(snapshot(cfg)).toEqual(before);
  });
});

describe('setOffset (pmem2_config_set_offset)', () => {
  it('test_set_offset_too_large: INT64_MAX + 1 gives PMEM2_E_OFFSET_OUT_OF_RANGE', () => {
    const e = catchPmem2(() => new Config().setOffset(INT64_MAX + 1n));
    expect(e.code).toBe('PMEM2_E_OFFSET_OUT_OF_RANGE');
    expect(e.errno).toBe(PMEM2_E.OFFSET_OUT_OF_RANGE);
    expect(e.libpmem2Message).toBe('offset is greater than INT64_MAX');
    expect(e.message).toContain('9223372036854775808');
  });

  it('test_set_offset_success: stores the offset', () => {
    expect(new Config().setOffset(UT_MMAP_ALIGN).offset).toBe(UT_MMAP_ALIGN);
    expect(new Config().setOffset(Number(UT_MMAP_ALIGN)).offset).toBe(UT_MMAP_ALIGN);
  });

  it('test_set_offset_max: the largest aligned offset and INT64_MAX itself are accepted', () => {
    const aligned = (INT64_MAX / UT_MMAP_ALIGN) * UT_MMAP_ALIGN;
    expect(new Config().setOffset(aligned).offset).toBe(aligned);
    expect(new Config().setOffset(INT64_MAX).offset).toBe(INT64_MAX);
  });

  it('accepts 0, -0 and the largest safe integer number', () => {
    expect(new Config().setOffset(0).offset).toBe(0n);
    expect(new Config().setOffset(-0).offset).toBe(0n);
    expect(new Config().setOffset(Number.MAX_SAFE_INTEGER).offset).toBe(2n ** 53n - 1n);
  });

  it.each([
    [INT64_MAX + 1n],
    [UINT64_MAX],
    [UINT64_MAX + 1n],
    [-1],
    [-1n],
    [-(2n ** 63n)],
    [-Number.MAX_SAFE_INTEGER],
  ])('refuses the integer %s with the C message (as size_t it exceeds INT64_MAX)', (value) => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    const e = catchPmem2(() => cfg.setOffset(value));
    expect(e.code).toBe('PMEM2_E_OFFSET_OUT_OF_RANGE');
    expect(e.errno).toBe(-100010);
    expect(e.libpmem2Message).toBe('offset is greater than INT64_MAX');
    expect(snapshot(cfg)).toEqual(before);
  });

  it('names the size_t C would see for a negative offset', () => {
    expect(catchPmem2(() => new Config().setOffset(-1)).message).toContain('18446744073709551615');
  });

  it.each([
    [0.5],
    [4096.1],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [Number.NEGATIVE_INFINITY],
    [2 ** 53],
    [2 ** 63],
    ['4096'],
    [null],
    [undefined],
    [{}],
  ])('refuses %s (not expressible as size_t) with an empty libpmem2 message', (value) => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    const e = catchPmem2(() => cfg.setOffset(value as unknown as number));
    expect(e.code).toBe('PMEM2_E_OFFSET_OUT_OF_RANGE');
    expect(e.libpmem2Message).toBe('');
    expect(snapshot(cfg)).toEqual(before);
  });

  it('tells the user to pass an unsafe number as a bigint', () => {
    expect(catchPmem2(() => new Config().setOffset(2 ** 53)).message).toContain('bigint');
  });
});

describe('setLength (pmem2_config_set_length)', () => {
  it('test_set_length_success: stores any length', () => {
    expect(new Config().setLength(UT_MMAP_ALIGN).length).toBe(UT_MMAP_ALIGN);
    expect(new Config().setLength(1).length).toBe(1n);
    expect(new Config().setLength(0).length).toBe(0n);
    expect(new Config().setLength(INT64_MAX + 1n).length).toBe(INT64_MAX + 1n);
    expect(new Config().setLength(UINT64_MAX).length).toBe(UINT64_MAX);
  });

  it.each([
    [-1],
    [-1n],
    [-4096],
    [UINT64_MAX + 1n],
    [0.5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [2 ** 53],
    ['4096'],
    [null],
    [false],
  ])('refuses %s with PMEM2_E_LENGTH_OUT_OF_RANGE and keeps the config', (value) => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    const e = catchPmem2(() => cfg.setLength(value as unknown as number));
    expect(e.code).toBe('PMEM2_E_LENGTH_OUT_OF_RANGE');
    expect(e.errno).toBe(-100030);
    expect(e.libpmem2Message).toBe('');
    expect(snapshot(cfg)).toEqual(before);
  });
});

describe('setSharing (pmem2_config_set_sharing)', () => {
  it('test_set_sharing_valid: default SHARED, PRIVATE accepted', () => {
    const cfg = new Config();
    expect(cfg.sharing).toBe(Sharing.SHARED);
    expect(cfg.setSharing(Sharing.PRIVATE).sharing).toBe(1);
    expect(cfg.setSharing(Sharing.SHARED).sharing).toBe(0);
  });

  it('test_set_sharing_invalid: 777 gives PMEM2_E_INVALID_SHARING_VALUE', () => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    const e = catchPmem2(() => cfg.setSharing(777 as Sharing));
    expect(e.code).toBe('PMEM2_E_INVALID_SHARING_VALUE');
    expect(e.errno).toBe(PMEM2_E.INVALID_SHARING_VALUE);
    expect(e.libpmem2Message).toBe('unknown sharing value 777');
    expect(snapshot(cfg)).toEqual(before);
  });

  it.each([
    [-1, 'unknown sharing value -1'],
    [2, 'unknown sharing value 2'],
    [2 ** 31, ''],
    [1.5, ''],
    [Number.NaN, ''],
    ['1', ''],
    [0n, ''],
    [undefined, ''],
  ])('refuses %s with PMEM2_E_INVALID_SHARING_VALUE', (value, text) => {
    const e = catchPmem2(() => new Config().setSharing(value as unknown as Sharing));
    expect(e.code).toBe('PMEM2_E_INVALID_SHARING_VALUE');
    expect(e.libpmem2Message).toBe(text);
  });
});

describe('setProtection (pmem2_config_set_protection)', () => {
  it('test_set_valid_prot_flag: READ, WRITE, EXEC, NONE and WRITE|READ|EXEC', () => {
    const cfg = new Config();
    expect(cfg.setProtection(Protection.READ).protection).toBe(2 ** 30);
    expect(cfg.setProtection(Protection.WRITE).protection).toBe(2 ** 31);
    expect(cfg.setProtection(Protection.EXEC).protection).toBe(2 ** 29);
    expect(cfg.setProtection(Protection.NONE).protection).toBe(0);
    const all = Protection.WRITE | Protection.READ | Protection.EXEC;
    expect(all).toBeLessThan(0); // JavaScript's | is signed 32-bit
    expect(cfg.setProtection(all).protection).toBe(0xe000_0000);
    expect(cfg.setProtection(0xe000_0000).protection).toBe(0xe000_0000);
    expect(cfg.setProtection(Protection.READ + Protection.WRITE).protection).toBe(0xc000_0000);
  });

  it('test_set_invalid_prot_flag: PROT_WRITE (2) gives PMEM2_E_INVALID_PROT_FLAG, config kept', () => {
    const cfg = new Config();
    const e = catchPmem2(() => cfg.setProtection(2));
    expect(e.code).toBe('PMEM2_E_INVALID_PROT_FLAG');
    expect(e.errno).toBe(PMEM2_E.INVALID_PROT_FLAG);
    expect(e.libpmem2Message).toBe('invalid flag 2');
    expect(cfg.protection).toBe((Protection.READ | Protection.WRITE) >>> 0);
  });

  it.each([
    [1, 'invalid flag 1'],
    [1 << 28, 'invalid flag 268435456'],
    [0x1fff_ffff, 'invalid flag 536870911'],
    [0xffff_ffff, 'invalid flag 4294967295'],
    [-1, 'invalid flag 4294967295'],
    [Protection.READ | 4, 'invalid flag 1073741828'],
    [2 ** 32, ''],
    [-(2 ** 31) - 1, ''],
    [0.5, ''],
    [Number.NaN, ''],
    [2n ** 30n, ''],
    ['0', ''],
    [null, ''],
  ])('refuses %s with PMEM2_E_INVALID_PROT_FLAG', (value, text) => {
    const cfg = changedConfig();
    const before = snapshot(cfg);
    const e = catchPmem2(() => cfg.setProtection(value as unknown as number));
    expect(e.code).toBe('PMEM2_E_INVALID_PROT_FLAG');
    expect(e.libpmem2Message).toBe(text);
    expect(snapshot(cfg)).toEqual(before);
  });
});

describe('setVmReservation (pmem2_config_set_vm_reservation)', () => {
  const rsv: VmReservationLike = { address: 0x7f12_3456_0000n, size: 16 << 20 };

  it('stores the reservation and the offset, and null clears the reservation', () => {
    const cfg = new Config().setVmReservation(rsv, 2n << 20n);
    expect(cfg.vmReservation).toBe(rsv);
    expect(cfg.vmReservationOffset).toBe(2n << 20n);
    cfg.setVmReservation(null, 4096);
    expect(cfg.vmReservation).toBeNull();
    expect(cfg.vmReservationOffset).toBe(4096n);
  });

  it('checks nothing against the reservation, like libpmem2 (unaligned, beyond the end)', () => {
    const cfg = new Config().setVmReservation(rsv, UINT64_MAX);
    expect(cfg.vmReservationOffset).toBe(UINT64_MAX);
    expect(cfg.setVmReservation(rsv, 1).vmReservationOffset).toBe(1n);
  });

  it('does not read the reservation properties (a deleted reservation may refuse them)', () => {
    const guarded = {
      get address(): bigint {
        throw new Error('address read');
      },
      get size(): number {
        throw new Error('size read');
      },
    };
    expect(new Config().setVmReservation(guarded, 0).vmReservation).toBe(guarded);
  });

  it.each([[-1], [UINT64_MAX + 1n], [0.5], [Number.NaN], [2 ** 53], ['0'], [undefined]])(
    'refuses the offset %s with PMEM2_E_OFFSET_OUT_OF_RANGE and keeps the config',
    (offset) => {
      const cfg = changedConfig();
      const before = snapshot(cfg);
      const e = catchPmem2(() => cfg.setVmReservation(rsv, offset as unknown as number));
      expect(e.code).toBe('PMEM2_E_OFFSET_OUT_OF_RANGE');
      expect(e.libpmem2Message).toBe('');
      expect(snapshot(cfg)).toEqual(before);
    },
  );

  it.each([[undefined], [0], ['rsv'], [{ address: 1n }], [{ size: 1 }], [[]]])(
    'refuses the reservation %s with PMEM2_E_NOSUPP and keeps the config',
    (reservation) => {
      const cfg = changedConfig();
      const before = snapshot(cfg);
      const e = catchPmem2(() =>
        cfg.setVmReservation(reservation as unknown as VmReservationLike, 4096),
      );
      expect(e.code).toBe('PMEM2_E_NOSUPP');
      expect(e.errno).toBe(PMEM2_E.NOSUPP);
      expect(e.libpmem2Message).toBe('');
      expect(snapshot(cfg)).toEqual(before);
    },
  );
});

describe('enums', () => {
  it('have the values of libpmem2/base.h', () => {
    expect(Granularity).toEqual({ BYTE: 0, CACHE_LINE: 1, PAGE: 2 });
    expect(Sharing).toEqual({ SHARED: 0, PRIVATE: 1 });
    expect(Protection).toEqual({
      NONE: 0,
      EXEC: 0x2000_0000,
      READ: 0x4000_0000,
      WRITE: 0x8000_0000,
    });
  });
});
