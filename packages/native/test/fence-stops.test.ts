// fence-stops.test.ts -- binding.fenceStops: one byte a fault-table slot, 0 exactly while its
// mapping is in the table and never lost a page (what keeps a BYTE persist in JavaScript)

import { quietAnswerOf } from '@pmem2/test-kit';
import { afterAll, expect, it } from 'vitest';
import { binding, E, runChild, scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir('/dev/shm');
afterAll(cleanup);

/** fault_table.h FAULT_STOP_ALWAYS: 1024 chunks of 256 slots, then the byte that stays 1. */
const STOP_ALWAYS = 1024 * 256;

it('is a Uint8Array of a byte a slot plus one, the last one 1, the same object on every read', () => {
  const stops = binding.fenceStops as Uint8Array;
  expect(stops).toBeInstanceOf(Uint8Array);
  expect(stops.length).toBe(STOP_ALWAYS + 1);
  expect(stops[STOP_ALWAYS]).toBe(1);
  expect(binding.fenceStops).toBe(stops);
});

it('gives mappings in several chunks their own byte: a loss or a delete sets only that one', () => {
  const out = quietAnswerOf<{ max: number }>(
    runChild(`
    import fs from 'node:fs';
    const p = ${JSON.stringify(dir)} + '/stops-' + process.pid;
    fs.writeFileSync(p, Buffer.alloc(8192, 1));
    const fd = fs.openSync(p, 'r+');
    const mapOne = () => binding.mapNew(fd, 0n, 8192n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n,
      2, null, new Float64Array(6));
    const stops = binding.fenceStops;
    const maps = Array.from({ length: 300 }, mapOne); // more than one chunk of 256 slots
    const at = maps.map((m) => binding.mapPersistOps(m).stop);
    const set = () => at.filter((i) => stops[i] !== 0).length;
    const out = { distinct: new Set(at).size, max: Math.max(...at), liveSet: set() };
    const lost = 280; // a slot of the second chunk
    fs.ftruncateSync(fd, 4096);
    out.read = new Uint8Array(binding.mapBuffer(maps[lost]))[4096]; // repaired by the handler
    out.lostByte = stops[at[lost]];
    out.afterLoss = set();
    out.persist = [binding.persist(maps[lost], 0, 1), binding.persist(maps[0], 0, 1)];
    binding.mapDelete(maps[7]);
    out.afterDelete = set();
    for (const [i, m] of maps.entries()) if (i !== 7) binding.mapDelete(m);
    out.allDeleted = set();
    fs.ftruncateSync(fd, 8192);
    const again = mapOne(); // a recycled slot is 0 again
    out.recycled = { known: at.includes(binding.mapPersistOps(again).stop),
      byte: stops[binding.mapPersistOps(again).stop] };
    binding.mapDelete(again);
    fs.closeSync(fd);
    fs.rmSync(p);
    console.log(JSON.stringify(out));
  `),
  );
  expect(out.max).toBeGreaterThanOrEqual(256);
  expect(out.max).toBeLessThan(STOP_ALWAYS);
  expect(out).toEqual({
    distinct: 300,
    max: out.max,
    liveSet: 0,
    read: 0,
    lostByte: 1,
    afterLoss: 1, // only the mapping that lost the page
    persist: [E.IO_FAIL, 0],
    afterDelete: 2,
    allDeleted: 300,
    recycled: { known: true, byte: 0 },
  });
});
