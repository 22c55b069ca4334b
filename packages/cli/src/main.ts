// main.ts -- runs one pmem2 command: dispatch, output, and the exit status of every failure

import { createRequire } from 'node:module';
import { isPmem2Error } from '@pmem2/errors';
import { type Command, parseCommandLine, USAGE } from './cli-args.js';
import { ExitCode } from './exit-codes.js';
import { inspectFile } from './inspect-file.js';
import * as render from './render.js';
import { tryMap } from './try-map.js';
import { UsageError } from './usage-error.js';

/** Where {@link main} writes: stdout for results, stderr for errors. */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processOutput: Output = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

function run(command: Command, out: Output): ExitCode {
  switch (command.name) {
    case 'help':
      out.stdout(USAGE);
      return ExitCode.OK;
    case 'version':
      out.stdout(version());
      return ExitCode.OK;
    case 'info': {
      const info = inspectFile(command.path);
      out.stdout(command.json ? render.toJson(info) : render.formatFileInfo(info));
      return ExitCode.OK;
    }
    case 'map': {
      const result = tryMap(command.path, command.options);
      out.stdout(
        command.json ? render.toJson({ ok: true, ...result }) : render.formatMapResult(result),
      );
      return ExitCode.OK;
    }
  }
}

/**
 * Runs `pmem2` with the given arguments and returns its exit status.
 *
 * @remarks
 * User mistakes never produce a stack trace: a bad command line prints one line and the usage
 * hint on stderr, and no command at all prints the usage text there ({@link ExitCode.USAGE});
 * a `Pmem2Error` prints one line with its code, errno, message and libpmem2's text
 * ({@link ExitCode.PMEM2_ERROR}); with `--json`, `map`
 * also prints `{ "ok": false, "error": { … } }` on stdout. Anything else is a bug in `pmem2`
 * and exits with {@link ExitCode.INTERNAL}, printing the stack.
 *
 * @param argv - the arguments after the program name.
 * @param out - where to write (default: the process's stdout and stderr).
 * @returns the exit status.
 * @example
 * ```ts
 * import { main } from '@pmem2/cli';
 * const lines: string[] = [];
 * const status = main(['map'], { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t) });
 * status; // 2
 * ```
 * @see libpmem2: pmem2_perror(3)
 */
export function main(argv: readonly string[], out: Output = processOutput): ExitCode {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const prefix = error.command === undefined ? 'pmem2' : `pmem2 ${error.command}`;
    out.stderr(
      error.showUsage
        ? `${prefix}: ${error.message}\n\n${USAGE}`
        : `${prefix}: ${error.message} (see pmem2 --help)`,
    );
    return ExitCode.USAGE;
  }
  try {
    return run(command, out);
  } catch (error) {
    if (isPmem2Error(error)) {
      if (command.name === 'map' && command.json) {
        out.stdout(render.toJson({ ok: false, error: render.pmem2ErrorData(error) }));
      }
      out.stderr(render.formatPmem2Error(command.name, error));
      return ExitCode.PMEM2_ERROR;
    }
    out.stderr(
      `pmem2: internal error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.INTERNAL;
  }
}
