// oracle.test.ts -- first-error behaviour of mapNew / VmReservation.new against the real
// libpmem2 for a handful of scenarios (the full conformance run lives in tools/conformance)

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config, Granularity, Sharing } from '@pmem2/config';
import { isPmem2Error } from '@pmem2/errors';
import { Source } from '@pmem2/source';
import { buildOracle } from '@pmem2/test-kit';
import { describe, expect, it, vi } from 'vitest';
import { mapNew, type Pmem2Map, VmReservation } from '../src/index.js';
import { MiB, makeFile, openSource } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const oracle = buildOracle(join(here, 'fixtures', 'oracle.c'), { what: 'map oracle tests' });

/** One scenario's outcome, as oracle.c prints it. */
function line(ret: number, message: string, map: Pmem2Map | undefined): string {
  const result = `${ret}|${message}|${map?.size ?? 0}|${map?.storeGranularity ?? -1}`;
  map?.delete();
  return result;
}

/** Runs the scenario of oracle.c named `name` in TypeScript. */
function runTs(name: string, path: string): string {
  const cfg = new Config();
  if (name !== 'granularity_not_set') cfg.setRequiredStoreGranularity(Granularity.PAGE);
  let rsv: VmReservation | undefined;
  const cases: Record<string, () => void> = {
    granularity_not_set: () => cfg.setOffset(1),
    offset_unaligned: () => cfg.setOffset(1024),
    length_unaligned: () => cfg.setLength(3 * 1024),
    past_end: () => cfg.setOffset(8 * MiB).setLength(12 * MiB),
    overflow: () => cfg.setOffset(2n ** 63n - 4096n).setLength(2n ** 64n - 4096n),
    offset_at_end: () => cfg.setOffset(16 * MiB),
    byte_required: () => cfg.setRequiredStoreGranularity(Granularity.BYTE),
    cache_line_required: () => cfg.setRequiredStoreGranularity(Granularity.CACHE_LINE),
    private_byte: () =>
      cfg.setRequiredStoreGranularity(Granularity.BYTE).setSharing(Sharing.PRIVATE),
    anon_offset: () => cfg.setOffset(4096),
    anon_past_end: () => cfg.setOffset(4096).setLength(16 * MiB),
    rsv_offset_unaligned: () => {
      rsv = VmReservation.new(32 * MiB);
      cfg.setVmReservation(rsv, 100);
    },
    rsv_too_small: () => {
      rsv = VmReservation.new(8 * MiB);
      cfg.setVmReservation(rsv, 0);
    },
    rsv_offset_and_space: () => {
      rsv = VmReservation.new(4 * MiB);
      cfg.setVmReservation(rsv, 1);
    },
    ok: () => undefined,
    rdonly_shared: () => undefined,
  };
  try {
    if (name === 'rsv_size_unaligned') {
      VmReservation.new(16 * MiB - 1);
      return line(0, '', undefined);
    }
    cases[name]?.();
    const source = name.startsWith('anon') ? Source.fromAnon(16 * MiB) : undefined;
    using file =
      source === undefined ? openSource(path, name === 'rdonly_shared' ? 'r' : 'r+') : undefined;
    return line(0, '', mapNew(cfg, source ?? (file as NonNullable<typeof file>).source));
  } catch (error) {
    if (!isPmem2Error(error)) throw error;
    return line(error.errno, error.libpmem2Message, undefined);
  } finally {
    rsv?.delete();
  }
}

/** C prints pointers to its own structs where TypeScript prints addresses: compare the shape. */
const maskPointers = (text: string) => text.replace(/0x[0-9a-f]+/g, '0x…');

const SCENARIOS: Array<[string, number]> = [
  ['granularity_not_set', 16 * MiB],
  ['offset_unaligned', 16 * MiB],
  ['length_unaligned', 3 * 1024],
  ['past_end', 16 * MiB],
  ['overflow', 16 * MiB],
  ['offset_at_end', 16 * MiB],
  ['byte_required', 16 * MiB],
  ['cache_line_required', 16 * MiB],
  ['private_byte', 16 * MiB],
  ['rdonly_shared', 16 * MiB],
  ['anon_offset', 16 * MiB],
  ['anon_past_end', 16 * MiB],
  ['rsv_size_unaligned', 16 * MiB],
  ['rsv_offset_unaligned', 16 * MiB],
  ['rsv_too_small', 16 * MiB],
  ['rsv_offset_and_space', 16 * MiB],
  ['ok', 5000],
];

describe.runIf(oracle !== undefined)('mapNew first error = libpmem2 1.12.1 first error', () => {
  it.each(SCENARIOS)('%s', (name, fileSize) => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    const path = makeFile('ext4', fileSize);
    const env = { ...process.env };
    delete env.PMEM2_FORCE_GRANULARITY;
    const c = execFileSync(oracle as string, [name, path], { encoding: 'utf8', env }).trim();
    const ts = runTs(name, path);
    expect(maskPointers(ts)).toBe(maskPointers(c));
    vi.unstubAllEnvs();
  });

  it.each(['byte', 'CaChe_line', 'PAGE', 'bogus'])(
    'PMEM2_FORCE_GRANULARITY=%s gives the same granularity',
    (force) => {
      vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
      const path = makeFile('ext4', 16 * MiB);
      const c = execFileSync(oracle as string, ['ok', path], {
        encoding: 'utf8',
        env: { ...process.env, PMEM2_FORCE_GRANULARITY: force },
      }).trim();
      expect(runTs('ok', path)).toBe(c);
      vi.unstubAllEnvs();
    },
  );
});
