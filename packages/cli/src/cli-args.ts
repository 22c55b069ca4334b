// cli-args.ts -- the pmem2 command line, parsed with node:util parseArgs

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { Granularity } from '@pmem2/config';
import { parseSize } from './parse-size.js';
import type { TryMapOptions } from './try-map.js';
import { UsageError } from './usage-error.js';

/** A parsed `pmem2` command line. */
export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'version' }
  | { readonly name: 'info'; readonly path: string; readonly json: boolean }
  | {
      readonly name: 'map';
      readonly path: string;
      readonly json: boolean;
      readonly options: TryMapOptions;
    };

/** The help text of `pmem2` (also printed by `pmem2 --help`). */
export const USAGE = `Usage:
  pmem2 info <path> [--json]
      What libpmem2 would decide for this file: type, size, alignment, store
      granularity and why (MAP_SYNC, eADR, PMEM2_FORCE_GRANULARITY), the CPU flush
      instruction and non-temporal copy routine, environment overrides.
  pmem2 map <path> [--granularity page|cache_line|byte] [--offset N] [--length N]
                   [--private] [--readonly] [--json]
      Runs pmem2_map_new with this config and prints the mapping or the exact error.
      N is decimal, 0x hex, or with a K/M/G/T suffix (powers of 1024).
  pmem2 --help | --version

Exit status: 0 ok, 1 libpmem2 refused (Pmem2Error printed), 2 usage error,
70 internal error (a bug: please report it).`;

const GRANULARITY_BY_NAME: Readonly<Record<string, Granularity>> = {
  byte: Granularity.BYTE,
  cache_line: Granularity.CACHE_LINE,
  cacheline: Granularity.CACHE_LINE,
  page: Granularity.PAGE,
};

function parseGranularity(text: string): Granularity {
  const granularity = GRANULARITY_BY_NAME[text.toLowerCase()];
  if (granularity === undefined) {
    throw new UsageError(
      `--granularity ${JSON.stringify(text)} is not a granularity; use page, cache_line or byte`,
    );
  }
  return granularity;
}

/** `--granularity` (`-g`) and the like: how the options of a command are written. */
function optionNames(options: ParseArgsConfig['options']): string {
  return Object.entries(options ?? {})
    .map(([name, option]) => `--${name}${option.short ? ` (-${option.short})` : ''}`)
    .join(', ');
}

/** parseArgs's multi-line messages (meant for programmers) said for the command line. */
function parseArgsMessage(error: unknown, command: string, config: ParseArgsConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    return `unknown option ${JSON.stringify(unknown[1])}; the options of pmem2 ${command} are ${optionNames(config.options)}`;
  }
  const missing =
    /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(message);
  if (missing) {
    return missing[2] === 'missing'
      ? `${missing[1]} needs a value`
      : `${missing[1]} needs a value; write ${missing[1]}=<value> for a value that starts with "-"`;
  }
  const noValue = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1]} takes no value`;
  return message.replace(/\s*\n\s*/g, ' ');
}

function parse<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(parseArgsMessage(error, command, config), { command });
  }
}

function onePath(command: string, positionals: readonly string[]): string {
  const [path, ...extra] = positionals;
  if (path === undefined) throw new UsageError('missing <path>', { command });
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`, { command });
  }
  return path;
}

/** Runs `build`, naming `command` in the UsageErrors of option values (sizes, granularity). */
function inCommand<T>(command: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof UsageError && error.command === undefined) {
      throw new UsageError(error.message, { command });
    }
    throw error;
  }
}

/**
 * Parses the arguments of `pmem2` (without `node` and the script).
 *
 * @param argv - e.g. `['map', '/mnt/pmem/log', '--granularity', 'page']`.
 * @returns the command to run.
 * @throws {@link UsageError} for no command at all (its `showUsage` is set), an unknown command
 *   or option, a missing or extra path, an option without its value, or a value that is not a
 *   size or granularity.
 * @example
 * ```ts
 * import { parseCommandLine } from '@pmem2/cli';
 * parseCommandLine(['info', '/dev/dax0.0', '--json']);
 * // { name: 'info', path: '/dev/dax0.0', json: true }
 * ```
 * @see libpmem2: pmem2_config_new(3)
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError('no command given', { showUsage: true });
    case 'help':
    case '-h':
    case '--help':
      return { name: 'help' };
    case '-v':
    case '--version':
      return { name: 'version' };
    case 'info': {
      const { values, positionals } = parse('info', {
        args: rest,
        options: { json: { type: 'boolean' } },
        allowPositionals: true,
      });
      return { name: 'info', path: onePath('info', positionals), json: values.json === true };
    }
    case 'map': {
      const { values, positionals } = parse('map', {
        args: rest,
        options: {
          granularity: { type: 'string', short: 'g' },
          offset: { type: 'string' },
          length: { type: 'string' },
          private: { type: 'boolean' },
          readonly: { type: 'boolean' },
          json: { type: 'boolean' },
        },
        allowPositionals: true,
      });
      const { granularity, offset, length } = values;
      return {
        name: 'map',
        path: onePath('map', positionals),
        json: values.json === true,
        options: inCommand('map', () => ({
          ...(granularity !== undefined && { granularity: parseGranularity(granularity) }),
          ...(offset !== undefined && { offset: parseSize(offset, '--offset') }),
          ...(length !== undefined && { length: parseSize(length, '--length') }),
          private: values.private === true,
          readOnly: values.readonly === true,
        })),
      };
    }
    default:
      throw new UsageError(
        command.startsWith('-')
          ? `unknown option ${JSON.stringify(command)}; options come after the command: pmem2 info <path> [--json], pmem2 map <path> [options]`
          : `unknown command ${JSON.stringify(command)}; use "pmem2 info <path>" or "pmem2 map <path>"`,
      );
  }
}
