// js-ops.ts -- the JS side of each workload, per peer, mirroring c/bench.c operation for operation

import * as fs from 'node:fs';
import { batchRunner, floorRunner } from './js-ops-batch.js';
import { prepareLogOps } from './log-ops.js';
import type { MmapIo } from './mmap-io-api.js';
import { type JsPeers, withPeer } from './peers.js';
import type { Pmem2Api, Pmem2MapLike } from './pmem2-api.js';
import type { BenchCase } from './types.js';

const CACHE_LINE = 64;
const PAGE = 4096;
const RANDOM_OFFSETS = 65536;

/** A prepared case: `run(n)` performs n operations; `close()` releases everything. */
export interface PreparedOps {
  readonly effectiveGranularity: string;
  run(n: number): void;
  /** Untimed work between samples (mmap-io: let the GC free dropped mappings). */
  readonly betweenSamples?: () => Promise<void>;
  close(): void;
}

/** The xorshift32 offset table of c/bench.c: 8-byte aligned offsets below `size`. */
export function randomOffsets(size: number): Uint32Array {
  const out = new Uint32Array(RANDOM_OFFSETS);
  const slots = size / 8;
  let x = 0x9e3779b9;
  for (let i = 0; i < RANDOM_OFFSETS; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = (x % slots) * 8;
  }
  return out;
}

/**
 * Untimed: dirty every page so no sample pays a first-touch or write-protect fault (ext4
 * without DAX faults on the first store to a clean page). Not fsynced, as in c/bench.c.
 */
function prefault(bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; off += PAGE) bytes[off] = bytes[off] ?? 0;
}

function filledSource(len: number): Buffer {
  return Buffer.alloc(len, 0x5a);
}

function pmem2Ops(c: BenchCase, api: Pmem2Api): PreparedOps {
  const fd = fs.openSync(c.path, 'r+');
  const source = api.sourceFromFd(fd);
  const closeSource = (): void => {
    source.delete?.();
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  };
  if (c.workload === 'map') {
    const config = api.pageConfig();
    const probe = api.mapNew(config, source);
    const effectiveGranularity = api.granularityName(probe.storeGranularity);
    probe.delete();
    return {
      effectiveGranularity,
      run(n) {
        for (let k = 0; k < n; k++) api.mapNew(config, source).delete();
      },
      close: closeSource,
    };
  }
  const map: Pmem2MapLike = api.mapPage(source);
  const effectiveGranularity = api.granularityName(map.storeGranularity);
  const bytes = new Uint8Array(map.buffer);
  prefault(bytes);
  const close = (): void => {
    map.delete();
    closeSource();
  };
  const { size, len, flags } = c;
  let i = 0;
  const ops = (run: (n: number) => void): PreparedOps => ({ effectiveGranularity, run, close });
  switch (c.workload) {
    case 'persist':
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) {
          const off = (i * len) % size;
          for (let l = 0; l < len; l += CACHE_LINE) bytes[off + l] = i;
          map.persist(off, len);
        }
      });
    case 'memcpy': {
      const src = filledSource(len);
      if (c.peer === 'js-buffer-copy') {
        const target = Buffer.from(map.buffer);
        return ops((n) => {
          for (let k = 0; k < n; k++, i++) src.copy(target, (i * len) % size);
        });
      }
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) map.memcpy((i * len) % size, src, flags);
      });
    }
    case 'append': {
      const record = filledSource(len);
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) {
          const off = (i * len) % size;
          record[0] = i;
          bytes.set(record, off);
          map.persist(off, len);
        }
      });
    }
    case 'batch': {
      const batch = batchRunner(map, bytes, size);
      return ops((n) => {
        batch(i, n);
        i += n;
      });
    }
    case 'floor':
      return ops(floorRunner(api.nativeDrain));
    case 'update': {
      const view = new DataView(map.buffer);
      const offsets = randomOffsets(size);
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) {
          const off = offsets[i % RANDOM_OFFSETS] as number;
          view.setFloat64(off, i, true);
          map.persist(off, 8);
        }
      });
    }
    default:
      throw new Error(`@pmem2/map has no ${c.workload} case`);
  }
}

const settle = async (): Promise<void> => {
  globalThis.gc?.();
  await new Promise<void>((resolve) => setImmediate(resolve));
};

function mmapIoOps(c: BenchCase, mmap: MmapIo): PreparedOps {
  const fd = fs.openSync(c.path, 'r+');
  const protection = mmap.PROT_READ | mmap.PROT_WRITE;
  const closeFd = (): void => {
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  };
  const { size, len } = c;
  if (c.workload === 'map') {
    return {
      effectiveGranularity: 'n/a',
      run(n) {
        for (let k = 0; k < n; k++) mmap.map(size, protection, mmap.MAP_SHARED, fd, 0);
      },
      betweenSamples: settle,
      close: closeFd,
    };
  }
  const buf = mmap.map(size, protection, mmap.MAP_SHARED, fd, 0);
  prefault(buf);
  let i = 0;
  const ops = (run: (n: number) => void): PreparedOps => ({
    effectiveGranularity: 'n/a',
    run,
    close: closeFd,
  });
  switch (c.workload) {
    case 'memcpy': {
      const src = filledSource(len);
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) {
          const off = (i * len) % size;
          src.copy(buf, off);
          mmap.sync(buf, off, len, true, false);
        }
      });
    }
    case 'append': {
      const record = filledSource(len);
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) {
          const off = (i * len) % size;
          record[0] = i;
          buf.set(record, off);
          mmap.sync(buf, off - (off % PAGE), PAGE, true, false);
        }
      });
    }
    case 'update': {
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const offsets = randomOffsets(size);
      return ops((n) => {
        for (let k = 0; k < n; k++, i++) {
          const off = offsets[i % RANDOM_OFFSETS] as number;
          view.setFloat64(off, i, true);
          mmap.sync(buf, off - (off % PAGE), PAGE, true, false);
        }
      });
    }
    default:
      throw new Error(`mmap-io has no ${c.workload} case`);
  }
}

function nodeFsOps(c: BenchCase): PreparedOps {
  const fd = fs.openSync(c.path, 'r+');
  const { size, len } = c;
  let i = 0;
  const close = (): void => {
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  };
  const src = filledSource(len);
  switch (c.workload) {
    case 'memcpy':
      return {
        effectiveGranularity: 'n/a',
        run(n) {
          for (let k = 0; k < n; k++, i++) fs.writeSync(fd, src, 0, len, (i * len) % size);
        },
        close,
      };
    case 'append':
      return {
        effectiveGranularity: 'n/a',
        run(n) {
          for (let k = 0; k < n; k++, i++) {
            src[0] = i;
            fs.writeSync(fd, src, 0, len, (i * len) % size);
            fs.fdatasyncSync(fd);
          }
        },
        close,
      };
    default:
      throw new Error(`node:fs has no ${c.workload} case`);
  }
}

/** Prepares a case for its peer, or returns why the peer cannot run it. */
export function prepareOps(c: BenchCase, peers: JsPeers): PreparedOps | { unavailable: string } {
  if (c.workload === 'log') return prepareLogOps(c, peers);
  switch (c.peer) {
    case 'js-pmem2':
    case 'js-buffer-copy':
      return withPeer(peers.pmem2, (pmem2) => pmem2Ops(c, pmem2));
    case 'mmap-io':
      return withPeer(peers.mmapIo, (io) => mmapIoOps(c, io));
    case 'node-fs':
      return nodeFsOps(c);
    default:
      throw new Error(`${c.peer} is not a JS peer`);
  }
}
