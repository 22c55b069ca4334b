// map.test.ts -- `pmem2 map`: the mapping or the exact Pmem2Error, with the documented exit codes

import { afterAll, describe, expect, it } from 'vitest';
import type { FileInfo, TryMapResult } from '../src/index.js';
import { isOneClearLine, runCli, scratchFile } from './run-cli.js';

const scratch = scratchFile(64 * 1024);
afterAll(() => scratch.cleanup());
const info = JSON.parse(runCli(['info', scratch.file, '--json']).stdout) as FileInfo;
const pageSize = info.alignment;

interface MapJson {
  readonly ok: boolean;
  readonly error?: { code: string; errno: number; message: string; libpmem2Message: string };
}

function mapJson(args: readonly string[]): {
  status: number | null;
  json: MapJson & Partial<TryMapResult>;
} {
  const run = runCli(['map', scratch.file, '--json', ...args]);
  return { status: run.status, json: JSON.parse(run.stdout) as MapJson & Partial<TryMapResult> };
}

describe('pmem2 map', () => {
  it('map-pageAtOffset-exit0WithSizeAndGranularity', () => {
    const { status, json } = mapJson(['--granularity', 'page', '--offset', String(pageSize)]);
    expect(status).toBe(0);
    expect(json).toMatchObject({
      ok: true,
      offset: String(pageSize),
      size: 64 * 1024 - pageSize,
      requiredGranularity: 'PAGE',
      storeGranularity: info.granularity?.effective,
      sharing: 'shared',
      protection: 'read-write',
      buffer: true,
    });
  });

  it('map-sizeSuffixes-exactBytes', () => {
    const { status, json } = mapJson([
      '-g',
      'page',
      '--offset',
      '0x0',
      '--length',
      `${pageSize / 1024}K`,
    ]);
    expect(status).toBe(0);
    expect(json.size).toBe(pageSize);
  });

  it('map-readonlyPrivate-byteGranularityAndNoBuffer', () => {
    const { status, json } = mapJson(['-g', 'page', '--readonly', '--private']);
    expect(status).toBe(0);
    expect(json).toMatchObject({ storeGranularity: 'BYTE', protection: 'read', buffer: false });
  });

  it('map-unalignedOffset-exit1OffsetUnaligned', () => {
    const { status, json } = mapJson(['-g', 'page', '--offset', '100']);
    expect(status).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.error).toMatchObject({
      code: 'PMEM2_E_OFFSET_UNALIGNED',
      errno: -100011,
      libpmem2Message: `offset is not a multiple of ${pageSize}`,
    });
  });

  it('map-noGranularity-exit1GranularityNotSet', () => {
    const { status, json } = mapJson([]);
    expect(status).toBe(1);
    expect(json.error).toMatchObject({
      code: 'PMEM2_E_GRANULARITY_NOT_SET',
      libpmem2Message: 'please define the max granularity requested for the mapping',
    });
  });

  it('map-noGranularity-hintNamesTheFlagNotTheMethod', () => {
    const run = runCli(['map', scratch.file]);
    expect(run.status).toBe(1);
    expect(isOneClearLine(run.stderr)).toBe(true);
    expect(run.stderr).toMatch(
      /^pmem2 map: no --granularity given; pass --granularity page, cache_line or byte/,
    );
    expect(run.stderr).not.toMatch(/setRequiredStoreGranularity|Granularity\.PAGE/);
  });

  it('map-pastEndOfFile-exit1MapRange', () => {
    const { status, json } = mapJson(['-g', 'page', '--length', '1M']);
    expect(status).toBe(1);
    expect(json.error).toMatchObject({
      code: 'PMEM2_E_MAP_RANGE',
      libpmem2Message: 'mapping larger than file size',
    });
  });

  it.runIf(info.granularity?.effective === 'PAGE')(
    'map-byteOffDax-exit1GranularityNotSupported',
    () => {
      const run = runCli(['map', scratch.file, '--granularity', 'byte']);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(isOneClearLine(run.stderr)).toBe(true);
      expect(run.stderr).toContain('[PMEM2_E_GRANULARITY_NOT_SUPPORTED, errno -100009; libpmem2: ');
      expect(run.stderr).toContain('; pass a coarser --granularity (page works on every file;');
      expect(run.stderr).not.toMatch(/setRequiredStoreGranularity|Granularity\.PAGE/);
    },
  );

  it('map-humanOutput-reportsAndUnmaps', () => {
    const run = runCli(['map', scratch.file, '-g', 'page']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`range         offset 0, ${64 * 1024} bytes`);
    expect(run.stdout).toContain('unmapped again (pmem2_map_delete)');
  });
});
