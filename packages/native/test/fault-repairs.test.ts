// fault-repairs.test.ts -- binding.faultRepairs: the process-wide count of repaired pages that
// lets @pmem2/map keep a BYTE persist in JavaScript until the first loss

import { afterAll, expect, it } from 'vitest';
import { binding, distEntry, E, runChild, scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir('/dev/shm');
afterAll(cleanup);

it('is one Uint32Array element, the same object on every read', () => {
  const repairs = binding.faultRepairs as Uint32Array;
  expect(repairs).toBeInstanceOf(Uint32Array);
  expect(repairs.length).toBe(1);
  expect(binding.faultRepairs).toBe(repairs);
});

it('counts a page repaired in a worker, as seen by the main thread and by another worker', () => {
  const r = runChild(`
    import { Worker } from 'node:worker_threads';
    const before = binding.faultRepairs[0];
    const code = (body) => new Worker(\`
      Promise.all([
        import('node:worker_threads'), import('node:fs'), import(${JSON.stringify(distEntry)}),
      ]).then(([{ parentPort }, fs, { binding }]) => {
        \${body}
      });
    \`, { eval: true });
    const run = (body) => new Promise((res, rej) => {
      const w = code(body);
      w.once('message', res);
      w.once('error', rej);
    });
    const p = ${JSON.stringify(dir)} + '/w-' + process.pid;
    const inWorker = await run(\`
      fs.writeFileSync(\${JSON.stringify(p)}, Buffer.alloc(8192, 1));
      const fd = fs.openSync(\${JSON.stringify(p)}, 'r+');
      const m = binding.mapNew(fd, 0n, 8192n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null,
        new Float64Array(6));
      const view = new Uint8Array(binding.mapBuffer(m));
      const seenBefore = binding.faultRepairs[0];
      fs.ftruncateSync(fd, 0);
      const read = view[4096];
      parentPort.postMessage({ seenBefore, read, after: binding.faultRepairs[0],
        persist: binding.persist(m, 0, 1), deleted: binding.mapDelete(m) });
      fs.closeSync(fd);
      fs.rmSync(\${JSON.stringify(p)});
    \`);
    const other = await run('parentPort.postMessage(binding.faultRepairs[0]);');
    console.log(JSON.stringify({ before, inWorker, main: binding.faultRepairs[0], other }));
  `);
  expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toEqual({
    stderr: '',
    signal: null,
    status: 0,
  });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  expect(out).toEqual({
    before: 0,
    inWorker: { seenBefore: 0, read: 0, after: 1, persist: E.IO_FAIL, deleted: 0 },
    main: 1,
    other: 1,
  });
});
