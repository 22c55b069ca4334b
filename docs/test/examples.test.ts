// examples.test.ts -- runs every TSDoc @example of packages/*/src, and the guide's ts blocks,
// as standalone scripts
//
// Each example becomes an .mjs file in a scratch directory inside this package (docs/, which
// depends on every @pmem2 package), so that `@pmem2/*` imports resolve to the built packages
// exactly as a user's would, and runs in its own node process (an example that crashes cannot
// take the test runner down).

import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findExamples, guideExamples, toModule } from './extract-examples.js';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(packageRoot, '..');
const scratch = join(packageRoot, `.examples-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const examples = [...findExamples(repoRoot), ...guideExamples(repoRoot)];
const env = { ...process.env };
delete env.PMEM2_FORCE_GRANULARITY;

describe.concurrent('TSDoc @example blocks', () => {
  it('examples-found-inEveryPackage', () => {
    const packages = new Set(examples.map((e) => e.label.split('/')[1]));
    expect([...packages].sort()).toEqual(
      expect.arrayContaining(['cli', 'config', 'errors', 'log', 'map', 'native', 'source']),
    );
  });

  it.each(examples.map((e, i) => [e.label, e, i] as const))('%s', async (_label, example, i) => {
    const file = join(scratch, `example-${i}.mjs`);
    writeFileSync(file, await toModule(example));
    const outcome = await run(process.execPath, [file], { cwd: scratch, env, timeout: 30_000 })
      .then(() => 'ran')
      .catch((error: { stderr?: string; code?: number | string; signal?: string }) => {
        const firstLines = (error.stderr ?? '').trim().split('\n').slice(0, 6).join('\n');
        return `exit ${error.code ?? error.signal}:\n${firstLines}`;
      });
    expect(outcome, `example:\n${example.code}`).toBe('ran');
  });
});
