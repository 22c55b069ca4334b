// commit-async.test.ts -- commitAsync on the write-back model: groups in flight while more are
// appended and committed, the power failing at random; every resolved commit is recovered

import { Granularity } from '@pmem2/config';
import { describe, expect, it } from 'vitest';
import { LinearLog, RingLog } from '../src/index.js';
import { Machine, PowerLoss, rng, simStorage } from './helpers/write-back.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One schedule; returns how many records the resolved commits covered and what came back. */
async function schedule(seed: number, shape: 'linear' | 'ring') {
  const random = rng(seed);
  const options = { granularity: Granularity.PAGE, areaSize: 16384, growable: shape === 'linear' };
  const machine = new Machine(random);
  const storage = simStorage(machine, options);
  const log =
    shape === 'linear'
      ? LinearLog.format(storage, { autoCommit: false })
      : RingLog.format(storage, { autoCommit: false });
  machine.failAt = machine.calls + 2 + Math.floor(random() * 25);
  let appended = 0;
  let acknowledged = 0; // records covered by a commitAsync that resolved
  const inFlight: Promise<void>[] = [];
  try {
    for (let step = 0; step < 200 && !machine.dead; step++) {
      const r = random();
      if (r < 0.6 && log.tail < 7000) {
        log.append(new Uint8Array(1 + Math.floor(random() * 200)).fill(appended & 0xff));
        appended++;
      } else if (r < 0.85) {
        const covers = appended;
        inFlight.push(
          log.commitAsync().then(
            () => {
              acknowledged = Math.max(acknowledged, covers);
            },
            (error: unknown) => {
              if (!(error instanceof PowerLoss)) throw error;
            },
          ),
        );
      } else await turn(); // lets the simulated thread pool finish some msyncs
    }
  } catch (error) {
    if (!(error instanceof PowerLoss)) throw error;
  }
  machine.dead = true;
  await Promise.all(inFlight);
  const image = storage.image(random);
  const again = simStorage(new Machine(random), { ...options, from: image });
  const recovered = shape === 'linear' ? LinearLog.recover(again) : RingLog.recover(again);
  const lengths = [...recovered.records()].map((record, i) => [record.data[0], i & 0xff]);
  recovered.close();
  return { appended, acknowledged, recovered: lengths };
}

describe('commitAsync under power loss', () => {
  for (const shape of ['linear', 'ring'] as const) {
    it(`${shape}-commitsInFlight-everyResolvedCommitRecoveredInOrder`, async () => {
      let acknowledgedSomewhere = 0;
      for (let seed = 1; seed <= 150; seed++) {
        const { appended, acknowledged, recovered } = await schedule(seed, shape);
        // a prefix of what was appended, in order (record i starts with byte i & 0xff) ...
        expect(recovered.every(([got, want]) => got === want)).toBe(true);
        expect(recovered.length).toBeLessThanOrEqual(appended);
        // ... that holds every record a resolved commitAsync covered
        expect(recovered.length).toBeGreaterThanOrEqual(acknowledged);
        acknowledgedSomewhere += acknowledged;
      }
      expect(acknowledgedSomewhere).toBeGreaterThan(0);
    });
  }
});
