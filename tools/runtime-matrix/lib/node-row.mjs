// node-row.mjs -- a Node row (20, 22, 24): the vitest suites under that Node, npm install of
// the tarballs with no compiler and the smoke test, and the same install and smoke with pnpm
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { consumerEnv, installConsumer, makeToolbin } from './consumer.mjs';
import { firstLine, tail } from './exec.mjs';
import { FAILED, PASSED } from './matrix.mjs';
import { PNPM_VERSION } from './pins.mjs';
import { addPnpmToToolbin, installPnpmConsumer, pnpmCli } from './pnpm-consumer.mjs';
import { runSmoke } from './smoke-cell.mjs';
import { runVitestSuite } from './vitest-suite.mjs';

const MINUTE = 60 * 1000;
const SUITES = ['native', 'map'];

/** pnpm's CLI file, resolved once for every row (see lib/pnpm-consumer.mjs). */
let pnpmFile;

/**
 * Runs the Node row `row` with the Node binary `node`; returns the npm consumer project
 * ({ dir, env }) when its install worked, for the rows that smoke-test from it.
 *
 * `ctx`: the run's { matrix, phase, fillRow, smokeRow, workDir, packed }, and `rowTitle`,
 * `mainRunPassed` (node20's suites passed in the main run), `globalConfig` (the system npm
 * config), `expectedPrebuild` (the x64 prebuild's path in the package) and `smokeDirs`
 * ({ column: folder } of the file systems the smoke test may use).
 */
export async function nodeRow(row, node, ctx) {
  await nodeSuites(row, node, ctx);
  const consumer = await npmInstallAndSmoke(row, node, ctx);
  await pnpmInstallAndSmoke(row, node, ctx);
  return consumer;
}

/** The vitest suites under `node`, each retried once to tell a flaky test from a broken one. */
async function nodeSuites(row, node, { matrix, phase, workDir, rowTitle, mainRunPassed }) {
  for (const suite of SUITES) {
    if (matrix.get(row, suite)) continue;
    if (row === 'node20' && mainRunPassed) {
      matrix.set(row, suite, PASSED, {
        short: '(main run)',
        detail:
          'the main test suite ran it under this Node and passed (.ci/run stops before the matrix otherwise)',
      });
      continue;
    }
    await phase(`${rowTitle}: ${suite} suite`, [], async () => {
      const runSuite = () =>
        runVitestSuite(node, suite, join(workDir, `node-only-${row}`), 8 * MINUTE);
      const result = await runSuite();
      if (result.ok) return matrix.record(row, suite, result);
      // A failure's own words go into the log (the table only has the summary).
      console.log(tail(stripVTControlCharacters(result.log), 80));
      // One retry tells a flaky test (visible in the note, does not fail the run) from a
      // runtime that really breaks the suite (fails twice).
      console.log(`   ${rowTitle} ${suite} suite failed; running it once more`);
      const retry = await runSuite();
      if (!retry.ok) console.log(tail(stripVTControlCharacters(retry.log), 40));
      matrix.record(row, suite, {
        ok: retry.ok,
        short: retry.ok ? `${retry.short} on retry` : '',
        detail: retry.ok
          ? `${retry.detail}; the first run FAILED (flaky?): ${result.detail}`
          : `failed twice; ${retry.detail}`,
      });
    });
  }
}

/** npm install of the tarballs with no compiler, then the smoke test; the consumer or undefined. */
async function npmInstallAndSmoke(row, node, ctx) {
  const { matrix, phase, fillRow, smokeRow, workDir, packed, rowTitle, globalConfig } = ctx;
  let consumer;
  await phase(
    `${rowTitle}: npm install the tarballs with no compiler, then smoke`,
    [],
    async () => {
      const toolbin = await makeToolbin(join(workDir, `bin-${row}`), { node });
      const env = consumerEnv(toolbin, globalConfig);
      const consumerDir = join(workDir, `consumer-${row}`);
      const install = await installConsumer(
        consumerDir,
        packed.tarballs,
        packed.prebuilds,
        env,
        3 * MINUTE,
      );
      matrix.record(row, 'install', install);
      if (!install.ok) {
        console.log(tail(install.log, 40));
        return fillRow(row, ['ext4', 'tmpfs'], FAILED, 'npm install failed');
      }
      consumer = { dir: consumerDir, env };
      await smokeRow(row, {
        command: [node],
        consumerDir,
        env,
        expectedPrebuild: ctx.expectedPrebuild,
      });
    },
  );
  return consumer;
}

/** pnpm install of the tarballs with no compiler, then the smoke test on every file system. */
async function pnpmInstallAndSmoke(row, node, ctx) {
  const { matrix, phase, workDir, packed, rowTitle, globalConfig, expectedPrebuild } = ctx;
  await phase(
    `${rowTitle} pnpm: install the tarballs with pnpm ${PNPM_VERSION} and no compiler, then smoke`,
    [],
    async () => {
      if (!pnpmFile) {
        pnpmFile = await pnpmCli().catch((error) => ({ error: firstLine(error.message) }));
      }
      if (pnpmFile.error) {
        return matrix.set(row, 'pnpm', FAILED, { detail: `resolving pnpm: ${pnpmFile.error}` });
      }
      const toolbin = await makeToolbin(join(workDir, `bin-pnpm-${row}`), { node });
      addPnpmToToolbin(toolbin, pnpmFile);
      const env = consumerEnv(toolbin, globalConfig);
      const consumerDir = join(workDir, `consumer-pnpm-${row}`);
      const install = await installPnpmConsumer(
        consumerDir,
        packed.tarballs,
        packed.prebuilds,
        env,
        join(workDir, 'pnpm-store'),
        3 * MINUTE,
      );
      if (!install.ok) {
        console.log(tail(install.log, 40));
        return matrix.record(row, 'pnpm', install);
      }
      // The same smoke test, from the pnpm project, on every file system there is here.
      const targets = Object.entries(ctx.smokeDirs).map(([column, dir]) => {
        mkdirSync(dir, { recursive: true });
        return { column, file: join(dir, `${row}-pnpm-${process.pid}.bin`) };
      });
      const smoked = await runSmoke({
        command: [node],
        consumerDir,
        files: targets.map((t) => t.file),
        env,
        expectedPrebuild,
        timeoutMs: 2 * MINUTE,
      });
      const failed = smoked
        .map((result, i) => ({ ...result, column: targets[i].column }))
        .filter((result) => !result.ok);
      matrix.record(row, 'pnpm', {
        ok: failed.length === 0 && targets.length > 0,
        short: failed.length === 0 ? install.short : '',
        detail:
          failed.length > 0
            ? `${install.detail}; smoke FAILED: ${failed.map((f) => `${f.column}: ${f.detail}`).join('; ')}`
            : targets.length === 0
              ? `${install.detail}; no ext4 or tmpfs folder to run the smoke test on`
              : `${install.detail}; smoke (${targets.map((t) => t.column).join(', ')}) ${smoked[0].short}: ${smoked[0].detail}`,
      });
    },
  );
}
