// corruption.property.test.ts -- fast-check: bytes flipped anywhere in a closed log; opening it
// either refuses with a LogError (a damaged header) or returns a prefix of the records

import { Granularity } from '@pmem2/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLogError, LinearLog, RingLog } from '../src/index.js';
import { Machine, rng, simStorage } from './helpers/write-back.js';

describe.each(['linear', 'ring'] as const)('a damaged %s log', (shape) => {
  it('open-randomFlips-aLogErrorOrAPrefixOfTheRecords', () => {
    const options = { granularity: Granularity.BYTE, areaSize: 8192, growable: shape === 'linear' };
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.boolean(),
        (records, flips, inHeader) => {
          const storage = simStorage(new Machine(rng(1)), options);
          const log = shape === 'linear' ? LinearLog.format(storage) : RingLog.format(storage);
          const written: Uint8Array[] = [];
          for (const [i, record] of records.entries()) {
            if (shape === 'ring' && log.tail + record.length + 96 > 8192) break;
            log.append(record);
            written.push(record);
            if (i % 3 === 2) log.commit();
          }
          log.close();
          const image = storage.volatileImage();
          const targets = inHeader ? [image.header] : image.areas;
          for (const [where, xor] of flips) {
            const target = targets[where % targets.length] as Uint8Array;
            const at = Math.floor(where / targets.length) % (inHeader ? 2048 : target.length);
            target[at] = (target[at] as number) ^ xor;
          }
          const again = simStorage(new Machine(rng(2)), { ...options, from: image });
          let got: Uint8Array[];
          try {
            const opened = shape === 'linear' ? LinearLog.recover(again) : RingLog.recover(again);
            got = [...opened.records()].map((r) => r.data);
            opened.close();
          } catch (error) {
            expect(isLogError(error), String(error)).toBe(true);
            expect(inHeader).toBe(true);
            return;
          }
          expect(got.length).toBeLessThanOrEqual(written.length);
          expect(got).toEqual(written.slice(0, got.length));
        },
      ),
      { numRuns: 300 },
    );
  });
});
