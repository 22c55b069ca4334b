// granularity.test.ts -- the log on every granularity: PAGE files, BYTE anonymous and private
// mappings, and PAGE/CACHE_LINE/BYTE forced with PMEM2_FORCE_GRANULARITY in a child process

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config, Granularity, Sharing } from '@pmem2/config';
import { mapNew, type Pmem2Map } from '@pmem2/map';
import { Source } from '@pmem2/source';
import { describe, expect, it } from 'vitest';
import { LinearLog, type LogStorage, RingLog } from '../src/index.js';
import { scratchDir, text } from './helpers/files.js';

const CHILD = fileURLToPath(new URL('./fixtures/granularity-child.mjs', import.meta.url));
const path = scratchDir('granularity');
const config = () => new Config().setRequiredStoreGranularity(Granularity.PAGE);

/** A linear log's storage on anonymous memory: BYTE granularity, grows by new mappings. */
function anonymousStorage(areaSize: number): LogStorage & { maps: Pmem2Map[] } {
  const sources: Source[] = [];
  const maps: Pmem2Map[] = [];
  const map = (size: number): Pmem2Map => {
    const source = Source.fromAnon(size);
    sources.push(source);
    const m = mapNew(config(), source);
    maps.push(m);
    return m;
  };
  const header = map(4096);
  return {
    header,
    areas: [map(areaSize)],
    maps,
    grow: (size) => map(size),
    close() {
      for (const m of maps) m.delete();
      for (const s of sources) s.delete();
    },
  };
}

describe('granularity', () => {
  it.skipIf(process.env.PMEM2_FORCE_GRANULARITY !== undefined)('file-default-PAGE', () => {
    const log = LinearLog.create(path('page'));
    expect(log.storeGranularity).toBe(Granularity.PAGE);
    log.close();
  });

  it('anonymousMappings-BYTE-appendGrowReadBack', () => {
    const storage = anonymousStorage(8192);
    const log = LinearLog.format(storage, { autoCommit: { records: 3 } });
    expect(log.storeGranularity).toBe(Granularity.BYTE);
    const positions = Array.from({ length: 300 }, (_, i) => log.append(text(i)));
    log.commit();
    expect(storage.maps.length).toBeGreaterThan(3); // it grew through storage.grow
    expect(positions.map((p) => log.readString(p))).toEqual(positions.map((_, i) => text(i)));
    log.close();
    expect(() => storage.maps[0]?.size).toThrow(/was deleted/); // the log closed its storage
  });

  it('privateFileMapping-BYTE-ringRoundTripWithinTheMapping', () => {
    const file = path('private');
    writeFileSync(file, Buffer.alloc(4096 + 16384));
    const source = Source.fromPath(file);
    const privately = (offset: number, length: number) =>
      mapNew(config().setSharing(Sharing.PRIVATE).setOffset(offset).setLength(length), source);
    const header = privately(0, 4096);
    const area = privately(4096, 16384);
    const storage: LogStorage = {
      header,
      areas: [area],
      close() {
        header.delete();
        area.delete();
      },
    };
    const ring = RingLog.format(storage);
    expect(ring.storeGranularity).toBe(Granularity.BYTE);
    let last = 0;
    for (let i = 0; i < 500; i++) {
      last = ring.append(text(i));
      ring.trim(last);
    }
    expect([...ring.records()].map((r) => new TextDecoder().decode(r.data))).toEqual([text(499)]);
    ring.close();
    source.delete();
  });

  it.each(['PAGE', 'CACHE_LINE', 'BYTE'])('forced %s in a child-roundTripsBothShapes', (force) => {
    const dir = path(`forced-${force}`);
    mkdirSync(dir);
    const child = spawnSync(process.execPath, [CHILD, dir], {
      encoding: 'utf8',
      env: { ...process.env, PMEM2_FORCE_GRANULARITY: force },
    });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
    const result = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(result.linearGranularity).toBe(force);
    expect(result.ringGranularity).toBe(force);
    expect(result.linear).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(result.ring).toEqual(Array.from({ length: 30 }, (_, i) => 1970 + i));
  });
});
