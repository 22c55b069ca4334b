#!/usr/bin/env node
// run-tests.mjs -- runs the whole suite through turbo and closes with one summary line
//
// Streams turbo's output, adds up every package's vitest "Tests" line, repeats the loud
// SKIPPED notices of tests that could not run here (and why), runs biome over the tree, and ends with
// "Tests: N passed, N failed, N skipped" (also written to .test-summary). Exits with turbo's status, or 1 when a failure
// was counted.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';

const args = [
  'turbo',
  'run',
  'build',
  'typecheck',
  'lint',
  'test',
  '--continue=dependencies-successful',
  '--concurrency=1',
  ...process.argv.slice(2),
];
const child = spawn('pnpm', ['exec', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

const totals = { passed: 0, failed: 0, skipped: 0 };
const skipped = new Set();

function scan(line) {
  const plain = stripVTControlCharacters(line);
  const tests =
    /^\S*:test:\s+Tests\s+(.*)$/.exec(plain) ?? /^\s*Tests\s+(.*\(\d+\))\s*$/.exec(plain);
  if (tests) {
    for (const [, n, kind] of tests[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      totals[kind === 'todo' ? 'skipped' : kind] += Number(n);
    }
  }
  const skip = /^(?:\S+:\S+: )?SKIPPED: (.*)$/.exec(plain);
  if (skip) skipped.add(skip[1].trim());
}

for (const stream of [child.stdout, child.stderr]) {
  const out = stream === child.stdout ? process.stdout : process.stderr;
  createInterface({ input: stream }).on('line', (line) => {
    out.write(`${line}\n`);
    scan(line);
  });
}

child.on('close', (turboCode) => {
  console.log('\n== biome check (formatting and lint of the whole tree)');
  const biome = spawnSync('pnpm', ['exec', 'biome', 'check', '.'], { stdio: 'inherit' });
  const code = turboCode || biome.status;
  if (skipped.size > 0) {
    console.log('\nSKIPPED tests (they did not run on this machine):');
    for (const s of skipped) console.log(`  - ${s}`);
  }
  const summary = `Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  writeFileSync('.test-summary', `${summary}\n`);
  console.log(`\n${summary}`);
  process.exit(code !== 0 ? code || 1 : totals.failed > 0 ? 1 : 0);
});
