// quick.test.ts -- smoke test: `pnpm bench --quick` runs and writes every expected row (no ratios asserted)

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchFiles } from '../src/files.js';
import { fileSizes, planCases } from '../src/plan.js';
import { PEER_NAMES } from '../src/report.js';
import type { FsKind, Peer } from '../src/types.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const haveOracle = fs.existsSync('/usr/include/libpmem2.h');
const requireOracle = process.env.PMEM2_REQUIRE_ORACLE === '1';
if (!haveOracle && !requireOracle) {
  console.warn(
    'SKIPPED: bench --quick smoke test — libpmem2.h not found (apt-get install libpmem2-dev)',
  );
}

/** Ids the quick plan must produce; the paths do not matter for ids. */
function expectedIds(): string[] {
  const sizes = fileSizes({ quick: true });
  const fake = (kind: FsKind): BenchFiles => ({
    dir: `/fake/${kind}`,
    fsType: kind,
    map: (size) => `/fake/${kind}/map-${size}`,
    persist: 'p',
    memcpy: 'm',
    append: 'a',
    update: 'u',
    sizes,
  });
  return planCases({ tmpfs: fake('tmpfs'), ext4: fake('ext4') }, { quick: true }).map((c) => c.id);
}

interface JsonRow {
  id: string;
  peer: Peer;
  label: string;
  status: string;
  reason: string | null;
  median?: number;
}

async function pmem2Importable(): Promise<boolean> {
  try {
    await import('@pmem2/map' as string);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(haveOracle || requireOracle)('pnpm bench --quick', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem2-bench-smoke-'));
  let run: SpawnSyncReturns<string>;
  let rows: JsonRow[] = [];

  beforeAll(() => {
    const cli = path.join(packageRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli))
      throw new Error(`${cli} is missing: run pnpm build in tools/bench first`);
    run = spawnSync(process.execPath, [cli, '--quick', '--out', out], {
      encoding: 'utf8',
      timeout: 290_000,
    });
    const jsonFile = path.join(out, 'results.json');
    if (fs.existsSync(jsonFile))
      rows = (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { rows: JsonRow[] }).rows;
  });

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('exits 0 and prints the table and the targets', () => {
    expect(run.error).toBeUndefined();
    expect(run.stderr).not.toMatch(/SKIPPED: C libpmem2 rows/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('### 1. mapNew + delete');
    expect(run.stdout).toContain('### Targets (issues 8 and 17)');
    expect(run.stdout).toMatch(/\d+ met, \d+ missed, \d+ not measured\./);
  });

  it('writes results.json with every expected row, each with figures or a reason', () => {
    expect(rows.map((r) => r.id).sort()).toEqual(expectedIds().sort());
    for (const r of rows) {
      expect(['ok', 'unavailable', 'skipped'], `${r.id}: ${r.reason}`).toContain(r.status);
      if (r.status === 'ok') expect(r.median, r.id).toBeGreaterThan(0);
      else expect(r.reason, r.id).toBeTruthy();
    }
  });

  it('measures every C and node:fs row', () => {
    const mustRun = rows.filter(
      (r) => r.peer === 'c-pmem2' || r.peer === 'c-libc' || r.peer === 'node-fs',
    );
    expect(mustRun.length).toBeGreaterThan(0);
    for (const r of mustRun) expect(r.status, `${r.id}: ${r.reason}`).toBe('ok');
  });

  it('measures the @pmem2/map rows once the package can be imported', async () => {
    const ours = rows.filter((r) => r.peer === 'js-pmem2' || r.peer === 'js-buffer-copy');
    const expected = (await pmem2Importable()) ? 'ok' : 'unavailable';
    for (const r of ours) expect(r.status, `${r.id}: ${r.reason}`).toBe(expected);
  });

  it('writes a Markdown table line for every row and an SVG chart', () => {
    const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
    for (const r of rows) expect(md, r.id).toContain(`| ${r.label} | ${PEER_NAMES[r.peer]} |`);
    const svg = fs.readFileSync(path.join(out, 'ratios.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
