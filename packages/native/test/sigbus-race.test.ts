// sigbus-race.test.ts -- the SIGBUS handler stays installed when a mapping is deleted (parked)
// while other threads are inside a fault on it

import { buildTestAddon, quietAnswerOf, runModule } from '@pmem2/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { distEntry, PROT_RW, scratchDir } from './helpers.js';

const readers = buildTestAddon('fault_threads', 'SIGBUS handler under a delete racing faults');
const { dir, cleanup } = scratchDir('/dev/shm');
afterAll(cleanup);

/** Rounds of map, truncate, fault in threads, delete under them. */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 200);
/** Pages of each round's mapping: enough that the readers are still faulting at the delete. */
const PAGES = 256;
/** Reader threads per round. */
const READERS = Number(process.env.RACE_READERS ?? 4);

describe.runIf(readers)('a delete that parks a mapping while threads fault on it', () => {
  it('the handler is still ours afterwards: a later lost page is repaired, not fatal', () => {
    const r = runModule(
      `
      import fs from 'node:fs';
      import { createRequire } from 'node:module';
      const readers = createRequire(import.meta.url)(${JSON.stringify(readers)});
      const { binding } = await import(${JSON.stringify(distEntry)});
      const p = ${JSON.stringify(dir)} + '/race-' + process.pid;
      const mapTruncated = (pages) => {
        fs.writeFileSync(p, Buffer.alloc(pages * 4096, 1));
        const fd = fs.openSync(p, 'r+');
        const m = binding.mapNew(fd, 0n, BigInt(pages * 4096), ${PROT_RW}, false, 4096, null, 0n, 2, null, new Float64Array(6));
        const view = new Uint8Array(binding.mapBuffer(m));
        fs.ftruncateSync(fd, 0);
        return { m, fd, view };
      };
      const lostBefore = [];
      for (let round = 0; round < ${ROUNDS}; round++) {
        const { m, fd, view } = mapTruncated(${PAGES});
        readers.startReaders(view.buffer, ${READERS});
        // let the readers reach the pages, then delete: the view is alive, so the range parks
        const until = process.hrtime.bigint() + BigInt((round % 5) * 20_000);
        while (process.hrtime.bigint() < until);
        lostBefore.push(binding.mapLost(m).length > 0);
        binding.mapDelete(m);
        readers.stopReaders();
        fs.closeSync(fd);
        if (readers.sigbusDisposition() !== 'handler') break;
      }
      const disposition = readers.sigbusDisposition();
      const last = mapTruncated(2);
      const lostRead = last.view[4096];
      const out = { disposition, faulted: lostBefore.includes(true), lostRead, lost: binding.mapLost(last.m) };
      binding.mapDelete(last.m);
      fs.closeSync(last.fd);
      fs.rmSync(p);
      console.log(JSON.stringify(out));
      `,
      { timeout: 120_000 },
    );
    expect(quietAnswerOf(r)).toEqual({
      disposition: 'handler',
      faulted: true, // the readers did fault before the deletes (the race was run)
      lostRead: 0,
      lost: [{ offset: 4096, length: 4096, cause: 'truncated' }],
    });
  }, 130_000);
});
