#!/usr/bin/env node
// bin.ts -- the pmem2 executable: runs main() on the command line and exits with its status

import { ExitCode } from './exit-codes.js';

try {
  // Loaded here, not imported statically, so that a missing native addon is one clear line.
  const { main } = await import('./main.js');
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  process.stderr.write(
    `pmem2: cannot load the pmem2 libraries: ${reason}${typeof code === 'string' ? ` [${code}]` : ''}\n`,
  );
  process.exitCode = ExitCode.INTERNAL;
}
