// info.test.ts -- `pmem2 info`: type, size, alignment, granularity and why, overrides, errors

import { afterAll, describe, expect, it } from 'vitest';
import type { FileInfo } from '../src/index.js';
import { isOneClearLine, runCli, scratchFile } from './run-cli.js';

const MAP_SYNC_TEXT =
  "requested granularity not available because fd doesn't point to DAX-enabled file or kernel doesn't support MAP_SYNC flag (Linux >= 4.15)";

const scratch = scratchFile(64 * 1024);
afterAll(() => scratch.cleanup());

function infoJson(path: string, env: Record<string, string | undefined> = {}): FileInfo {
  const run = runCli(['info', path, '--json'], env);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as FileInfo;
}

const detected = infoJson(scratch.file);
const onDax = detected.granularity?.mapSync === true;

describe('pmem2 info', () => {
  it('info-regularFile-reportsTypeSizeAndPowerOfTwoAlignment', () => {
    expect(detected.type).toBe('regular');
    expect(detected.size).toBe(64 * 1024);
    expect(detected.alignment).toBeGreaterThan(0);
    expect(detected.alignment & (detected.alignment - 1)).toBe(0);
    expect(detected.environment).toEqual([]);
    expect(detected.cpu.flush).toMatch(/^(clwb|clflushopt|clflush|dc cvap|dc cvac|none)$/);
  });

  it.runIf(!onDax)('info-fileNotOnDax-pageWithLibpmem2sRefusals', () => {
    expect(detected.granularity).toMatchObject({
      effective: 'PAGE',
      detected: 'PAGE',
      forced: false,
    });
    expect(detected.granularity?.reason).toMatch(/MAP_SYNC was refused/);
    expect(detected.granularity?.refused).toEqual([
      {
        requested: 'BYTE',
        code: 'PMEM2_E_GRANULARITY_NOT_SUPPORTED',
        libpmem2Message: MAP_SYNC_TEXT,
      },
      {
        requested: 'CACHE_LINE',
        code: 'PMEM2_E_GRANULARITY_NOT_SUPPORTED',
        libpmem2Message: MAP_SYNC_TEXT,
      },
    ]);
  });

  it('info-forcedByteGranularity-effectiveByteDetectedUnchanged', () => {
    const forced = infoJson(scratch.file, { PMEM2_FORCE_GRANULARITY: 'byte' });
    expect(forced.granularity).toMatchObject({
      effective: 'BYTE',
      detected: detected.granularity?.detected,
      mapSync: detected.granularity?.mapSync,
      forced: true,
      refused: [],
    });
    expect(forced.granularity?.reason).toBe(
      `PMEM2_FORCE_GRANULARITY=BYTE overrides detection (detected: ${detected.granularity?.detected})`,
    );
    expect(forced.environment).toEqual([
      expect.objectContaining({ name: 'PMEM2_FORCE_GRANULARITY', value: 'byte', effective: true }),
    ]);
  });

  it('info-invalidForcedGranularity-ignoredAsLibpmem2Does', () => {
    const ignored = infoJson(scratch.file, { PMEM2_FORCE_GRANULARITY: 'cache-line' });
    expect(ignored.granularity?.effective).toBe(detected.granularity?.effective);
    expect(ignored.granularity?.forced).toBe(false);
    expect(ignored.environment[0]).toMatchObject({
      name: 'PMEM2_FORCE_GRANULARITY',
      effective: false,
    });
  });

  it('info-pmemNoClwb-listedAndChangesFlushInstruction', () => {
    const run = infoJson(scratch.file, { PMEM_NO_CLWB: '1', PMEM_IS_PMEM_FORCE: '1' });
    expect(run.environment.map((v) => [v.name, v.effective])).toEqual([
      ['PMEM_NO_CLWB', true],
      ['PMEM_IS_PMEM_FORCE', false],
    ]);
    expect(run.cpu.flush).not.toBe('clwb');
  });

  it('info-emptyFile-noGranularityAndSaysWhy', () => {
    const empty = scratchFile(0);
    try {
      const info = infoJson(empty.file);
      expect(info.size).toBe(0);
      expect(info.granularity).toBeNull();
      expect(info.granularityUnavailable).toMatch(/PMEM2_E_SOURCE_EMPTY/);
    } finally {
      empty.cleanup();
    }
  });

  it('info-humanOutput-namesGranularityAndReason', () => {
    const run = runCli(['info', scratch.file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`granularity   ${detected.granularity?.effective}`);
    expect(run.stdout).toContain(`why         ${detected.granularity?.reason}`);
  });

  it('info-crc32-namesTheRoutineAndPmem2Crc32TablesChangesIt', () => {
    expect(['vpclmul', 'pclmul', 'armv8', 'tables']).toContain(detected.cpu.crc32);
    expect(runCli(['info', scratch.file]).stdout).toMatch(
      new RegExp(`\\n  crc32 +${detected.cpu.crc32} \\(`),
    );
    const tables = runCli(['info', scratch.file], { PMEM2_CRC32: 'tables' });
    expect(tables.status).toBe(0);
    expect(tables.stdout).toMatch(
      /\n {2}crc32 +tables \(no CRC instructions found, or PMEM2_CRC32=tables\)/,
    );
  });

  it('info-pmem2Crc32-listedEffectiveOnlyForTablesOrPclmul', () => {
    expect(infoJson(scratch.file, { PMEM2_CRC32: 'tables' }).environment).toEqual([
      expect.objectContaining({ name: 'PMEM2_CRC32', value: 'tables', effective: true }),
    ]);
    const typo = infoJson(scratch.file, { PMEM2_CRC32: 'table' });
    expect(typo.environment).toEqual([
      expect.objectContaining({ name: 'PMEM2_CRC32', value: 'table', effective: false }),
    ]);
    expect(typo.environment[0]?.effect).toMatch(/only "tables" or "pclmul"/);
    expect(typo.cpu.crc32).toBe(detected.cpu.crc32);
  });

  it('info-missingFile-exit1WithOneLineNamingENOENT', () => {
    const run = runCli(['info', `${scratch.dir}/missing`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(isOneClearLine(run.stderr)).toBe(true);
    expect(run.stderr).toMatch(/\[ENOENT, errno -2; libpmem2: "open: No such file or directory"\]/);
  });

  it('info-directory-exit1InvalidFileTypeNamingThePath', () => {
    const run = runCli(['info', scratch.dir]);
    expect(run.status).toBe(1);
    expect(isOneClearLine(run.stderr)).toBe(true);
    expect(run.stderr).toMatch(
      new RegExp(
        `^pmem2 info: ${JSON.stringify(scratch.dir)} is a directory; .*\\[PMEM2_E_INVALID_FILE_TYPE,`,
      ),
    );
    expect(run.stderr).not.toMatch(/\bfd \d/);
  });
});
