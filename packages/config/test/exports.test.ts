// exports.test.ts -- the public API of @pmem2/config is exactly this list

import { expect, it } from 'vitest';
import * as api from '../src/index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'Config',
    'Granularity',
    'INT64_MAX',
    'Protection',
    'SIZE_MAX',
    'Sharing',
    'describeValue',
    'toSize',
    'validateGranularitySet',
    'validateLength',
    'validateOffset',
  ]);
});
