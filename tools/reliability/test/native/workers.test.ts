// workers.test.ts -- the addon in worker threads: per-thread guard and lastOp, shared process init

import { describe, expect, it } from 'vitest';
import { childJson, distEntry } from './helpers.js';

describe('worker threads', () => {
  it('load the addon, map, persist and catch a SIGBUS on their own thread', () => {
    const r = childJson<{
      before: string;
      main: string;
      workers: Array<{ io: number; ok: number; store: string }>;
    }>(
      `
      import { Worker } from 'node:worker_threads';
      import fs from 'node:fs';
      const entry = ${JSON.stringify(distEntry)};
      const body = (n) => \`
        import { parentPort } from 'node:worker_threads';
        import fs from 'node:fs';
        import { tmpdir } from 'node:os';
        import { binding } from '\${entry}';
        const RW = 2 ** 30 + 2 ** 31;
        const result = new Float64Array(6);
        const shm = '/dev/shm/pmem2-native-worker-' + process.pid + '-' + \${n};
        const shmFd = fs.openSync(shm, 'w+');
        fs.unlinkSync(shm);
        fs.ftruncateSync(shmFd, 1048576);
        // CACHE_LINE: PMEM2_FORCE_GRANULARITY of the process environment, which C reads
        const m = binding.mapNew(shmFd, 0n, 1048576n, RW, false, 4096, null, 0n, 2, null, result);
        fs.closeSync(shmFd);
        let ok = 0;
        for (let i = 0; i < 2000; i++) ok += binding.memset(m, (i * 64) % 1000000, i & 255, 512, 0) === 0 ? 1 : 0;
        const store = binding.lastOp().store;
        const p = tmpdir() + '/pmem2-native-worker-' + process.pid + '-' + \${n};
        fs.writeFileSync(p, Buffer.alloc(8192));
        const fd = fs.openSync(p, 'r+');
        const f = binding.mapNew(fd, 0n, 8192n, RW, false, 4096, null, 0n, 2, null, result);
        fs.ftruncateSync(fd, 0);
        const io = binding.memset(f, 0, 1, 100, 0);
        fs.unlinkSync(p);
        parentPort.postMessage({ io, ok, store, granularity: result[2] });\`;
      const run = (n) => new Promise((resolve, reject) => {
        const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(body(n))));
        w.once('message', (v) => { resolve(v); w.terminate(); });
        w.once('error', reject);
      });
      const workers = await Promise.all([run(1), run(2), run(3)]);
      const before = binding.lastOp().store;
      const shm = '/dev/shm/pmem2-native-worker-' + process.pid + '-main';
      const shmFd = fs.openSync(shm, 'w+');
      fs.unlinkSync(shm);
      fs.ftruncateSync(shmFd, 4096);
      const m = binding.mapNew(shmFd, 0n, 4096n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n, 2, null,
        new Float64Array(6));
      binding.memset(m, 0, 1, 8, 0);
      console.log(JSON.stringify({ before, main: binding.lastOp().store, workers }));
    `,
      { PMEM2_FORCE_GRANULARITY: 'CACHE_LINE' },
    );
    expect(r.before).toBe('none'); // lastOp is per thread: the workers' 'nt' does not show here
    expect(r.main).toBe('t');
    expect(r.workers).toHaveLength(3);
    for (const w of r.workers) {
      expect(w).toEqual({ io: -100037, ok: 2000, store: 'nt', granularity: 1 });
    }
  });

  it("read PMEM2_FORCE_GRANULARITY from the process environment, not a worker's process.env copy", () => {
    const r = childJson<{ worker: number[]; shared: number[] }>(
      `
      import { Worker, SHARE_ENV } from 'node:worker_threads';
      const entry = ${JSON.stringify(distEntry)};
      const body = \`
        import { parentPort } from 'node:worker_threads';
        import { binding } from '\${entry}';
        const before = binding.forceGranularity();
        process.env.PMEM2_FORCE_GRANULARITY = 'PAGE';
        parentPort.postMessage([before, binding.forceGranularity()]);\`;
      const run = (options) => new Promise((resolve, reject) => {
        const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(body)), options);
        w.once('message', (v) => { resolve(v); w.terminate(); });
        w.once('error', reject);
      });
      const worker = await run({});
      const shared = await run({ env: SHARE_ENV });
      console.log(JSON.stringify({ worker, shared }));
    `,
      { PMEM2_FORCE_GRANULARITY: 'BYTE' },
    );
    expect(r.worker).toEqual([0, 0]); // the worker's assignment changed only its copy
    expect(r.shared).toEqual([0, 2]); // with SHARE_ENV it is the process environment
  });
});
