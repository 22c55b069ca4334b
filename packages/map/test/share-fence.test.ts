// share-fence.test.ts -- a BYTE map shared into a worker thread: the worker's persist is the
// JavaScript fence on the same fault-slot stop byte, and a page lost in the main thread sends
// the worker's next persist native, which reports it as a Pmem2Error (the process lives)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { quietAnswerOf, runModule } from '@pmem2/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const dist = (pkg: string, file = 'index.js') =>
  pathToFileURL(join(import.meta.dirname, '..', '..', pkg, 'dist', file)).href;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The worker's module: opens the token it is sent, then answers each step the main thread
 * posts with what the step's persist threw and how many JavaScript fences it issued.
 */
const WORKER = `
  import { parentPort } from 'node:worker_threads';
  import { binding } from ${JSON.stringify(dist('native'))};
  import { openSharedMap } from ${JSON.stringify(dist('map'))};
  import { mapStateOf } from ${JSON.stringify(dist('map', 'map-base.js'))};
  import { jsFenceCount } from ${JSON.stringify(dist('map', 'persist-ops.js'))};
  let view;
  const code = (f) => { try { f(); return null; } catch (e) { return e.code ?? String(e); } };
  parentPort.on('message', ({ step, token }) => {
    if (step === 'open') view = openSharedMap(token);
    const stop = mapStateOf(view).fenceStop;
    const byte = binding.fenceStops[stop]; // read before any call of this step
    const fences = jsFenceCount();
    const e = step === 'delete' ? code(() => view.delete()) : code(() => view.persist(0, 64));
    parentPort.postMessage({ stop, byte, e, fences: jsFenceCount() - fences });
    if (step === 'delete') parentPort.close();
  });
`;

/** The main thread's module: a BYTE map of `path`, its view in a worker, then a lost page. */
function mainScript(path: string): string {
  return `
    import fs from 'node:fs';
    import { Worker } from 'node:worker_threads';
    import { Config, Granularity } from ${JSON.stringify(dist('config'))};
    import { binding } from ${JSON.stringify(dist('native'))};
    import { Source } from ${JSON.stringify(dist('source'))};
    import { mapNew, shareMap } from ${JSON.stringify(dist('map'))};
    import { mapStateOf } from ${JSON.stringify(dist('map', 'map-base.js'))};
    import { jsFenceCount } from ${JSON.stringify(dist('map', 'persist-ops.js'))};
    const path = ${JSON.stringify(path)};
    fs.writeFileSync(path, Buffer.alloc(4 * 4096, 1));
    process.env.PMEM2_FORCE_GRANULARITY = 'BYTE';
    const src = Source.fromPath(path);
    const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.BYTE), src);
    const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(WORKER)})));
    const ask = (msg) => new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(msg);
    });
    const out = { granularity: map.storeGranularity, stop: mapStateOf(map).fenceStop };
    out.open = await ask({ step: 'open', token: shareMap(map) });
    out.again = await ask({ step: 'persist' });
    fs.truncateSync(path, 4096);
    map.bytes()[8192] = 7; // repaired by the SIGBUS handler, recorded on the range's slot
    out.repairs = binding.faultRepairs[0];
    out.lost = await ask({ step: 'persist' });
    out.reported = await ask({ step: 'persist' });
    out.deleted = await ask({ step: 'delete' });
    const exit = new Promise((resolve) => worker.once('exit', resolve));
    out.exit = await exit;
    const fences = jsFenceCount();
    out.main = { byte: binding.fenceStops[mapStateOf(map).fenceStop], e: null };
    try { map.persist(8192, 64); } catch (e) { out.main.e = e.code; }
    out.main.fences = jsFenceCount() - fences;
    map.delete();
    src.delete();
    console.log(JSON.stringify(out));
  `;
}

/** What one step of the worker answers. */
interface Step {
  stop: number;
  byte: number;
  e: string | null;
  fences: number;
}

/** What the main thread prints. */
interface Answer {
  granularity: number;
  stop: number;
  repairs: number;
  exit: number;
  open: Step;
  again: Step;
  lost: Step;
  reported: Step;
  deleted: Step;
  main: { byte: number; e: string | null; fences: number };
}

describe('a BYTE map shared into a worker thread', () => {
  it("persists with the worker's JavaScript fence until a page is lost, then natively, reporting PMEM2_E_IO_FAIL", () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmem2-share-fence-'));
    dirs.push(dir);
    const out = quietAnswerOf<Answer>(
      runModule(mainScript(join(dir, 'file')), { timeout: 60_000 }),
    );
    const js = process.arch === 'x64' ? 1 : 0; // the JavaScript fence is x86_64's
    // elsewhere the map's stop is the byte that is always 1: every persist is native
    const clear = 1 - js;
    expect(out).toMatchObject({ granularity: 0, repairs: 1, exit: 0 });
    // the view uses the range's own slot byte, 0 while nothing is lost: a fence in JavaScript
    expect(out.open).toEqual({ stop: out.stop, byte: clear, e: null, fences: js });
    expect(out.again).toEqual({ stop: out.stop, byte: clear, e: null, fences: js });
    // the worker's view of the bytes saw the main thread's loss before any call of its own
    expect(out.lost).toEqual({ stop: out.stop, byte: 1, e: 'PMEM2_E_IO_FAIL', fences: 0 });
    expect(out.reported).toEqual({ stop: out.stop, byte: 1, e: null, fences: 0 }); // once
    expect(out.deleted).toMatchObject({ e: null });
    // the worker exited: the main thread's bytes are still there, its map still native
    expect(out.main).toEqual({ byte: 1, e: 'PMEM2_E_IO_FAIL', fences: 0 });
  });
});
