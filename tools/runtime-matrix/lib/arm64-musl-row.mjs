// arm64-musl-row.mjs -- the linux-arm64 musl row: Bun's aarch64 musl build under qemu and musl's
// arm64 loader runs the musl prebuild from the arm64 row's npm-installed tarballs
//
// No arm64 musl Node is to be had from the npm registry or Debian (lib/pins.mjs), so the
// musl runtime here is Bun's, started as the x64 musl row starts it (lib/musl-runtime.mjs):
// which flush instruction the addon picks on each emulated CPU, the whole map suite under
// `bun --bun vitest` (Bun's N-API and Node compatibility, not Node), then the smoke test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordFlushSelection } from './arm64-row.mjs';
import { runArm64MapSuite, suiteWithRetry } from './arm64-suite.mjs';
import { FAILED, NOT_VERIFIABLE } from './matrix.mjs';
import { checkMuslLibraries, muslBunCommand } from './musl-runtime.mjs';
import { ARM64_CPUS } from './pins.mjs';
import { buildLauncher } from './qemu.mjs';
import { ensureRolldownArm64Musl } from './runtimes.mjs';

const MINUTE = 60 * 1000;

/**
 * Fills the arm64musl row. `ctx`: { matrix, phase, fillRow, smokeRow, workDir, packed,
 * consumer (the arm64 row's `{ consumerDir, env }`, or undefined), qemu, bun, muslPrebuild,
 * rowTitle }.
 */
export async function arm64MuslRow(ctx) {
  const { matrix, phase, fillRow, smokeRow, packed, consumer, qemu, bun, muslPrebuild } = ctx;
  const row = 'arm64musl';
  const runtimeCells = ['map', 'ext4', 'tmpfs'];
  if (!packed.prebuilds[muslPrebuild])
    return fillRow(
      row,
      ['prebuild', ...runtimeCells],
      FAILED,
      `${muslPrebuild} is not in the packed tarball, nothing to load`,
    );
  if (!consumer)
    return fillRow(
      row,
      runtimeCells,
      FAILED,
      'no arm64 npm install to run in (the arm64 row did not install)',
    );
  const commands = {};
  let guest;
  for (const [key, cpu] of Object.entries(ARM64_CPUS)) {
    const launcher = await muslBunCommand(bun, 'arm64', [qemu, '-cpu', cpu]);
    if (!launcher.ok) return fillRow(row, ['prebuild', ...runtimeCells], FAILED, launcher.reason);
    commands[key] = launcher.command;
    guest = launcher.guest;
  }
  const { consumerDir } = consumer;
  // node-gyp-build detects musl only by /etc/alpine-release; LIBC is its documented override.
  const env = { ...consumer.env, LIBC: 'musl' };
  await phase(`${ctx.rowTitle}: flush instruction and CRC-32 routine per emulated CPU`, [], () =>
    recordFlushSelection(matrix, row, (key) => commands[key], consumerDir, env),
  );

  await phase(
    `${ctx.rowTitle}: the whole map suite, bun --bun vitest under qemu (-cpu ${ARM64_CPUS.dcpop})`,
    [],
    async () => {
      // vite's bundler for musl: napi-rs loads the file NAPI_RS_NATIVE_LIBRARY_PATH names.
      const rolldown = JSON.parse(
        readFileSync(join(consumerDir, 'node_modules', 'rolldown', 'package.json'), 'utf8'),
      );
      const { binding } = await ensureRolldownArm64Musl(rolldown.version);
      const launcher = await buildLauncher(join(ctx.workDir, `qemu-bun-${ARM64_CPUS.dcpop}`), {
        qemu,
        cpu: ARM64_CPUS.dcpop,
        guest,
        requireFlag: '--preload=',
        name: 'bun',
      });
      const suite = () =>
        runArm64MapSuite({
          consumerDir,
          launcher,
          runtimeArgs: ['--bun'],
          env: { ...env, NAPI_RS_NATIVE_LIBRARY_PATH: binding },
          expectedPrebuild: muslPrebuild,
          timeoutMs: 20 * MINUTE,
        });
      matrix.record(row, 'map', await suiteWithRetry(suite, ctx.rowTitle));
    },
  );

  await phase(`${ctx.rowTitle}: smoke under qemu (-cpu ${ARM64_CPUS.dcpop})`, [], () =>
    smokeRow(row, {
      command: commands.dcpop,
      consumerDir,
      env,
      expectedPrebuild: muslPrebuild,
      checkLibraries: checkMuslLibraries('arm64'),
      timeoutMs: 4 * MINUTE,
    }),
  );
  matrix.set(row, 'install', NOT_VERIFIABLE, {
    detail:
      "the arm64 row's npm install (the same tarballs; node-gyp-build picks the musl prebuild by LIBC=musl): npm runs on Node, and no arm64 musl Node is on the npm registry or in Debian",
  });
}
