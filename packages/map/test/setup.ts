// setup.ts -- vitest setupFiles entry of the map tests: environment stubs (PMEM2_FORCE_GRANULARITY)
// end with each test; the test kit's own setup removes the test files' temp directories

import { afterEach, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
});
