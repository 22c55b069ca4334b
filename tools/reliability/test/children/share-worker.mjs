// share-worker.mjs -- the worker side of share.mjs: opens its token into its own view and does
// what workerData.mode says; answers with one message

import { parentPort, workerData } from 'node:worker_threads';
import { openSharedMap } from '@pmem2/map';
import { mappingRegistry, outcome } from './lib.mjs';

const { mode, token, flag, index, chunk } = workerData;
const pattern = (i) => (i * 7 + 3) & 0xff;

const modes = {
  // Reads the pattern over and over while the main thread deletes its map, then keeps reading,
  // stores, persists and deletes its own view.
  read() {
    const view = openSharedMap(token);
    const bytes = view.bytes();
    const registered = mappingRegistry.size;
    parentPort.postMessage({ ready: true });
    let bad = 0;
    let afterDelete = 0; // rounds started after the main thread deleted its map
    while (afterDelete < 200) {
      const deleted = Atomics.load(flag, 0) === 1;
      for (let i = 0; i < 65536; i += 61) if (bytes[i] !== pattern(i)) bad++;
      if (deleted) afterDelete++;
    }
    bytes.set([0x5a, 0xa5], 8192);
    const persisted = outcome(() => view.persist(8192, 2));
    view.delete();
    return {
      afterDelete,
      bad,
      registered,
      persisted,
      length: bytes.length,
      left: mappingRegistry.size,
    };
  },
  // Opens, touches the memory and returns without delete: the thread exits with a live view.
  exit() {
    const view = openSharedMap(token);
    Atomics.add(new Int32Array(view.buffer, 0, 1), 0, 1);
    return { registered: mappingRegistry.size };
  },
  // Opens and stores until terminated.
  spin() {
    const view = openSharedMap(token);
    const counter = new Int32Array(view.buffer, 0, 1);
    Atomics.add(counter, 0, 1);
    parentPort.postMessage({ ready: true });
    for (;;) Atomics.add(counter, 0, 1);
  },
  // Fills its own chunk with index + 1 and persists it.
  fill() {
    const view = openSharedMap(token);
    view.bytes().fill(index + 1, index * chunk, (index + 1) * chunk);
    const persisted = outcome(() => view.persist(index * chunk, chunk));
    view.delete();
    return { persisted, left: mappingRegistry.size };
  },
  // Atomics.add on the view's (non-shared) ArrayBuffer, racing the other threads.
  count() {
    const view = openSharedMap(token);
    const counter = new Int32Array(view.buffer, 64, 1);
    parentPort.postMessage({ ready: true });
    while (Atomics.load(flag, 0) === 0);
    for (let i = 0; i < 1_000_000; i++) Atomics.add(counter, 0, 1);
    view.delete();
    return { left: mappingRegistry.size };
  },
  // Refused tokens: each outcome is a Pmem2Error, never a crash.
  refuse() {
    const { fresh, pending, ofDeleted, fromOtherProcess } = workerData;
    const first = outcome(() => openSharedMap(fresh).delete());
    const again = outcome(() => openSharedMap(fresh));
    const deleted = outcome(() => openSharedMap(ofDeleted));
    const forgedBytes = pending.bytes.slice();
    forgedBytes[28] ^= 0xff; // a byte of the secret
    const forged = outcome(() => openSharedMap({ ...pending, bytes: forgedBytes }));
    const realAfterForged = outcome(() => openSharedMap(pending).delete());
    const foreign = outcome(() =>
      openSharedMap({ ...fresh, bytes: new Uint8Array(fromOtherProcess) }),
    );
    const notToken = outcome(() => openSharedMap({ bytes: new Uint8Array(3) }));
    return {
      first,
      again,
      deleted,
      forged,
      realAfterForged,
      foreign,
      notToken,
      left: mappingRegistry.size,
    };
  },
};

parentPort.postMessage(modes[mode]());
