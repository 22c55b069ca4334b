// expect-prebuild.mjs -- the first setup file of every test file the arm64 rows run (copied next
// to the suite by lib/arm64-suite.mjs): the test fails unless the @pmem2/native addon mapped
// into this process is the prebuild PMEM2_EXPECT_PREBUILD names (prebuilds/<platform>/<file>)
import { readFileSync } from 'node:fs';

const expected = process.env.PMEM2_EXPECT_PREBUILD;
if (!expected) throw new Error('PMEM2_EXPECT_PREBUILD is not set');
await import('@pmem2/native');
const addons = readFileSync('/proc/self/maps', 'utf8').match(/\S+\.node$/gm) ?? [];
if (!addons.some((file) => file.endsWith(`/@pmem2/native/${expected}`)))
  throw new Error(
    `@pmem2/native loaded ${[...new Set(addons)].join(' ') || 'no addon'}, not ${expected}`,
  );
