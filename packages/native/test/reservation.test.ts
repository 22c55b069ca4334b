// reservation.test.ts -- reservationNew/Extend/Shrink/Delete and native occupancy of maps inside

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ReservationHandle } from '../src/index.js';
import {
  binding,
  E,
  failedStep,
  MiB,
  mapNew,
  mappedOf,
  mapsLineAt,
  PAGE,
  PROT_RW,
} from './helpers.js';

/** A reservation of `size` bytes (asserts a handle). */
function reserve(size: number, address: bigint | null = null): ReservationHandle {
  const rsv = binding.reservationNew(BigInt(size), address);
  if (typeof rsv === 'number') throw new Error(`reservationNew failed with ${rsv}`);
  return rsv;
}

/** The /proc/self/maps line covering addr. */
function lineAt(addr: bigint): string | undefined {
  return mapsLineAt(addr, readFileSync('/proc/self/maps', 'utf8'));
}

describe('reservationNew', () => {
  it('reserves PROT_NONE address space aligned to 2 MiB', () => {
    const rsv = reserve(4 * MiB);
    const addr = binding.reservationAddress(rsv);
    expect(addr % BigInt(2 * MiB)).toBe(0n);
    expect(binding.reservationSize(rsv)).toBe(BigInt(4 * MiB));
    expect(lineAt(addr)).toMatch(/ ---p /);
    expect(lineAt(addr + BigInt(4 * MiB - 1))).toMatch(/ ---p /);
    expect(binding.reservationDelete(rsv)).toBe(0);
    expect(lineAt(addr)).toBeUndefined();
  });

  it('checks address and size alignment in libpmem2 order', () => {
    expect(binding.reservationNew(BigInt(PAGE), 1n)).toBe(E.ADDRESS_UNALIGNED);
    expect(binding.reservationNew(BigInt(PAGE + 1), null)).toBe(E.LENGTH_UNALIGNED);
  });

  it('at a given address uses MAP_FIXED_NOREPLACE: an occupied address gives MAPPING_EXISTS', () => {
    const first = reserve(2 * MiB);
    const addr = binding.reservationAddress(first);
    expect(binding.reservationNew(BigInt(2 * MiB), addr)).toBe(E.MAPPING_EXISTS);
    expect(binding.reservationDelete(first)).toBe(0);
    const again = reserve(2 * MiB, addr);
    expect(binding.reservationAddress(again)).toBe(addr);
    expect(binding.reservationDelete(again)).toBe(0);
  });
});

describe('maps inside a reservation', () => {
  it('maps at the offset, refuses overlaps natively and mends the range on delete', () => {
    const rsv = reserve(4 * MiB);
    const base = binding.reservationAddress(rsv);
    const map = mapNew(-1, 0n, BigInt(2 * PAGE), PROT_RW, false, PAGE, rsv, BigInt(PAGE));
    if (typeof map === 'number') throw new Error(String(map));
    expect(mappedOf(map).address).toBe(base + BigInt(PAGE));
    expect(lineAt(base + BigInt(PAGE))).toMatch(/ rw-s /);
    // overlapping the second page of the map
    expect(mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, BigInt(2 * PAGE))).toBe(
      E.MAPPING_EXISTS,
    );
    expect(binding.reservationDelete(rsv)).toBe(E.VM_RESERVATION_NOT_EMPTY);
    expect(binding.reservationShrink(rsv, 0n, BigInt(2 * MiB))).toBe(E.VM_RESERVATION_NOT_EMPTY);
    // adjacent is fine
    const next = mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, BigInt(3 * PAGE));
    expect(typeof next).toBe('object');
    if (typeof next === 'number') return;
    expect(binding.mapDelete(map)).toBe(0);
    expect(lineAt(base + BigInt(PAGE))).toMatch(/ ---p /);
    expect(binding.mapDelete(next)).toBe(0);
    expect(binding.reservationDelete(rsv)).toBe(0);
    expect(binding.reservationDelete(rsv)).toBe(E.MAPPING_NOT_FOUND);
  });

  it('re-checks the offset alignment, the bounds and the address alignment', () => {
    const rsv = reserve(2 * MiB);
    expect(mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, 1n)).toBe(E.OFFSET_UNALIGNED);
    expect(
      mapNew(-1, 0n, BigInt(PAGE + 1), PROT_RW, false, PAGE, rsv, BigInt(2 * MiB - PAGE)),
    ).toBe(E.LENGTH_OUT_OF_RANGE);
    expect(mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, 2n ** 63n)).toBe(
      E.LENGTH_OUT_OF_RANGE,
    );
    expect(mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, 2 * MiB, rsv, BigInt(PAGE))).toBe(
      E.ADDRESS_UNALIGNED,
    );
    expect(binding.reservationDelete(rsv)).toBe(0);
    expect(mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, 0n)).toBe(E.MAPPING_NOT_FOUND);
  });

  it('a failed mmap inside the reservation leaves the range PROT_NONE and unoccupied', () => {
    const rsv = reserve(2 * MiB);
    const base = binding.reservationAddress(rsv);
    expect(mapNew(1_000_000, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, 0n)).toBe(-9);
    expect(lineAt(base)).toMatch(/ ---p /);
    const map = mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, 0n);
    expect(typeof map).toBe('object');
    if (typeof map !== 'number') binding.mapDelete(map);
    expect(binding.reservationDelete(rsv)).toBe(0);
  });

  it('a zero-length map (content length 0) fails with -EINVAL and occupies nothing', () => {
    const rsv = reserve(2 * MiB);
    expect(mapNew(-1, 0n, 0n, PROT_RW, false, PAGE, rsv, 0n)).toBe(-22);
    expect(failedStep()).toBe('mmap');
    const map = mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, 0n);
    expect(typeof map).toBe('object');
    if (typeof map !== 'number') expect(binding.mapDelete(map)).toBe(0);
    expect(binding.reservationDelete(rsv)).toBe(0);
  });
});

describe('reservationExtend and reservationShrink', () => {
  /** A 2 MiB reservation with 14 MiB of address space just freed above it. */
  function reserveWithRoomAbove(): { rsv: ReservationHandle; base: bigint } {
    const rsv = reserve(16 * MiB);
    expect(binding.reservationShrink(rsv, BigInt(2 * MiB), BigInt(14 * MiB))).toBe(0);
    return { rsv, base: binding.reservationAddress(rsv) };
  }

  it('extends at the end and refuses an unaligned size', () => {
    const { rsv, base } = reserveWithRoomAbove();
    expect(binding.reservationExtend(rsv, 1n)).toBe(E.LENGTH_UNALIGNED);
    expect(binding.reservationExtend(rsv, BigInt(4 * MiB))).toBe(0);
    expect(binding.reservationSize(rsv)).toBe(BigInt(6 * MiB));
    expect(lineAt(base + BigInt(6 * MiB - 1))).toMatch(/ ---p /);
    const map = mapNew(-1, 0n, BigInt(PAGE), PROT_RW, false, PAGE, rsv, BigInt(5 * MiB));
    expect(typeof map).toBe('object');
    if (typeof map !== 'number') binding.mapDelete(map);
    expect(binding.reservationDelete(rsv)).toBe(0);
  });

  it('extending into an occupied range gives MAPPING_EXISTS and keeps the size', () => {
    const { rsv, base } = reserveWithRoomAbove();
    const blocker = binding.reservationNew(BigInt(2 * MiB), base + BigInt(4 * MiB));
    expect(typeof blocker).toBe('object');
    expect(binding.reservationExtend(rsv, BigInt(8 * MiB))).toBe(E.MAPPING_EXISTS);
    expect(binding.reservationSize(rsv)).toBe(BigInt(2 * MiB));
    if (typeof blocker !== 'number') binding.reservationDelete(blocker);
    binding.reservationDelete(rsv);
  });

  it('shrinks a prefix or a suffix with the checks of pmem2_vm_reservation_shrink', () => {
    const rsv = reserve(8 * MiB);
    const base = binding.reservationAddress(rsv);
    expect(binding.reservationShrink(rsv, 1n, BigInt(PAGE))).toBe(E.OFFSET_UNALIGNED);
    expect(binding.reservationShrink(rsv, 0n, 1n)).toBe(E.LENGTH_UNALIGNED);
    expect(binding.reservationShrink(rsv, BigInt(8 * MiB), BigInt(PAGE))).toBe(
      E.OFFSET_OUT_OF_RANGE,
    );
    expect(binding.reservationShrink(rsv, 0n, 0n)).toBe(E.LENGTH_OUT_OF_RANGE);
    expect(binding.reservationShrink(rsv, BigInt(PAGE), BigInt(8 * MiB))).toBe(
      E.LENGTH_OUT_OF_RANGE,
    );
    expect(binding.reservationShrink(rsv, BigInt(PAGE), BigInt(PAGE))).toBe(E.NOSUPP);
    expect(binding.reservationShrink(rsv, 0n, BigInt(8 * MiB))).toBe(E.NOSUPP);

    expect(binding.reservationShrink(rsv, 0n, BigInt(2 * MiB))).toBe(0);
    expect(binding.reservationAddress(rsv)).toBe(base + BigInt(2 * MiB));
    expect(binding.reservationSize(rsv)).toBe(BigInt(6 * MiB));
    expect(lineAt(base)).toBeUndefined();
    expect(binding.reservationShrink(rsv, BigInt(4 * MiB), BigInt(2 * MiB))).toBe(0);
    expect(binding.reservationSize(rsv)).toBe(BigInt(4 * MiB));
    expect(lineAt(base + BigInt(6 * MiB))).toBeUndefined();
    expect(lineAt(base + BigInt(6 * MiB - 1))).toMatch(/ ---p /);
    expect(binding.reservationDelete(rsv)).toBe(0);
    expect(lineAt(base + BigInt(2 * MiB))).toBeUndefined();
  });
});
