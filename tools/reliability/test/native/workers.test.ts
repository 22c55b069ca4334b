// workers.test.ts -- the addon in worker threads: per-thread guard and lastOp, shared process init

import { describe, expect, it } from 'vitest';
import { childJson, distEntry } from './helpers.js';

describe('worker threads', () => {
  it('load the addon, map, persist and catch a SIGBUS on their own thread', () => {
    const r = childJson<{
      before: string;
      main: string;
      workers: Array<{ io: number; ok: number; store: string }>;
    }>(`
      import { Worker } from 'node:worker_threads';
      import fs from 'node:fs';
      const entry = ${JSON.stringify(distEntry)};
      const body = (n) => \`
        import { parentPort } from 'node:worker_threads';
        import fs from 'node:fs';
        import { tmpdir } from 'node:os';
        import { binding } from '\${entry}';
        const RW = 2 ** 30 + 2 ** 31;
        const m = binding.mapNew(-1, 0n, 1048576n, RW, false, 4096, null, 0n);
        binding.mapSetGranularity(m, 1);
        let ok = 0;
        for (let i = 0; i < 2000; i++) ok += binding.memset(m, (i * 64) % 1000000, i & 255, 512, 0) === 0 ? 1 : 0;
        const store = binding.lastOp().store;
        const p = tmpdir() + '/pmem2-native-worker-' + process.pid + '-' + \${n};
        fs.writeFileSync(p, Buffer.alloc(8192));
        const fd = fs.openSync(p, 'r+');
        const f = binding.mapNew(fd, 0n, 8192n, RW, false, 4096, null, 0n);
        fs.ftruncateSync(fd, 0);
        const io = binding.memset(f, 0, 1, 100, 0);
        fs.unlinkSync(p);
        parentPort.postMessage({ io, ok, store });\`;
      const run = (n) => new Promise((resolve, reject) => {
        const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(body(n))));
        w.once('message', (v) => { resolve(v); w.terminate(); });
        w.once('error', reject);
      });
      const workers = await Promise.all([run(1), run(2), run(3)]);
      const before = binding.lastOp().store;
      const m = binding.mapNew(-1, 0n, 4096n, 2 ** 30 + 2 ** 31, false, 4096, null, 0n);
      binding.mapSetGranularity(m, 1);
      binding.memset(m, 0, 1, 8, 0);
      console.log(JSON.stringify({ before, main: binding.lastOp().store, workers }));
    `);
    expect(r.before).toBe('none'); // lastOp is per thread: the workers' 'nt' does not show here
    expect(r.main).toBe('t');
    expect(r.workers).toHaveLength(3);
    for (const w of r.workers) expect(w).toEqual({ io: -100037, ok: 2000, store: 'nt' });
  });
});
