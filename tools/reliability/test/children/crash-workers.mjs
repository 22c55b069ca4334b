// crash-workers.mjs -- crash.mjs's worker scenario: maps made and deleted in four threads at
// once never overlap nor lose their contents

import { Worker } from 'node:worker_threads';
import { makeFile } from './common.mjs';

/** Four workers map, fill, check and delete 16 mappings each over a file in `dir`. */
export async function workers(dir) {
  const workers = 4;
  const mapsEach = 16;
  const path = makeFile(dir, 'workers', 1 << 20);
  const barrier = new Int32Array(new SharedArrayBuffer(8));
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      const { Config, Granularity, Protection } = await import('@pmem2/config');
      const { Source } = await import('@pmem2/source');
      const { mapNew, VmReservation } = await import('@pmem2/map');
      const { id, path, count, barrier } = workerData;
      const rw = (Protection.READ | Protection.WRITE) >>> 0;
      const cfg = () => new Config().setRequiredStoreGranularity(Granularity.PAGE).setProtection(rw);
      const maps = [];
      const rsv = VmReservation.new(64 * 4096);
      for (let i = 0; i < count; i++) {
        const size = 4096 * (1 + ((id * 7 + i) % 5));
        const kind = i % 3;
        const source = kind === 0 ? Source.fromAnon(size) : Source.fromPath(path);
        const config = cfg();
        if (kind === 1) config.setLength(size).setOffset(0);
        if (kind === 0) config.setSharing(1);
        if (kind === 2) config.setLength(4096).setSharing(1).setVmReservation(rsv, (i % 60) * 4096);
        const map = mapNew(config, source);
        source.delete();
        if (kind !== 1) map.bytes().fill(id * 100 + i);
        maps.push({ map, kind, tag: id * 100 + i });
      }
      Atomics.add(barrier, 0, 1);
      while (Atomics.load(barrier, 0) < workerData.total) Atomics.wait(barrier, 0, Atomics.load(barrier, 0), 50);
      let bad = 0;
      for (const { map, kind, tag } of maps) {
        if (kind === 1) continue;
        const b = map.read(0, map.size);
        for (const x of b) if (x !== (tag & 0xff)) bad++;
      }
      const ranges = maps.map(({ map }) => [String(map.address), map.size]);
      for (const { map } of maps) map.delete();
      rsv.delete();
      parentPort.postMessage({ id, bad, ranges });
    })().catch((e) => parentPort.postMessage({ id: workerData.id, error: String(e && e.stack) }));
  `;
  const answers = await Promise.all(
    Array.from(
      { length: workers },
      (_, id) =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, {
            eval: true,
            workerData: { id, path, count: mapsEach, barrier, total: workers },
          });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  const all = answers.flatMap((a) =>
    (a.ranges ?? []).map(([start, size]) => [BigInt(start), BigInt(size), a.id]),
  );
  all.sort((x, y) => (x[0] < y[0] ? -1 : 1));
  let overlaps = 0;
  for (let i = 1; i < all.length; i++) if (all[i - 1][0] + all[i - 1][1] > all[i][0]) overlaps++;
  return {
    errors: answers.filter((a) => a.error).map((a) => a.error),
    bad: answers.reduce((s, a) => s + (a.bad ?? 0), 0),
    mapped: all.length,
    overlaps,
  };
}
