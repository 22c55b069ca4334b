// share.mjs -- one mapping shared with worker threads (shareMap / openSharedMap); argv[2]
// names the scenario, argv[3] the directory (argv[4] a token's bytes from another process);
// the answer is one JSON line with the leak check of the whole scenario

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openSharedMap, shareMap } from '@pmem2/map';
import { makeFile, mapFile } from './common.mjs';
import { diff, mapsLines, report, snapshot } from './lib.mjs';

const [, , scenario, dir, otherProcess] = process.argv;
const worker = new URL('./share-worker.mjs', import.meta.url);
const pattern = (i) => (i * 7 + 3) & 0xff;

/** Starts a share-worker.mjs; its messages arrive in order through next(), exit as `exited`. */
function start(workerData) {
  const w = new Worker(worker, { workerData });
  const queue = [];
  const waiting = [];
  w.on('message', (m) => (waiting.length ? waiting.shift()(m) : queue.push(m)));
  const exited = new Promise((resolve, reject) => {
    w.once('exit', resolve);
    w.once('error', reject);
  });
  const next = () =>
    queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r));
  return { w, exited, next };
}

/** Whether /proc/self/maps maps `path`. */
const fileMapped = (path) => mapsLines().some((l) => l.endsWith(` ${path}`));

const scenarios = {
  // The main thread deletes its map while a worker reads its view in a loop.
  async deleteWhileWorkerReads() {
    const path = makeFile(dir, 'read', 1 << 20);
    const before = snapshot();
    const { map, source } = mapFile(path);
    const bytes = map.bytes();
    for (let i = 0; i < 65536; i++) bytes[i] = pattern(i);
    map.persist(0, 65536);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const reader = start({ mode: 'read', token: shareMap(map), flag });
    await reader.next(); // ready: reading
    map.delete();
    source.delete();
    const mappedWhileWorkerHolds = fileMapped(path);
    const mainView = bytes.length;
    Atomics.store(flag, 0, 1);
    const answer = await reader.next();
    await reader.exited;
    const file = readFileSync(path);
    return {
      mappedWhileWorkerHolds,
      mainView,
      worker: answer,
      stored: [file[8192], file[8193]],
      leak: diff(before, snapshot()),
    };
  },
  // A worker that exits with a live view, and one stopped by terminate() while it stores.
  async workerExitAndTerminate() {
    const path = makeFile(dir, 'exit', 1 << 20);
    const before = snapshot();
    const { map, source } = mapFile(path);
    const exits = start({ mode: 'exit', token: shareMap(map) });
    const exitAnswer = await exits.next();
    await exits.exited;
    const spin = start({ mode: 'spin', token: shareMap(map) });
    await spin.next();
    await spin.w.terminate();
    const counter = new Int32Array(map.buffer, 0, 1)[0];
    const afterTerminate = fileMapped(path);
    // and a view whose thread is terminated after the main thread deleted its own map
    const late = start({ mode: 'spin', token: shareMap(map) });
    await late.next();
    map.delete();
    const mappedAfterMainDelete = fileMapped(path);
    await late.w.terminate();
    source.delete();
    return {
      exitAnswer,
      counted: counter >= 2, // the exited worker's store and the terminated one's first
      afterTerminate,
      mappedAfterMainDelete,
      leak: diff(before, snapshot()),
    };
  },
  // 8 workers fill and persist disjoint chunks of one map; the file holds them afterwards.
  async eightWorkers() {
    const chunk = 64 * 1024;
    const path = makeFile(dir, 'eight', 8 * chunk);
    const before = snapshot();
    const { map, source } = mapFile(path);
    const workers = Array.from({ length: 8 }, (_, index) =>
      start({ mode: 'fill', token: shareMap(map), index, chunk }),
    );
    const answers = await Promise.all(workers.map((w) => w.next()));
    await Promise.all(workers.map((w) => w.exited));
    map.delete();
    source.delete();
    const file = readFileSync(path);
    const chunks = Array.from({ length: 8 }, (_, i) =>
      file.subarray(i * chunk, (i + 1) * chunk).every((b) => b === i + 1),
    );
    return { answers, chunks, leak: diff(before, snapshot()) };
  },
  // Atomics.add from 4 workers and the main thread on the same word of the mapping.
  async atomics() {
    const path = makeFile(dir, 'atomics', 1 << 20);
    const before = snapshot();
    const { map, source } = mapFile(path);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const workers = Array.from({ length: 4 }, () =>
      start({ mode: 'count', token: shareMap(map), flag }),
    );
    await Promise.all(workers.map((w) => w.next()));
    const counter = new Int32Array(map.buffer, 64, 1);
    Atomics.store(flag, 0, 1);
    for (let i = 0; i < 1_000_000; i++) Atomics.add(counter, 0, 1);
    const answers = await Promise.all(workers.map((w) => w.next()));
    await Promise.all(workers.map((w) => w.exited));
    const total = Atomics.load(counter, 0);
    map.delete();
    source.delete();
    return { total, answers, leak: diff(before, snapshot()) };
  },
  // Prints a token of a live anonymous-file map: its bytes are foreign in any other process.
  makeToken() {
    const { map, source } = mapFile(makeFile(dir, 'token', 4096));
    const bytes = Array.from(shareMap(map).bytes);
    map.delete();
    source.delete();
    return { bytes };
  },
  // A token used twice, one of a deleted map, forged bytes, another process's token.
  async refusedTokens() {
    const path = makeFile(dir, 'refuse', 1 << 20);
    const before = snapshot();
    const { map, source } = mapFile(path);
    const gone = mapFile(makeFile(dir, 'gone', 4096));
    const ofDeleted = shareMap(gone.map);
    gone.map.delete();
    gone.source.delete();
    const inMain = {
      own: (() => {
        try {
          openSharedMap(shareMap(map));
          return 'opened';
        } catch (error) {
          return error.code;
        }
      })(),
    };
    const refuser = start({
      mode: 'refuse',
      fresh: shareMap(map),
      pending: shareMap(map),
      ofDeleted,
      fromOtherProcess: JSON.parse(otherProcess),
    });
    const answer = await refuser.next();
    await refuser.exited;
    map.delete();
    source.delete();
    return { inMain, ...answer, leak: diff(before, snapshot()) };
  },
};

report(await scenarios[scenario]());
