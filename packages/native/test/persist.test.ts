// persist.test.ts -- persist/flush/drain by granularity and the PMEM_* load-time selection

import { describe, expect, it } from 'vitest';
import type { PersistInfo } from '../src/index.js';
import {
  BYTE,
  binding,
  CACHE_LINE,
  childJson,
  childMapForced,
  mapForced,
  mappedOf,
  mapRw,
  PAGE,
  PAGE_GRANULARITY,
  storedNothing,
} from './helpers.js';

const info = binding.persistInfo();
const cpu = info.cpu;
const x64 = info.arch === 'x64';

describe('persist, flush and drain follow the granularity mapNew decided (§5.2)', () => {
  it('PAGE: persist and flush msync; neither flushes lines nor drains', () => {
    const map = mapForced(PAGE_GRANULARITY, 4 * PAGE);
    expect(mappedOf(map).persistKind).toBe('msync');
    expect(binding.persist(map, 100, 5000)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    expect(binding.flush(map, 100, 5000)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ msynced: true }));
    binding.mapDelete(map);
  });

  it.runIf(x64)('CACHE_LINE: persist flushes lines then drains; flush only flushes', () => {
    const map = mapForced(CACHE_LINE, 4 * PAGE);
    expect(mappedOf(map).persistKind).toBe('flush');
    expect(binding.persist(map, 1, 200)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ flushed: true, drained: true }));
    expect(binding.flush(map, 1, 200)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ flushed: true }));
    binding.mapDelete(map);
  });

  it('BYTE: persist only drains; flush does nothing', () => {
    const map = mapRw(-1, 4 * PAGE);
    expect(mappedOf(map).persistKind).toBe('fence');
    expect(binding.persist(map, 0, 64)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({ drained: true }));
    expect(binding.flush(map, 0, 64)).toBe(0);
    expect(binding.lastOp()).toEqual(storedNothing({}));
    binding.mapDelete(map);
  });

  it('drain issues the fence', () => {
    binding.drain();
    expect(binding.lastOp().drained).toBe(true);
  });
});

/** persistInfo() of a child started with `env`. */
function infoWith(env: Record<string, string>): PersistInfo {
  return childJson<PersistInfo>('console.log(JSON.stringify(binding.persistInfo()));', env);
}

const defaultFlush = cpu.clwb ? 'clwb' : cpu.clflushopt ? 'clflushopt' : 'clflush';
const defaultMemcpy = cpu.avx512f ? 'avx512f' : cpu.avx ? 'avx' : 'sse2';

describe.runIf(x64)('load-time selection honours the PMEM_* variables exactly (§4.5, §5.1)', () => {
  it('prefers CLWB > CLFLUSHOPT > CLFLUSH and AVX-512F > AVX > SSE2 by default', () => {
    const got = infoWith({});
    expect(got.flush).toBe(defaultFlush);
    expect(got.memcpy).toBe(defaultMemcpy);
    expect(got.movntThreshold).toBe(256);
    expect(got.cpu).toEqual(cpu);
  });

  it('PMEM_NO_CLWB=1 falls back to clflushopt (or clflush)', () => {
    expect(infoWith({ PMEM_NO_CLWB: '1' }).flush).toBe(cpu.clflushopt ? 'clflushopt' : 'clflush');
  });

  it('PMEM_NO_CLWB=1 PMEM_NO_CLFLUSHOPT=1 falls back to clflush', () => {
    expect(infoWith({ PMEM_NO_CLWB: '1', PMEM_NO_CLFLUSHOPT: '1' }).flush).toBe('clflush');
  });

  it('only exactly "1" disables: PMEM_NO_CLWB=yes and =01 change nothing', () => {
    expect(infoWith({ PMEM_NO_CLWB: 'yes' }).flush).toBe(defaultFlush);
    expect(infoWith({ PMEM_NO_CLWB: '01' }).flush).toBe(defaultFlush);
  });

  it('PMEM_NO_MOVNT=1 selects the generic routines; with PMEM_NO_GENERIC_MEMCPY=1, libc', () => {
    expect(infoWith({ PMEM_NO_MOVNT: '1' }).memcpy).toBe('generic');
    expect(infoWith({ PMEM_NO_MOVNT: '1', PMEM_NO_GENERIC_MEMCPY: '1' }).memcpy).toBe('libc');
    expect(infoWith({ PMEM_NO_MOVNT: '1', PMEM_NO_GENERIC_MEMCPY: '0' }).memcpy).toBe('generic');
  });

  it('PMEM_NO_GENERIC_MEMCPY does nothing while arch routines are installed', () => {
    expect(infoWith({ PMEM_NO_GENERIC_MEMCPY: '1' }).memcpy).toBe(defaultMemcpy);
  });

  it.runIf(cpu.avx512f && cpu.avx)('PMEM_AVX512F=0 stays on AVX', () => {
    expect(infoWith({ PMEM_AVX512F: '0' }).memcpy).toBe('avx');
  });

  it('PMEM_AVX=0 PMEM_AVX512F=0 stays on SSE2', () => {
    expect(infoWith({ PMEM_AVX: '0', PMEM_AVX512F: '0' }).memcpy).toBe('sse2');
  });

  it('MOVDIR64B is opt-in: unset or "0" ignores it, any other value uses it when present', () => {
    expect(infoWith({ PMEM_MOVDIR64B: '0' }).memcpy).toBe(defaultMemcpy);
    expect(infoWith({ PMEM_MOVDIR64B: '1' }).memcpy).toBe(
      cpu.movdir64b ? 'movdir64b' : defaultMemcpy,
    );
  });

  it('PMEM_MOVNT_THRESHOLD is read with atoll; negative values are ignored', () => {
    expect(infoWith({ PMEM_MOVNT_THRESHOLD: '1000' }).movntThreshold).toBe(1000);
    expect(infoWith({ PMEM_MOVNT_THRESHOLD: '0' }).movntThreshold).toBe(0);
    expect(infoWith({ PMEM_MOVNT_THRESHOLD: '-5' }).movntThreshold).toBe(256);
    expect(infoWith({ PMEM_MOVNT_THRESHOLD: '64kb' }).movntThreshold).toBe(64);
  });

  it('PMEM_WC_WORKAROUND forces the WC barrier on or off', () => {
    expect(infoWith({ PMEM_WC_WORKAROUND: '1' }).wcWorkaround).toBe(true);
    expect(infoWith({ PMEM_WC_WORKAROUND: '0' }).wcWorkaround).toBe(false);
  });
});

describe.runIf(x64)('the selection changes what the mem functions do', () => {
  const probe = (granularity: number, len: number, flags: number): string => `
    ${childMapForced(granularity as 0 | 1 | 2, 65536)}
    const st = binding.memset(m, 0, 1, ${len}, ${flags});
    console.log(JSON.stringify({ st, op: binding.lastOp() }));`;

  it('PMEM_MOVNT_THRESHOLD=1000 keeps a 512-byte copy temporal; =0 makes 128 bytes non-temporal', () => {
    const hi = childJson<{ op: { store: string } }>(probe(CACHE_LINE, 512, 0), {
      PMEM_MOVNT_THRESHOLD: '1000',
    });
    expect(hi.op.store).toBe('t');
    const lo = childJson<{ op: { store: string } }>(probe(CACHE_LINE, 128, 0), {
      PMEM_MOVNT_THRESHOLD: '0',
    });
    expect(lo.op.store).toBe('nt');
  });

  it('with clwb/clflushopt the drain orders NT stores; with clflush an sfence follows them', () => {
    const clwb = childJson<{ op: { store: string; ntFence: boolean } }>(
      probe(CACHE_LINE, 1024, 0),
      {},
    );
    expect(clwb.op).toMatchObject({ store: 'nt', ntFence: defaultFlush === 'clflush' });
    const clflush = childJson<{ op: { store: string; ntFence: boolean } }>(
      probe(CACHE_LINE, 1024, 0),
      {
        PMEM_NO_CLWB: '1',
        PMEM_NO_CLFLUSHOPT: '1',
      },
    );
    expect(clflush.op).toMatchObject({ store: 'nt', ntFence: true });
  });

  it('PMEM_NO_MOVNT=1: generic 8-byte stores, flushed, never non-temporal, even at BYTE', () => {
    for (const g of [BYTE, CACHE_LINE]) {
      const r = childJson<{ st: number; op: Record<string, unknown> }>(probe(g, 1024, 2), {
        PMEM_NO_MOVNT: '1',
      });
      expect(r.st).toBe(0);
      expect(r.op).toMatchObject({ store: 't', flushed: true, drained: true });
    }
  });
});
