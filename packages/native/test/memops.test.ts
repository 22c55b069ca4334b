// memops.test.ts -- memcpy/memmove/memset correctness of every copy routine, alignments 0..63

import { describe, expect, it } from 'vitest';
import { binding, CACHE_LINE, childJson, childMapForced, mapRw } from './helpers.js';

/**
 * The sweep a child runs with one routine selected: every dst and src alignment 0..63 and
 * lengths around the 256-byte threshold and the 64-byte line, with no flags (threshold
 * decides), NONTEMPORAL and TEMPORAL; overlapping memmove both ways; memset. Guard bytes
 * around each destination must stay untouched. Prints {bad, runs, memcpy}.
 */
const SWEEP = `
${childMapForced(CACHE_LINE, 65536)}
const view = new Uint8Array(binding.mapBuffer(m));
const src = new Uint8Array(8192);
for (let i = 0; i < src.length; i++) src[i] = (i * 131 + 7) & 255;
let bad = 0, runs = 0;
const fail = (what) => { if (bad++ < 5) console.error(what); };
const BASE = 256;
for (const flags of [0, 2, 4]) {
  for (const len of [0, 1, 63, 64, 65, 255, 256, 257, 1100]) {
    for (let d = 0; d < 64; d++) {
      for (let s = 0; s < 64; s++) {
        view.fill(0xee, 0, BASE + 64 + len + 64);
        const st = binding.memcpy(m, BASE + d, src.subarray(s, s + len), flags);
        runs++;
        if (st !== 0) { fail('memcpy status ' + st); continue; }
        if (Buffer.compare(view.subarray(BASE + d, BASE + d + len), src.subarray(s, s + len)) !== 0 ||
            view[BASE + d - 1] !== 0xee || view[BASE + d + len] !== 0xee)
          fail('memcpy d=' + d + ' s=' + s + ' len=' + len + ' flags=' + flags);
      }
      view.fill(0xee, 0, BASE + 64 + len + 64);
      binding.memset(m, BASE + d, 0x5a, len, flags);
      runs++;
      if (!view.subarray(BASE + d, BASE + d + len).every((b) => b === 0x5a) ||
          view[BASE + d - 1] !== 0xee || view[BASE + d + len] !== 0xee)
        fail('memset d=' + d + ' len=' + len + ' flags=' + flags);
    }
  }
  // overlapping memmove, destination above and below the source
  for (const len of [255, 256, 257, 1100, 3000]) {
    for (const delta of [-1100, -257, -64, -63, -1, 1, 7, 63, 64, 65, 300, 1100]) {
      for (const s of [4096, 4096 + 1, 4096 + 33]) {
        view.set(src.subarray(0, 8192), 4096 - 2048);
        const expected = Uint8Array.from(view);
        expected.copyWithin(s + delta, s, s + len);
        const st = binding.memmove(m, s + delta, s, len, flags);
        runs++;
        if (st !== 0 || Buffer.compare(view.subarray(0, 16384), expected.subarray(0, 16384)) !== 0)
          fail('memmove s=' + s + ' delta=' + delta + ' len=' + len + ' flags=' + flags);
      }
    }
  }
}
// memcpy whose source is a view of the same mapping (memmove semantics)
view.set(src.subarray(0, 4096), 8192);
const expected = Uint8Array.from(view);
expected.copyWithin(8192 + 100, 8192, 8192 + 2000);
binding.memcpy(m, 8192 + 100, view.subarray(8192, 8192 + 2000), 0);
runs++;
if (Buffer.compare(view, expected) !== 0) fail('memcpy from its own view');
binding.mapDelete(m);
console.log(JSON.stringify({ bad, runs, memcpy: binding.persistInfo().memcpy }));
`;

const cpu = binding.persistInfo().cpu;
const x64 = binding.persistInfo().arch === 'x64';

const ROUTINES: ReadonlyArray<readonly [string, Record<string, string>, boolean]> = [
  ['sse2', { PMEM_AVX: '0', PMEM_AVX512F: '0', PMEM_WC_WORKAROUND: '0' }, x64],
  ['sse2', { PMEM_AVX: '0', PMEM_AVX512F: '0', PMEM_WC_WORKAROUND: '1' }, x64],
  ['avx', { PMEM_AVX512F: '0', PMEM_WC_WORKAROUND: '1' }, x64 && cpu.avx],
  ['avx512f', {}, x64 && cpu.avx512f],
  ['movdir64b', { PMEM_MOVDIR64B: '1' }, x64 && cpu.movdir64b],
  ['generic', { PMEM_NO_MOVNT: '1' }, true],
  ['libc', { PMEM_NO_MOVNT: '1', PMEM_NO_GENERIC_MEMCPY: '1' }, true],
];

describe('copy routines are byte-exact', () => {
  for (const [name, env, available] of ROUTINES) {
    it.runIf(available)(
      `${name} ${JSON.stringify(env)}: every alignment, length and overlap`,
      () => {
        const r = childJson<{ bad: number; runs: number; memcpy: string }>(SWEEP, env);
        expect(r.memcpy).toBe(name);
        expect(r.runs).toBeGreaterThan(100_000);
        expect(r.bad).toBe(0);
      },
    );
  }
});

describe('memcpy sources', () => {
  it("copies from another mapping's buffer, a DataView, an ArrayBuffer and a Float64Array", () => {
    const a = mapRw(-1, 4096);
    const b = mapRw(-1, 4096);
    const av = new Uint8Array(binding.mapBuffer(a) as ArrayBuffer);
    av.fill(0x11, 0, 100);
    expect(binding.memcpy(b, 0, av.subarray(0, 100), 0)).toBe(0);
    const out = new Uint8Array(100);
    expect(binding.read(b, 0, out)).toBe(0);
    expect(out.every((x) => x === 0x11)).toBe(true);
    const ab = new Uint8Array([1, 2, 3, 4]).buffer;
    expect(binding.memcpy(b, 200, new DataView(ab, 1, 2), 0)).toBe(0);
    expect(binding.memcpy(b, 300, ab, 0)).toBe(0);
    expect(binding.memcpy(b, 400, new Float64Array([1.5]), 0)).toBe(0);
    const got = new Uint8Array(binding.mapBuffer(b) as ArrayBuffer);
    expect([...got.subarray(200, 202)]).toEqual([2, 3]);
    expect([...got.subarray(300, 304)]).toEqual([1, 2, 3, 4]);
    expect(new Float64Array(got.slice(400, 408).buffer)[0]).toBe(1.5);
    binding.mapDelete(a);
    binding.mapDelete(b);
  });
});
