// ring-log.test.ts -- a ring in a file: wrapping, trimming, a persisted head, full rings

import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLogError, RingLog } from '../src/index.js';
import { scratchDir, text } from './helpers/files.js';

const path = scratchDir('ring');

describe('RingLog', () => {
  it('create-capacity-roundedUpToThePageAndTheFileIsHeaderPlusRing', () => {
    const file = path('size');
    const ring = RingLog.create(file, { capacity: 10_000 });
    expect(ring.capacity).toBe(12_288);
    expect(statSync(file).size).toBe(4096 + 12_288);
    expect(ring.maxPayload).toBe(12_288 / 2 - 64 - 16);
    ring.close();
  });

  it('appendTrim-manyLaps-keepsOnlyTheLiveRecordsAcrossReopen', () => {
    const file = path('laps');
    const ring = RingLog.create(file, { capacity: 8192, autoCommit: false });
    const live: [number, string][] = [];
    for (let i = 0; i < 3000; i++) {
      live.push([ring.append(text(i)), text(i)]);
      if (i % 5 === 4) ring.commit();
      if (live.length > 20) {
        const [[keep]] = live.splice(0, live.length - 20) as [[number, string]];
        ring.trim(live[0]?.[0] ?? keep);
      }
    }
    expect(ring.tail).toBeGreaterThan(20 * 8192); // it wrapped many times
    ring.close();
    const again = RingLog.open(file);
    expect([...again.records()].map((r) => [r.position, new TextDecoder().decode(r.data)])).toEqual(
      live,
    );
    expect(again.head).toBe(live[0]?.[0]);
    again.close();
  });

  it('append-fullRing-throwsLogFullUntilTrimmed', () => {
    const ring = RingLog.create(path('full'), { capacity: 4096, autoCommit: false });
    const first = ring.append(new Uint8Array(1500));
    ring.append(new Uint8Array(1500));
    let error: unknown;
    try {
      ring.append(new Uint8Array(1500));
    } catch (e) {
      error = e;
    }
    expect(isLogError(error, 'LOG_FULL')).toBe(true);
    expect((error as Error).message).toMatch(/trim records you have consumed/);
    expect(ring.read(first).length).toBe(1500); // nothing was damaged by the refusal
    ring.trim(ring.tail);
    expect([...ring.records()]).toEqual([]);
    ring.append(new Uint8Array(1500));
    ring.close();
  });

  it('trim-aRecordInsideAGroup-keepsTheGroupAndReadsFromThatRecord', () => {
    const file = path('mid-group');
    const ring = RingLog.create(file, { capacity: 8192 });
    ring.append('a');
    const b = ring.append('b');
    ring.append('c');
    ring.trim(b); // commits a, b, c as one group, then moves the head to b
    expect(() => ring.read(0)).toThrow(/no live record starts at position 0/);
    ring.close();
    const again = RingLog.open(file);
    expect([...again.records()].map((r) => new TextDecoder().decode(r.data))).toEqual(['b', 'c']);
    again.close();
  });

  it('trim-positionAtOrBeforeTheHead-doesNothing', () => {
    const ring = RingLog.create(path('trim-back'));
    ring.append('a');
    const b = ring.append('b');
    ring.trim(b);
    ring.trim(b);
    expect(ring.head).toBe(b);
    ring.close();
  });
});
