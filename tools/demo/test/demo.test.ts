// demo.test.ts -- runs the built demo end to end: SIGKILLed writer, recovery, exit status

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pmem2-demo-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runDemo(args: readonly string[]) {
  const env = { ...process.env };
  delete env.PMEM2_FORCE_GRANULARITY;
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env });
  const number = (label: string): number => {
    const match = new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(result.stdout);
    if (match?.[1] === undefined) throw new Error(`no "${label}" line in:\n${result.stdout}`);
    return Number(match[1]);
  };
  return { ...result, number };
}

describe('demo', () => {
  it('demo-smallRun-recoversEveryAcknowledgedRecordExit0', () => {
    const run = runDemo(['--records', '200', '--kill-after', '50', '--bench-records', '10']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ {2}writer {8}killed by SIGKILL$/m);
    const acknowledged = run.number('acknowledged');
    const recovered = run.number('recovered');
    expect(acknowledged).toBeGreaterThanOrEqual(50);
    // The writer may commit a few more records between its last ack and the kill.
    expect(recovered).toBeGreaterThanOrEqual(acknowledged);
    expect(recovered).toBeLessThanOrEqual(200);
    expect(run.stdout).toContain(
      `recovered     ${recovered} (committed records), ${recovered} verified`,
    );
    expect(run.stdout).toMatch(/^ {2}result {8}OK: /m);
    expect(run.stdout).toMatch(/^ {2}granularity {3}(PAGE|CACHE_LINE|BYTE): /m);
    expect(run.stdout).toMatch(/^ {2}@pmem2\/log {4}[\d,]+ records\/s/m);
    expect(run.stdout).toMatch(/^ {2}fs {12}[\d,]+ records\/s/m);
  });

  it('demo-pathArgument-keepsTheLogAndCleansItsBenchFile', () => {
    const path = join(scratch, 'kept.log');
    const run = runDemo([path, '--records', '40', '--bench-records', '5']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${path} (kept after the run)`);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(scratch)).toEqual(['kept.log']);
    // Running again on its own log is allowed.
    expect(runDemo([path, '--records', '20', '--bench-records', '5']).status).toBe(0);
  });

  it('demo-foreignFile-refusesToOverwriteExit2', () => {
    const path = join(scratch, 'precious.txt');
    writeFileSync(path, 'do not overwrite me');
    const run = runDemo([path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^pmem2-demo: refusing to overwrite /);
    expect(run.stdout).toBe('');
  });

  it('demo-badOption-exit2WithUsage', () => {
    const run = runDemo(['--records', 'many']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--records "many" must be a positive integer/);
  });
});
