// granularity.test.ts -- PMDK's pmem2_granularity (3×3 with MAP_SYNC and eADR fixture trees),
// pmem2_granularity_detection and pmem2_integration's test_granularity

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Config, Granularity, Sharing } from '@pmem2/config';
import { autoFlush, Source } from '@pmem2/source';
import { sysfsFixture, tempDir } from '@pmem2/test-kit';
import { describe, expect, it, vi } from 'vitest';
import { decideGranularity, type GranularityFacts, granularityError } from '../src/granularity.js';
import { explainGranularity, forcedGranularity, mapNew } from '../src/index.js';
import { catchPmem2, expectPmem2, makeFile, mappingsOf, openSource, PAGE } from './helpers.js';

/** A fixture sysfs root like PMDK's linux_eadr_paths/eadr_{available,not_available}. */
function sysfsTree(domains: readonly string[]): string {
  const root = tempDir('pmem2-sysfs-');
  const devices = join(root, 'sys', 'bus', 'nd', 'devices');
  mkdirSync(devices, { recursive: true });
  domains.forEach((domain, i) => {
    const target = join(root, 'sys', 'devices', 'ndbus0', `region${i}`);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'persistence_domain'), `${domain}\n`);
    symlinkSync(target, join(devices, `region${i}`));
  });
  return root;
}

/** The test kit's fixture sysfs trees (PMDK's linux_eadr_paths counterparts). */
const EADR_AVAILABLE = () => sysfsFixture('eadr');
const EADR_NOT_AVAILABLE = () => sysfsFixture('mixed-eadr');

const NO_EADR_TEXT =
  "requested granularity not available because the platform doesn't support eADR";
const NO_MAP_SYNC_TEXT =
  "requested granularity not available because fd doesn't point to DAX-enabled file or kernel doesn't support MAP_SYNC flag (Linux >= 4.15)";

const G = Granularity;
const NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'] as const;

/**
 * pmem2_map_new's granularity check over native's decision for facts: the available
 * granularity, or the error native's refusal becomes (libpmem2's text).
 */
function effectiveGranularity(requested: Granularity, facts: GranularityFacts): Granularity {
  const { granularity } = decideGranularity(facts);
  if (granularity > requested) throw granularityError(requested, granularity);
  return granularity;
}

/** A shared file mapping's facts (nothing forced unless given). */
function shared(mapSync: boolean, eADR: () => boolean, forced?: Granularity): GranularityFacts {
  return { anonymous: false, privateMapping: false, forced, mapSync, eADR };
}

/** The machine each column of PMDK's matrix stands for: MAP_SYNC taken, and an eADR tree. */
const AVAILABLE = [
  { available: G.BYTE, mapSync: true, tree: EADR_AVAILABLE },
  { available: G.CACHE_LINE, mapSync: true, tree: EADR_NOT_AVAILABLE },
  { available: G.PAGE, mapSync: false, tree: EADR_NOT_AVAILABLE },
] as const;

describe('pmem2_granularity: requested × available (MAP_SYNC as mapped, eADR from fixture sysfs)', () => {
  for (const column of AVAILABLE) {
    for (const requested of [G.BYTE, G.CACHE_LINE, G.PAGE]) {
      const name = `requested ${NAMES[requested]}, available ${NAMES[column.available]}`;
      it(name, () => {
        vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
        const eADR = autoFlush({ sysfsRoot: column.tree() }) === 1;
        const facts = shared(column.mapSync, () => eADR, forcedGranularity());
        if (column.available <= requested) {
          expect(effectiveGranularity(requested, facts)).toBe(column.available);
          return;
        }
        const text =
          requested === G.BYTE && column.available === G.CACHE_LINE
            ? NO_EADR_TEXT
            : NO_MAP_SYNC_TEXT;
        expectPmem2(
          () => effectiveGranularity(requested, facts),
          'PMEM2_E_GRANULARITY_NOT_SUPPORTED',
          text,
        );
      });
    }
  }

  it('an eADR tree reads as eADR only when every region says cpu_cache', () => {
    expect(autoFlush({ sysfsRoot: EADR_AVAILABLE() })).toBe(1);
    expect(autoFlush({ sysfsRoot: EADR_NOT_AVAILABLE() })).toBe(0);
    expect(autoFlush({ sysfsRoot: sysfsFixture('no-eadr') })).toBe(0);
    expect(autoFlush({ sysfsRoot: sysfsTree(['cpu_cache', 'cpu_cache']) })).toBe(1);
    expect(autoFlush({ sysfsRoot: sysfsTree(['cpu_cache', 'memory_controller']) })).toBe(0);
    expect(autoFlush({ sysfsRoot: sysfsTree([]) })).toBe(0);
  });

  it('an unreadable eADR tree (-1) counts as no eADR, as map_new compares == 1', () => {
    const sysfsRoot = sysfsFixture('eadr-malformed');
    expect(autoFlush({ sysfsRoot })).toBe(-1);
    const eADR = autoFlush({ sysfsRoot }) === 1;
    const facts = shared(true, () => eADR);
    expect(effectiveGranularity(G.CACHE_LINE, facts)).toBe(G.CACHE_LINE);
    expectPmem2(
      () => effectiveGranularity(G.BYTE, facts),
      'PMEM2_E_GRANULARITY_NOT_SUPPORTED',
      NO_EADR_TEXT,
    );
  });

  it('asks for eADR only when it decides: a shared MAP_SYNC mapping with nothing forced', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    const asked: string[] = [];
    const facts = (name: string, mapSync: boolean, sharing: Sharing, anonymous = false) => ({
      anonymous,
      privateMapping: sharing === Sharing.PRIVATE,
      forced: forcedGranularity(),
      eADR: () => {
        asked.push(name);
        return true;
      },
      mapSync,
    });
    expect(effectiveGranularity(G.PAGE, facts('no MAP_SYNC', false, Sharing.SHARED))).toBe(G.PAGE);
    expect(effectiveGranularity(G.PAGE, facts('private', true, Sharing.PRIVATE))).toBe(G.BYTE);
    expect(effectiveGranularity(G.PAGE, facts('anon', false, Sharing.SHARED, true))).toBe(G.BYTE);
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'CACHE_LINE');
    expect(effectiveGranularity(G.PAGE, facts('forced', true, Sharing.SHARED))).toBe(G.CACHE_LINE);
    expect(asked).toEqual([]);
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    expect(effectiveGranularity(G.PAGE, facts('MAP_SYNC', true, Sharing.SHARED))).toBe(G.BYTE);
    expect(asked).toEqual(['MAP_SYNC']);
  });

  it('PAGE column end to end: an ext4 file (no MAP_SYNC) under an eADR tree still offers PAGE', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    vi.stubEnv('PMEM2_SYSFS_ROOT', EADR_AVAILABLE());
    using file = openSource(makeFile('ext4'));
    for (const requested of [G.BYTE, G.CACHE_LINE]) {
      const cfg = new Config().setRequiredStoreGranularity(requested);
      const e = catchPmem2(() => mapNew(cfg, file.source));
      expect(e.code).toBe('PMEM2_E_GRANULARITY_NOT_SUPPORTED');
      expect(e.libpmem2Message).toBe(NO_MAP_SYNC_TEXT);
      expect(mappingsOf(file.path)).toEqual([]);
    }
    using map = mapNew(new Config().setRequiredStoreGranularity(G.PAGE), file.source);
    expect(map.storeGranularity).toBe(G.PAGE);
  });
});

describe('pmem2_integration test_granularity: 3×3 through PMEM2_FORCE_GRANULARITY', () => {
  const forces = ['byte', 'cache_line', 'page'] as const;
  for (const [available, force] of forces.entries()) {
    for (const requested of [G.BYTE, G.CACHE_LINE, G.PAGE]) {
      it(`force ${force}, requested ${NAMES[requested]}`, () => {
        vi.stubEnv('PMEM2_FORCE_GRANULARITY', force);
        using file = openSource(makeFile('tmpfs'));
        const cfg = new Config().setRequiredStoreGranularity(requested);
        if (available <= requested) {
          using map = mapNew(cfg, file.source);
          expect(map.storeGranularity).toBe(available);
        } else {
          expectPmem2(() => mapNew(cfg, file.source), 'PMEM2_E_GRANULARITY_NOT_SUPPORTED');
          expect(mappingsOf(file.path)).toEqual([]);
        }
      });
    }
  }
});

describe('pmem2_granularity_detection: PMEM2_FORCE_GRANULARITY parsing', () => {
  it.each([
    ['page', G.PAGE],
    ['cache_line', G.CACHE_LINE],
    ['CaCHe_Line', G.CACHE_LINE],
    ['CACHELINE', G.CACHE_LINE],
    ['byte', G.BYTE],
    ['BYTE', G.BYTE],
  ])('%s → %s', (value, expected) => {
    expect(forcedGranularity(value)).toBe(expected);
  });

  it.each(['0', '', 'bytes', 'CACHE_LINES', 'cache-line', 'PAGE ', 'xxxxxxxxxxxxxxxxxxx'])(
    'ignores %j',
    (value) => {
      expect(forcedGranularity(value)).toBeUndefined();
    },
  );

  it('is read on every mapNew', () => {
    using file = openSource(makeFile('ext4'));
    const cfg = new Config().setRequiredStoreGranularity(G.PAGE);
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'byte');
    using first = mapNew(cfg, file.source);
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'cache_line');
    using second = mapNew(cfg, file.source);
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', '0');
    using third = mapNew(cfg, file.source);
    expect([first.storeGranularity, second.storeGranularity, third.storeGranularity]).toEqual([
      G.BYTE,
      G.CACHE_LINE,
      G.PAGE,
    ]);
  });

  it("is process.env's value, also where C's getenv sees another (a worker's copy, as under Bun)", async () => {
    const path = makeFile('tmpfs', PAGE);
    // C's environment says BYTE (vitest's fork syncs stubEnv to it); each worker's copy differs
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'BYTE');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}).then(
        ({ forcedGranularity, mapFile }) => {
          if (workerData.value === undefined) delete process.env.PMEM2_FORCE_GRANULARITY;
          else process.env.PMEM2_FORCE_GRANULARITY = workerData.value;
          const map = mapFile(workerData.path);
          const got = [map.storeGranularity, forcedGranularity()];
          map.delete();
          parentPort.postMessage(got);
        });`;
    const inWorker = (value: string | undefined) =>
      new Promise<unknown>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { path, value } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    expect(await inWorker('cache_line')).toEqual([G.CACHE_LINE, G.CACHE_LINE]);
    expect(await inWorker(undefined)).toEqual([G.PAGE, undefined]); // no MAP_SYNC on tmpfs
    expect(await inWorker('cache-line')).toEqual([G.PAGE, undefined]); // ignored
  });

  it('private beats the forced value: PRIVATE is BYTE even with PMEM2_FORCE_GRANULARITY=page', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'page');
    using file = openSource(makeFile('ext4'));
    const cfg = new Config().setRequiredStoreGranularity(G.BYTE).setSharing(Sharing.PRIVATE);
    using map = mapNew(cfg, file.source);
    expect(map.storeGranularity).toBe(G.BYTE);
  });
});

describe('explainGranularity: why a mapping got its granularity (native decided it at mapNew)', () => {
  it('anonymous memory: BYTE, with its reason', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'page');
    const src = Source.fromAnon(PAGE);
    using map = mapNew(new Config().setRequiredStoreGranularity(G.PAGE), src);
    src.delete();
    expect(explainGranularity(map)).toEqual({
      granularity: G.BYTE,
      reason: 'anonymous',
      mapSync: false,
      detected: G.BYTE,
      text: 'anonymous memory has nothing to persist',
    });
  });

  it('private beats the force; a shared page-cache file is PAGE because MAP_SYNC was refused', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'page');
    using file = openSource(makeFile('tmpfs'));
    const cfg = new Config().setRequiredStoreGranularity(G.BYTE).setSharing(Sharing.PRIVATE);
    using priv = mapNew(cfg, file.source);
    expect(explainGranularity(priv)).toMatchObject({ granularity: G.BYTE, reason: 'private' });
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', undefined);
    using map = mapNew(new Config().setRequiredStoreGranularity(G.PAGE), file.source);
    const why = explainGranularity(map);
    expect(why).toMatchObject({ granularity: G.PAGE, reason: 'no-map-sync', mapSync: false });
    expect(why.text).toMatch(/^MAP_SYNC was refused .*msync/);
  });

  it('a forced mapping says so and what detection alone gives', () => {
    vi.stubEnv('PMEM2_FORCE_GRANULARITY', 'Byte');
    using file = openSource(makeFile('tmpfs'));
    using map = mapNew(new Config().setRequiredStoreGranularity(G.PAGE), file.source);
    expect(explainGranularity(map)).toEqual({
      granularity: G.BYTE,
      reason: 'forced',
      mapSync: false,
      detected: G.PAGE,
      text: 'PMEM2_FORCE_GRANULARITY=BYTE overrides detection (detected: PAGE)',
    });
  });

  it('refuses a deleted mapping and anything that is not a mapping', () => {
    using file = openSource(makeFile('tmpfs'));
    const map = mapNew(new Config().setRequiredStoreGranularity(G.PAGE), file.source);
    map.delete();
    expectPmem2(() => explainGranularity(map), 'PMEM2_E_MAPPING_NOT_FOUND');
    expect(() => explainGranularity({} as never)).toThrow(TypeError);
  });
});
