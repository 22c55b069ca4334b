// model.property.test.ts -- fast-check: append/commit/reopen/iterate/read/trim/power-loss
// sequences agree with an in-memory model (see helpers/scenario.ts for the rules checked)

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { GRANULARITIES, type Op, runScenario } from './helpers/scenario.js';

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      length: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2000 })),
      fill: fc.integer({ min: 0, max: 255 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'commit' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('trim' as const),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('iterate' as const),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('powerLoss' as const),
      inCalls: fc.integer({ min: 1, max: 6 }),
    }),
  },
);

describe.each(GRANULARITIES)('model at %s granularity', (_name, granularity) => {
  for (const shape of ['linear', 'ring'] as const) {
    it(`${shape}-randomSequences-matchTheModel`, () => {
      fc.assert(
        fc.property(
          fc.array(op, { maxLength: 80 }),
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          (ops, seed) => {
            runScenario(
              { shape, granularity, areaSize: shape === 'ring' ? 8192 : 4096, seed },
              ops,
            );
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
