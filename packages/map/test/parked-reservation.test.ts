// parked-reservation.test.ts -- a mapping deleted inside a reservation while a thread-pool task
// still writes into its view: nothing is placed over the range until the task is done and the
// buffer collected, and deleting the reservation leaves the task's memory in place

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const dist = (pkg: string) =>
  pathToFileURL(join(import.meta.dirname, '..', '..', pkg, 'dist', 'index.js')).href;
const dir = mkdtempSync(join(tmpdir(), 'pmem2-parked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a parked range refuses a new map (MAPPING_EXISTS, saying why) until collected; B keeps its bytes', () => {
  const script = `
    import crypto from 'node:crypto';
    import fs from 'node:fs';
    import { Config, Granularity } from ${JSON.stringify(dist('config'))};
    import { Source } from ${JSON.stringify(dist('source'))};
    import { mapNew, VmReservation } from ${JSON.stringify(dist('map'))};
    const MiB = 1 << 20;
    const a = ${JSON.stringify(dir)} + '/a-' + process.pid;
    const b = ${JSON.stringify(dir)} + '/b-' + process.pid;
    fs.writeFileSync(a, Buffer.alloc(16 * MiB));
    fs.writeFileSync(b, Buffer.alloc(16 * MiB, 0x5a));
    const srcA = Source.fromPath(a);
    const srcB = Source.fromPath(b);
    const err = (f) => { try { f(); return null; } catch (e) { return { code: e.code, message: e.message }; } };
    const rsv = VmReservation.new(64 * MiB);
    const cfg = () => new Config().setRequiredStoreGranularity(Granularity.PAGE).setVmReservation(rsv, 0);
    const m1 = mapNew(cfg(), srcA);
    let view = m1.bytes();
    const filled = new Promise((res) => crypto.randomFill(view, () => res()));
    m1.delete();
    const refused = err(() => mapNew(cfg(), srcB));
    await filled;
    view = undefined;
    // maps src at offset 0 once the parked range there is returned (collected buffers)
    const mapWhenFree = async (src) => {
      for (let i = 0; i < 100; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10));
        try { return mapNew(cfg(), src); } catch (e) { if (e.code !== 'PMEM2_E_MAPPING_EXISTS') throw e; }
      }
      return undefined;
    };
    const m2 = await mapWhenFree(srcB);
    const intact = m2 !== undefined && Buffer.from(m2.bytes()).equals(Buffer.alloc(16 * MiB, 0x5a));
    m2?.delete();
    // delete the reservation while a task still writes into a parked map of it
    const m3 = await mapWhenFree(srcA);
    let v3 = m3.bytes();
    const again = new Promise((res) => crypto.randomFill(v3, (e) => res(e ? e.code : 'ok')));
    m3.delete();
    const rsvDeleted = err(() => rsv.delete());
    const task = await again;
    v3 = undefined;
    srcA.delete();
    srcB.delete();
    console.log(JSON.stringify({ refused, remapped: m2 !== undefined, intact, rsvDeleted, task,
      fileBUntouched: fs.readFileSync(b).equals(Buffer.alloc(16 * MiB, 0x5a)) }));
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toEqual({
    signal: null,
    status: 0,
    stderr: '',
  });
  const out = JSON.parse(r.stdout);
  expect(out.refused.code).toBe('PMEM2_E_MAPPING_EXISTS');
  expect(out.refused.message).toContain('until its ArrayBuffer is collected');
  expect(out).toMatchObject({
    remapped: true,
    intact: true,
    rsvDeleted: null,
    // Bun's randomFill sees the view detached and fails the task ("The buffer was detached or
    // resized before it was filled"); Node's writes into the parked memory
    task: process.versions.bun ? 'ERR_CRYPTO_OPERATION_FAILED' : 'ok',
    fileBUntouched: true,
  });
});
