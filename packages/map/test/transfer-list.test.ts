// transfer-list.test.ts -- a mapping's buffer in a transfer list (worker.postMessage,
// structuredClone) never moves: Node 22+ and Bun refuse it with a DataCloneError, Node 20
// ignores the entry and sends a copy; either way the mapping stays whole and the process lives

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { quietAnswerOf, runModule } from '@pmem2/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

const dist = (pkg: string) =>
  pathToFileURL(join(import.meta.dirname, '..', '..', pkg, 'dist', 'index.js')).href;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The worker: stores 0xee over whatever buffer it receives, answers with its length. */
const WORKER = `
  import { parentPort } from 'node:worker_threads';
  parentPort.once('message', (buffer) => {
    new Uint8Array(buffer).fill(0xee);
    parentPort.postMessage(buffer.byteLength);
  });
`;

/** Maps `path`, offers its buffer in two transfer lists, then checks map and file. */
function mainScript(path: string): string {
  return `
    import fs from 'node:fs';
    import { Worker } from 'node:worker_threads';
    import { Config, Granularity } from ${JSON.stringify(dist('config'))};
    import { Source } from ${JSON.stringify(dist('source'))};
    import { mapNew } from ${JSON.stringify(dist('map'))};
    const path = ${JSON.stringify(path)};
    fs.writeFileSync(path, Buffer.alloc(65536, 0x5a));
    const src = Source.fromPath(path);
    const map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), src);
    const outcome = (f) => { try { return f(); } catch (e) { return e.name; } };
    const out = {};
    out.cloned = outcome(() => {
      const copy = structuredClone(map.buffer, { transfer: [map.buffer] });
      new Uint8Array(copy).fill(0xee);
      return copy.byteLength;
    });
    const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(WORKER)})));
    const answered = new Promise((resolve) => worker.once('message', resolve));
    out.posted = outcome(() => (worker.postMessage(map.buffer, [map.buffer]), 'sent'));
    out.worker = out.posted === 'sent' ? await answered : null;
    await worker.terminate();
    out.mainLength = map.buffer.byteLength;
    out.mainIntact = map.bytes().every((b) => b === 0x5a);
    map.bytes()[0] = 0x11;
    map.persist(0, 1);
    map.delete();
    src.delete();
    const file = fs.readFileSync(path);
    out.file = { first: file[0], restIntact: file.subarray(1).every((b) => b === 0x5a) };
    console.log(JSON.stringify(out));
  `;
}

describe("a mapping's buffer in a transfer list", () => {
  it('is never moved: refused (Node 22+, Bun) or copied (Node 20); the mapping stays whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmem2-transfer-'));
    dirs.push(dir);
    const out = quietAnswerOf<Record<string, unknown>>(
      runModule(mainScript(join(dir, 'file')), { timeout: 60_000 }),
    );
    const major = Number(process.versions.node.split('.')[0]);
    const copies = process.versions.bun === undefined && major < 22;
    expect(out).toEqual({
      // Node 20 ignores a transfer-list entry it cannot detach and clones the bytes instead
      cloned: copies ? 65536 : 'DataCloneError',
      posted: copies ? 'sent' : 'DataCloneError',
      worker: copies ? 65536 : null,
      // the copies' stores reached neither the mapping nor the file
      mainLength: 65536,
      mainIntact: true,
      file: { first: 0x11, restIntact: true },
    });
  });
});
