// qemu.mjs -- the arm64 emulator: Debian's qemu-user from the release's backports suite, and
// static launchers that run the arm64 Node (or Bun) under it
//
// Debian 12's own qemu-user (7.2) is wrong in two ways this stack sees: it raises SIGILL on
// `dc cvap` even for CPUs whose HWCAP_DCPOP it advertises, and it answers
// mmap(MAP_SHARED_VALIDATE | MAP_SYNC) of an ext4 file with EINVAL instead of the kernel's
// EOPNOTSUPP. The backports build (10.x, checked: both as on hardware) is used instead. It is
// fetched with apt-get download and a private apt state (its own sources list, lists and
// cache in the matrix cache), so the machine's apt configuration is never changed, and only
// the qemu-aarch64 binary (static) is unpacked.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, runOrThrow } from './exec.mjs';
import { TOOL_DIR } from './paths.mjs';
import { cached } from './runtimes.mjs';

/** The oldest qemu whose aarch64 user mode runs `dc cvap` and validates MAP_SYNC. */
const QEMU_MIN_MAJOR = 8;

/** The release's codename (bookworm) from /etc/os-release. */
function codename() {
  const text = readFileSync('/etc/os-release', 'utf8');
  const name = /^VERSION_CODENAME=(\S+)$/m.exec(text)?.[1];
  if (!name) throw new Error('/etc/os-release has no VERSION_CODENAME');
  return name;
}

/** The archive URI apt already uses for the release's main suite (from `apt-cache policy`). */
async function archiveUri(release) {
  const stdout = await runOrThrow('apt-cache', ['policy']);
  const match = new RegExp(`\\s(\\S+) ${release}/main `).exec(stdout);
  if (!match) throw new Error(`apt-cache policy lists no ${release}/main suite`);
  return match[1];
}

/** `apt-get` options for a private state under `dir` reading only `dir/sources.list`. */
function privateApt(dir) {
  return [
    '-o',
    `Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
    '-o',
    `Dir::Etc::SourceParts=${join(dir, 'sources.list.d')}`,
    '-o',
    `Dir::State::Lists=${join(dir, 'lists')}`,
    '-o',
    `Dir::Cache=${join(dir, 'cache')}`,
    '-o',
    'APT::Sandbox::User=root',
    '-qq',
  ];
}

/** qemu-aarch64 from `<release>-backports`, cached; resolves to `{ qemu, version, fromCache }`. */
export async function ensureQemu() {
  const release = codename();
  const { dir, fromCache } = await cached(`qemu-user-${release}-backports`, async (tmp) => {
    const apt = join(tmp, 'apt');
    for (const sub of ['sources.list.d', 'lists/partial', 'cache/archives/partial'])
      mkdirSync(join(apt, sub), { recursive: true });
    const uri = await archiveUri(release);
    await runOrThrow('sh', [
      '-c',
      `echo "deb ${uri} ${release}-backports main" > "${join(apt, 'sources.list')}"`,
    ]);
    await runOrThrow('apt-get', [...privateApt(apt), 'update'], { timeoutMs: 5 * 60 * 1000 });
    await runOrThrow(
      'apt-get',
      [...privateApt(apt), 'download', `qemu-user/${release}-backports`],
      {
        cwd: tmp,
        timeoutMs: 10 * 60 * 1000,
      },
    );
    const deb = readdirSync(tmp).find((f) => f.startsWith('qemu-user_') && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download left no qemu-user .deb in ${tmp}`);
    await runOrThrow(
      'sh',
      ['-c', `dpkg-deb --fsys-tarfile "${deb}" | tar -x -C "${tmp}" ./usr/bin/qemu-aarch64`],
      { cwd: tmp },
    );
    await runOrThrow('rm', ['-rf', deb, apt], { cwd: tmp });
  });
  const qemu = join(dir, 'usr', 'bin', 'qemu-aarch64');
  const stdout = await runOrThrow(qemu, ['--version']);
  const version = /version (\d+)\.(\d+)\.(\d+)/.exec(stdout);
  if (!version || Number(version[1]) < QEMU_MIN_MAJOR)
    throw new Error(`${qemu} is ${stdout.split('\n')[0]}, need ${QEMU_MIN_MAJOR}.0 or later`);
  return { qemu, version: version.slice(1).join('.'), fromCache };
}

/**
 * Builds the static launcher `dir/<name>` (qemu/launcher.c): `qemu -cpu <cpu> ...guest
 * <requireFlag>execpath.cjs <its own arguments>`, where `guest` is the guest runtime's command
 * (e.g. `-L <sysroot> node`) and `requireFlag` its flag that loads a CommonJS file first
 * (`--require=` for Node, `--preload=` for Bun). execpath.cjs, written beside it, sets
 * process.execPath to the launcher. Resolves to the launcher's path.
 */
export async function buildLauncher(dir, { qemu, cpu, guest, requireFlag, name }) {
  mkdirSync(dir, { recursive: true });
  const launcher = join(dir, name);
  const shim = join(dir, 'execpath.cjs');
  writeFileSync(
    shim,
    `// execpath.cjs -- loaded first by every emulated runtime that ${launcher} starts: child\n// processes started with process.execPath come back through qemu\nprocess.execPath = ${JSON.stringify(launcher)};\n`,
  );
  const guestArgs = [...guest, `${requireFlag}${shim}`].map((a) => JSON.stringify(a)).join(',');
  const cc = await run('cc', [
    '-static',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    `-DQEMU=${JSON.stringify(qemu)}`,
    `-DQEMU_CPU=${JSON.stringify(cpu)}`,
    `-DGUEST_ARGS=${guestArgs}`,
    '-o',
    launcher,
    join(TOOL_DIR, 'qemu', 'launcher.c'),
  ]);
  if (cc.code !== 0) throw new Error(`cc -static launcher.c failed: ${cc.output.trim()}`);
  chmodSync(launcher, 0o755);
  return launcher;
}

/**
 * Whether `qemu` carries out madvise(MADV_POPULATE_READ/WRITE): qemu-user 10 answers both
 * with 0 and faults nothing in (qemu/populate-probe.c, built with aarch64-linux-gnu-gcc and
 * run under it). Resolves to the reason the map suite's populate tests cannot pass there (for
 * PMEM2_TEST_POPULATE_IGNORED), or undefined when populate works.
 */
export async function populateIgnoredBy(qemu, dir) {
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, 'populate-probe');
  const source = join(TOOL_DIR, 'qemu', 'populate-probe.c');
  await runOrThrow('aarch64-linux-gnu-gcc', [
    '-static',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-o',
    probe,
    source,
  ]);
  const answer = (await runOrThrow(qemu, [probe])).trim();
  if (answer === 'populate: works') return undefined;
  if (answer !== 'populate: ignored') throw new Error(`populate-probe: ${answer}`);
  const version = (await runOrThrow(qemu, ['--version'])).split('\n')[0];
  return `${version} answers MADV_POPULATE_READ/WRITE with 0 and faults nothing in (tools/runtime-matrix/qemu/populate-probe.c)`;
}
