// scenario.ts -- runs a list of log operations on simulated memory against an in-memory model
//
// The model is the list of appended records, how many of them a returned commit covered,
// and the head (ring). After every simulated power loss the log is recovered from the
// media image and must hold exactly a run of the appended records, in order, that starts at
// the head (the old one, or the one a trim in flight was persisting) and reaches at least
// the last returned commit. Every reopen, iteration and read is checked against the model.

import { Granularity } from '@pmem2/config';
import { expect } from 'vitest';
import { type AppendLog, isLogError, LinearLog, RingLog } from '../../src/index.js';
import { Machine, PowerLoss, rng, type SimStorage, simStorage } from './write-back.js';

/** One step of a scenario. */
export type Op =
  | { readonly kind: 'append'; readonly length: number; readonly fill: number }
  | { readonly kind: 'commit' }
  | { readonly kind: 'trim'; readonly at: number }
  | { readonly kind: 'read'; readonly at: number }
  | { readonly kind: 'iterate'; readonly at: number }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'powerLoss'; readonly inCalls: number };

/** The log under test. */
export interface ScenarioConfig {
  readonly shape: 'linear' | 'ring';
  readonly granularity: Granularity;
  readonly areaSize: number;
  readonly seed: number;
}

interface Entry {
  readonly position: number;
  readonly data: Uint8Array;
}

/** What a scenario went through, for assertions that it tested something. */
export interface ScenarioStats {
  recoveries: number;
  recoveredRecords: number;
  lostUncommitted: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function payload(length: number, fill: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (fill + i * 31) & 0xff;
  return bytes;
}

/** Runs `ops`; throws (a vitest expectation) at the first step the log disagrees with the model. */
export function runScenario(config: ScenarioConfig, ops: readonly Op[]): ScenarioStats {
  const random = rng(config.seed);
  const stats: ScenarioStats = { recoveries: 0, recoveredRecords: 0, lostUncommitted: 0 };
  const open = (storage: SimStorage, format: boolean): AppendLog => {
    const options = { autoCommit: false } as const;
    if (config.shape === 'linear') {
      return format ? LinearLog.format(storage, options) : LinearLog.recover(storage, options);
    }
    return format ? RingLog.format(storage, options) : RingLog.recover(storage, options);
  };
  const storageOptions = {
    granularity: config.granularity,
    areaSize: config.areaSize,
    growable: config.shape === 'linear',
  };
  let machine = new Machine(random);
  let storage = simStorage(machine, storageOptions);
  let log = open(storage, true);
  let appended: Entry[] = [];
  let committed = 0; // records covered by a commit that returned
  let head = 0; // index of the first live record
  let headPosition = 0; // and the position the log holds for it
  // A trim in flight: the index and position of its new head (a trim to the tail moves past
  // the commit record it writes first, so its head is only known to be at least there).
  let trimming: [index: number, position: number, toTail: boolean] | null = null;

  const live = (): Entry[] => appended.slice(head);
  const pick = (at: number): number => head + Math.floor(at * (appended.length - head));

  const recoverFrom = (image: ReturnType<SimStorage['image']>, clean: boolean): void => {
    machine = new Machine(random);
    storage = simStorage(machine, { ...storageOptions, from: image });
    log = open(storage, false);
    const got = [...log.records()];

    // The head is the old one, or the one a trim in flight was persisting.
    const starts: [number, number, boolean][] = [
      [head, headPosition, false],
      ...(trimming ? [trimming] : []),
    ];
    const chosen = starts.find(([, p, toTail]) => (toTail ? log.head >= p : p === log.head));
    expect(chosen, `head ${log.head} is neither ${JSON.stringify(starts)}`).toBeDefined();
    const start = (chosen as [number, number, boolean])[0];
    const position = log.head;
    const expected = appended.slice(start, start + got.length);
    expect(got.map((r) => r.position)).toEqual(expected.map((r) => r.position));
    const differs = got.findIndex((r, i) => !sameBytes(r.data, (expected[i] as Entry).data));
    expect(differs, `record ${differs} recovered with other bytes`).toBe(-1);
    expect(start + got.length).toBeGreaterThanOrEqual(clean ? appended.length : committed);
    stats.recoveries++;
    stats.recoveredRecords += got.length;
    stats.lostUncommitted += appended.length - (start + got.length);
    appended = appended.slice(0, start + got.length);
    committed = appended.length;
    head = start;
    headPosition = position;
    trimming = null;
  };

  const step = (op: Op): void => {
    switch (op.kind) {
      case 'append': {
        const data = payload(Math.min(op.length, log.maxPayload), op.fill);
        try {
          appended.push({ position: log.append(data), data });
        } catch (error) {
          if (!isLogError(error, 'LOG_FULL')) throw error;
          if (config.shape === 'linear') throw error;
          trimming = [appended.length, log.tail, true];
          (log as RingLog).trim(log.tail); // consume everything, then the record fits
          committed = appended.length;
          [head, headPosition] = [appended.length, log.head];
          trimming = null;
          appended.push({ position: log.append(data), data });
        }
        return;
      }
      case 'commit':
        log.commit();
        committed = appended.length;
        return;
      case 'trim': {
        if (config.shape !== 'ring') return;
        const index = pick(op.at);
        const position = appended[index]?.position ?? log.tail;
        if (index <= head) return;
        trimming = [index, position, index === appended.length];
        (log as RingLog).trim(position);
        if (index > committed) committed = appended.length;
        [head, headPosition] = [index, log.head];
        trimming = null;
        return;
      }
      case 'read': {
        const entry = appended[pick(op.at)];
        if (entry !== undefined) expect(log.read(entry.position)).toEqual(entry.data);
        return;
      }
      case 'iterate': {
        const index = pick(op.at);
        const from = appended[index]?.position;
        const got = [...log.records(from)];
        const want = live().slice(from === undefined ? 0 : index - head);
        expect(got.map((r) => r.position)).toEqual(want.map((e) => e.position));
        const differs = got.findIndex((r, i) => !sameBytes(r.data, (want[i] as Entry).data));
        expect(differs).toBe(-1);
        return;
      }
      case 'reopen':
        log.close(); // commits
        committed = appended.length;
        recoverFrom(storage.volatileImage(), true);
        return;
      case 'powerLoss':
        machine.failAt = machine.calls + op.inCalls;
        return;
    }
  };

  for (const op of ops) {
    try {
      step(op);
    } catch (error) {
      if (!(error instanceof PowerLoss)) throw error;
      recoverFrom(storage.image(random), false);
    }
  }
  // The end of the scenario is a power loss at a call boundary, then one more recovery.
  machine.dead = true;
  recoverFrom(storage.image(random), false);
  log.append(payload(10, 7));
  log.close();
  return stats;
}

/** A random scenario of `length` steps from `seed`, for the power-loss schedules. */
export function randomOps(seed: number, length: number, shape: 'linear' | 'ring'): Op[] {
  const random = rng(seed ^ 0x5bd1e995);
  const ops: Op[] = [];
  for (let i = 0; i < length; i++) {
    const r = random();
    if (r < 0.55) ops.push({ kind: 'append', length: Math.floor(random() ** 2 * 900), fill: i });
    else if (r < 0.8) ops.push({ kind: 'commit' });
    else if (r < 0.88 && shape === 'ring') ops.push({ kind: 'trim', at: random() });
    else if (r < 0.92) ops.push({ kind: 'powerLoss', inCalls: 1 + Math.floor(random() * 8) });
    else if (r < 0.95) ops.push({ kind: 'iterate', at: random() });
    else if (r < 0.98) ops.push({ kind: 'read', at: random() });
    else ops.push({ kind: 'reopen' });
  }
  return ops;
}

/** The granularities every suite runs at. */
export const GRANULARITIES = [
  ['PAGE', Granularity.PAGE],
  ['CACHE_LINE', Granularity.CACHE_LINE],
  ['BYTE', Granularity.BYTE],
] as const;
