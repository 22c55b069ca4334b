// group-commit.test.ts -- many appends, one persist: the mapping calls a commit makes

import { Granularity } from '@pmem2/config';
import { describe, expect, it } from 'vitest';
import { LinearLog } from '../src/index.js';
import { Machine, rng, simStorage } from './helpers/write-back.js';

/** Counts the persist/flush/drain calls the log makes on a simulated storage. */
function countedLog(granularity: Granularity) {
  const storage = simStorage(new Machine(rng(1), Number.POSITIVE_INFINITY, 0), {
    granularity,
    areaSize: 1 << 20,
    growable: true,
  });
  const calls = { persist: 0, flush: 0, drain: 0 };
  for (const mapping of [storage.header, ...storage.areas]) {
    for (const name of ['persist', 'flush', 'drain'] as const) {
      const original = mapping[name].bind(mapping) as (...args: number[]) => void;
      mapping[name] = (...args: number[]) => {
        calls[name]++;
        original(...args);
      };
    }
  }
  const log = LinearLog.format(storage, { autoCommit: false });
  calls.persist = calls.flush = calls.drain = 0; // format and the epoch are not the point
  return { log, calls };
}

describe('group commit', () => {
  it.each([
    ['PAGE', Granularity.PAGE, { persist: 1, flush: 0, drain: 0 }],
    ['CACHE_LINE', Granularity.CACHE_LINE, { persist: 0, flush: 1, drain: 1 }],
    ['BYTE', Granularity.BYTE, { persist: 0, flush: 0, drain: 1 }],
  ] as const)('commit-256Records-%sOneCallSetForTheWholeGroup', (_name, granularity, expected) => {
    const { log, calls } = countedLog(granularity);
    for (let i = 0; i < 256; i++) log.append(new Uint8Array(64).fill(i));
    expect(calls).toEqual({ persist: 0, flush: 0, drain: 0 }); // appends only store
    log.commit();
    expect(calls).toEqual(expected);
    log.commit(); // nothing pending: no call at all
    expect(calls).toEqual(expected);
    log.close();
  });
});
