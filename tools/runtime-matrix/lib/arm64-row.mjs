// arm64-row.mjs -- the linux-arm64 row: npm install of the tarballs (with vitest) run by the
// emulated Node, which flush instruction and CRC-32 routine the addon picks per emulated CPU,
// the whole map suite, and the smoke test
//
// Two CPU models (lib/pins.mjs): the suite and the install run on one whose HWCAP has DCPOP
// (the addon flushes with `dc cvap`, as on the arm64 servers persistent memory is sold for),
// the smoke test on one without (the `dc cvac` path).
import { join } from 'node:path';
import { MAP_SUITE_TOOLS, runArm64MapSuite, suiteWithRetry } from './arm64-suite.mjs';
import { consumerEnv, installConsumer, makeToolbin } from './consumer.mjs';
import { run, tail } from './exec.mjs';
import { FAILED, NOT_VERIFIABLE, PASSED } from './matrix.mjs';
import { ARM64_CPUS, ARM64_SYSROOT } from './pins.mjs';
import { buildLauncher, populateIgnoredBy } from './qemu.mjs';

const MINUTE = 60 * 1000;

/**
 * The flush instruction and the CRC-32 routine the installed addon selected at load
 * (persistInfo().flush and .crc32, as "flush, crc32"), loaded by `command` (a runtime and its
 * first arguments) in the consumer.
 */
async function selectedRoutines(command, consumerDir, env) {
  const [program, ...args] = command;
  const probe = await run(
    program,
    [
      ...args,
      '--input-type=module',
      '-e',
      "const { binding } = await import('@pmem2/native'); const i = binding.persistInfo(); console.log(i.flush + ', crc32 ' + i.crc32);",
    ],
    { cwd: consumerDir, env, timeoutMs: 2 * MINUTE },
  );
  return probe.code === 0 ? probe.stdout.trim() : `exit ${probe.code}: ${tail(probe.output, 2)}`;
}

/**
 * Checks that the addon loaded by `commandFor(key)` (key: one of ARM64_CPUS' keys) selects
 * `dc cvap` on the DCPoP CPU and `dc cvac` on the other, and the ARMv8 CRC32 instructions on
 * both (both models have them), and adds the result to `row`'s prebuild cell (which fails if
 * any is wrong).
 */
export async function recordFlushSelection(matrix, row, commandFor, consumerDir, env) {
  const seen = {};
  for (const [key, cpu] of Object.entries(ARM64_CPUS))
    seen[cpu] = await selectedRoutines(commandFor(key), consumerDir, env);
  const want = {
    [ARM64_CPUS.dcpop]: 'dc cvap, crc32 armv8',
    [ARM64_CPUS.noDcpop]: 'dc cvac, crc32 armv8',
  };
  const wrong = Object.entries(want).filter(([cpu, routines]) => seen[cpu] !== routines);
  const cell = matrix.get(row, 'prebuild');
  const facts = Object.entries(seen)
    .map(([cpu, routines]) => `-cpu ${cpu}: ${routines}`)
    .join('; ');
  matrix.set(row, 'prebuild', cell?.status === PASSED && !wrong.length ? PASSED : FAILED, {
    detail: `${cell?.detail ?? 'not checked'}; HWCAP_DCPOP and HWCAP_CRC32 selection ${wrong.length ? 'WRONG' : 'ok'} (${facts})`,
  });
}

/**
 * Fills the arm64 row. `ctx`: { matrix, phase, fillRow, smokeRow, workDir, packed, runtimes,
 * globalConfig, armPrebuild, suiteDevDependencies, rowTitle }. Resolves to the installed consumer
 * `{ consumerDir, env }` (the arm64 musl row runs in it), or undefined if there is none.
 */
export async function arm64Row(ctx) {
  const { matrix, phase, fillRow, smokeRow, workDir, packed, runtimes, globalConfig } = ctx;
  const { armPrebuild, suiteDevDependencies, rowTitle } = ctx;
  if (!packed.prebuilds[armPrebuild]) {
    fillRow(
      'arm64',
      ['map', 'install', 'ext4', 'tmpfs'],
      FAILED,
      'the arm64 prebuild was not built, nothing to load',
    );
    return;
  }
  const launchers = {};
  for (const [key, cpu] of Object.entries(ARM64_CPUS)) {
    launchers[key] = await buildLauncher(join(workDir, `qemu-${cpu}`), {
      qemu: runtimes.qemu.qemu,
      cpu,
      guest: ['-L', ARM64_SYSROOT, runtimes.arm64.node],
      requireFlag: '--require=',
      name: 'node',
    });
  }
  const toolbin = await makeToolbin(join(workDir, 'bin-arm64'), {
    node: launchers.dcpop,
    extraTools: MAP_SUITE_TOOLS,
  });
  // the map suite skips what this emulator cannot do, only when this probe shows it
  const populateIgnored = await populateIgnoredBy(runtimes.qemu.qemu, join(workDir, 'probes'));
  const env = consumerEnv(
    toolbin,
    globalConfig,
    populateIgnored ? { PMEM2_TEST_POPULATE_IGNORED: populateIgnored } : {},
  );
  const consumerDir = join(workDir, 'consumer-arm64');
  let installed = false;
  await phase(`${rowTitle}: npm install the tarballs and vitest under qemu`, [], async () => {
    const install = await installConsumer(
      consumerDir,
      packed.tarballs,
      packed.prebuilds,
      env,
      8 * MINUTE,
      suiteDevDependencies,
    );
    matrix.record('arm64', 'install', install);
    if (!install.ok) console.log(tail(install.log, 40));
    installed = install.ok;
  });
  if (!installed) return fillRow('arm64', ['map', 'ext4', 'tmpfs'], FAILED, 'npm install failed');

  await phase(`${rowTitle}: flush instruction and CRC-32 routine per emulated CPU`, [], () =>
    recordFlushSelection(matrix, 'arm64', (key) => [launchers[key]], consumerDir, env),
  );

  await phase(
    `${rowTitle}: the whole map suite under qemu (-cpu ${ARM64_CPUS.dcpop})`,
    [],
    async () => {
      const suite = () =>
        runArm64MapSuite({
          consumerDir,
          launcher: launchers.dcpop,
          env,
          expectedPrebuild: armPrebuild,
          timeoutMs: 20 * MINUTE,
        });
      matrix.record('arm64', 'map', await suiteWithRetry(suite, rowTitle));
    },
  );

  await phase(`${rowTitle}: smoke under qemu (-cpu ${ARM64_CPUS.noDcpop})`, [], () =>
    smokeRow('arm64', {
      command: [launchers.noDcpop],
      consumerDir,
      env,
      expectedPrebuild: armPrebuild,
      timeoutMs: 4 * MINUTE,
    }),
  );
  fillRow(
    'arm64',
    ['native'],
    NOT_VERIFIABLE,
    "the native suite compiles C fixtures with gcc/musl-gcc and packs the workspace with pnpm, which the no-compiler arm64 consumer does not have; the map suite runs the addon's every call",
  );
  return { consumerDir, env };
}
