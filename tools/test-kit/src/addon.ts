// addon.ts -- compiles a test-only N-API addon of fixtures/addons (never part of a published
// package), or says loudly why it cannot

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportSkip } from './oracle.js';
import { tempDir } from './temp.js';

const ADDONS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'addons');
/** Node's N-API header, as `npm_config_nodedir=/usr` (the CI setting) finds it. */
export const NODE_API_HEADER = '/usr/include/node/node_api.h';

/**
 * Compiles `fixtures/addons/<name>.c` with `gcc -shared -Wall -Wextra -Werror` into a temp dir
 * removed after the test file and returns the `.node` file (load it with `createRequire`), or
 * reports the skip of `what` ({@link reportSkip}: a failure with PMEM2_REQUIRE_ORACLE=1) and
 * returns `undefined` when gcc or Node's headers are missing or the build fails.
 */
export function buildTestAddon(name: string, what: string): string | undefined {
  let why = existsSync(NODE_API_HEADER)
    ? undefined
    : `${NODE_API_HEADER} is missing (Node's development headers)`;
  if (why === undefined) {
    const output = join(tempDir('pmem2-addon-'), `${name}.node`);
    try {
      execFileSync(
        'gcc',
        [
          '-std=gnu11',
          '-O1',
          '-shared',
          '-fPIC',
          '-Wall',
          '-Wextra',
          '-Werror',
          '-DNAPI_VERSION=8',
          `-I${dirname(NODE_API_HEADER)}`,
          '-o',
          output,
          join(ADDONS, `${name}.c`),
        ],
        { stdio: 'pipe' },
      );
      return output;
    } catch (error) {
      why = `gcc could not build the test addon ${name}: ${String(error)}`;
    }
  }
  reportSkip(what, why);
  return undefined;
}
