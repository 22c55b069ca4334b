// render.ts -- the human-readable and JSON output of pmem2

import type { Pmem2Error } from '@pmem2/errors';
import type { Crc32Routine } from '@pmem2/map';
import type { FileInfo } from './inspect-file.js';
import type { TryMapResult } from './try-map.js';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  regular: 'regular file',
  devdax: 'device DAX',
  directory: 'directory',
  anon: 'anonymous memory',
};

const row = (label: string, value: string): string => `  ${label.padEnd(13)} ${value}`;
const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/**
 * Serialises a report as JSON, with bigints (offsets, addresses) as decimal strings.
 *
 * @param value - a {@link FileInfo}, {@link TryMapResult} or error object.
 * @returns two-space indented JSON.
 * @example
 * ```ts
 * import { toJson } from '@pmem2/cli';
 * toJson({ offset: 4096n }); // '{\n  "offset": "4096"\n}'
 * ```
 * @see libpmem2: pmem2_map_get_address(3)
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** What `pmem2 info` says of each CRC-32 routine @pmem2/native can choose. */
const CRC32_TEXT: Readonly<Record<Crc32Routine, string>> = {
  vpclmul: "vpclmul (carry-less multiply on 256-bit registers, the log's record checksums)",
  pclmul: "pclmul (carry-less multiply, the log's record checksums)",
  armv8: "armv8 (CRC32 instructions, the log's record checksums)",
  tables: 'tables (no CRC instructions found, or PMEM2_CRC32=tables)',
};

/**
 * Formats `pmem2 info`'s report for a terminal.
 *
 * @param info - the report of {@link inspectFile}.
 * @returns the lines, joined with newlines.
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { formatFileInfo, inspectFile } from '@pmem2/cli';
 * const path = join(tmpdir(), `format-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * console.log(formatFileInfo(inspectFile(path)));
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_map_get_store_granularity(3)
 */
export function formatFileInfo(info: FileInfo): string {
  const lines = [
    info.path,
    row('type', TYPE_NAMES[info.type] ?? info.type),
    row('size', `${info.size} bytes`),
    row('alignment', `${info.alignment} bytes (offsets and lengths must be multiples)`),
  ];
  const g = info.granularity;
  if (g === null) {
    lines.push(row('granularity', `unknown: ${info.granularityUnavailable ?? ''}`));
  } else {
    lines.push(row('granularity', g.effective));
    lines.push(row('  why', g.reason));
    lines.push(row('  MAP_SYNC', yesNo(g.mapSync)));
    for (const refusal of g.refused) {
      lines.push(row(`  ${refusal.requested}`, `refused: ${refusal.libpmem2Message}`));
    }
  }
  lines.push(row('eADR', yesNo(info.eADR)));
  const features = Object.entries(info.cpu.cpu)
    .filter(([, has]) => has)
    .map(([name]) => name);
  lines.push(row('flush', `${info.cpu.flush} (${info.cpu.arch}: ${features.join(' ') || '-'})`));
  lines.push(
    row(
      'copies',
      `${info.cpu.memcpy}; non-temporal stores from ${info.cpu.movntThreshold} bytes` +
        (info.cpu.wcWorkaround ? ', WC workaround on' : ''),
    ),
  );
  lines.push(row('crc32', CRC32_TEXT[info.cpu.crc32]));
  if (info.environment.length === 0) {
    lines.push(row('environment', 'no libpmem2 variable is set'));
  }
  for (const v of info.environment) {
    lines.push(
      row(
        v === info.environment[0] ? 'environment' : '',
        `${v.name}=${v.value}: ${v.effective ? '' : '(no effect) '}${v.effect}`,
      ),
    );
  }
  return lines.join('\n');
}

/**
 * Formats the result of `pmem2 map` for a terminal.
 *
 * @param result - what {@link tryMap} mapped.
 * @returns the lines, joined with newlines.
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Granularity } from '@pmem2/config';
 * import { formatMapResult, tryMap } from '@pmem2/cli';
 * const path = join(tmpdir(), `format-map-${process.pid}`);
 * writeFileSync(path, Buffer.alloc(4096));
 * console.log(formatMapResult(tryMap(path, { granularity: Granularity.PAGE })));
 * rmSync(path);
 * ```
 * @see libpmem2: pmem2_map_new(3)
 */
export function formatMapResult(result: TryMapResult): string {
  return [
    `mapped ${result.path}`,
    row('type', TYPE_NAMES[result.type] ?? result.type),
    row('range', `offset ${result.offset}, ${result.size} bytes (file: ${result.sourceSize})`),
    row('alignment', `${result.alignment} bytes`),
    row(
      'granularity',
      `${result.storeGranularity} (required: ${result.requiredGranularity ?? 'not set'})`,
    ),
    row('address', `0x${result.address.toString(16)}`),
    row('mapping', `${result.sharing}, ${result.protection}`),
    row('buffer', result.buffer ? 'zero-copy ArrayBuffer' : 'none (read with map.read())'),
    'unmapped again (pmem2_map_delete)',
  ].join('\n');
}

/**
 * The message of an error whose library text tells a program which call to make
 * (`setRequiredStoreGranularity()`, `Granularity.PAGE`), said with `pmem2 map`'s flags.
 */
function flagMessage(error: Pmem2Error): string {
  switch (error.code) {
    case 'PMEM2_E_GRANULARITY_NOT_SET':
      return 'no --granularity given; pass --granularity page, cache_line or byte: the largest granularity your program can handle (page works on every file)';
    case 'PMEM2_E_GRANULARITY_NOT_SUPPORTED': {
      // the facts (what the mapping offers, and libpmem2's reason), without the library's hint
      const facts = error.message.includes('; ')
        ? error.message.slice(0, error.message.lastIndexOf('; '))
        : error.message;
      return `${facts}; pass a coarser --granularity (page works on every file; pmem2 info <path> shows what this one offers)`;
    }
    default:
      return error.message;
  }
}

/**
 * The one line `pmem2` prints on stderr for a `Pmem2Error`: what went wrong, the code and
 * errno, and libpmem2's own `pmem2_errormsg()` text. For `map`, the granularity errors say
 * what to do with `--granularity` instead of the library call their message names.
 *
 * @param command - `'info'` or `'map'`.
 * @param error - the error.
 * @returns one line, without a newline.
 * @example
 * ```ts
 * import { PMEM2_E, Pmem2Error } from '@pmem2/errors';
 * import { formatPmem2Error } from '@pmem2/cli';
 * formatPmem2Error('map', new Pmem2Error(PMEM2_E.SOURCE_EMPTY, 'the file is empty',
 *   { libpmem2Message: 'file length is equal 0' }));
 * // 'pmem2 map: the file is empty [PMEM2_E_SOURCE_EMPTY, errno -100018; libpmem2: "file length is equal 0"]'
 * ```
 * @see libpmem2: pmem2_perror(3), pmem2_errormsg(3)
 */
export function formatPmem2Error(command: string, error: Pmem2Error): string {
  const libpmem2 = error.libpmem2Message
    ? `; libpmem2: ${JSON.stringify(error.libpmem2Message)}`
    : '';
  const message = (command === 'map' ? flagMessage(error) : error.message).replace(
    /\s*\n\s*/g,
    ' ',
  );
  return `pmem2 ${command}: ${message} [${error.code}, errno ${error.errno}${libpmem2}]`;
}

/**
 * A `Pmem2Error` as plain JSON data (`code`, `errno`, `message`, `libpmem2Message`, `syscall`).
 *
 * @param error - the error.
 * @returns an object `JSON.stringify` can print.
 * @example
 * ```ts
 * import { ERRNO, Pmem2Error } from '@pmem2/errors';
 * import { pmem2ErrorData } from '@pmem2/cli';
 * pmem2ErrorData(Pmem2Error.fromErrno(ERRNO.ENOENT, 'open')).code; // 'ENOENT'
 * ```
 * @see libpmem2: pmem2_errormsg(3)
 */
export function pmem2ErrorData(error: Pmem2Error): Record<string, string | number | null> {
  return {
    code: error.code,
    errno: error.errno,
    message: error.message,
    libpmem2Message: error.libpmem2Message,
    syscall: error.syscall ?? null,
  };
}
