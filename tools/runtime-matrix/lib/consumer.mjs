// consumer.mjs -- an empty project that npm-installs the packed tarballs with no compiler on PATH
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from './cross-build.mjs';
import { run, tail } from './exec.mjs';
import { TOOL_DIR } from './paths.mjs';

/** What a build from source would need; none of these may be on the consumer's PATH. */
export const BUILD_TOOLS = [
  'cc',
  'gcc',
  'g++',
  'c++',
  'clang',
  'make',
  'gmake',
  'python',
  'python3',
];

/** Plain shell tools npm and its scripts may call. */
const SHELL_TOOLS = [
  'sh',
  'env',
  'dirname',
  'basename',
  'uname',
  'sed',
  'cat',
  'ls',
  'rm',
  'mkdir',
  'cp',
  'mv',
  'chmod',
  'ln',
  'head',
  'tail',
  'tr',
  'grep',
  'readlink',
  'realpath',
  'true',
  'false',
];

/** npm's own CLI script (so npm can run under any Node binary). */
async function npmCli() {
  const { stdout } = await run('sh', ['-c', 'command -v npm']);
  return realpathSync(stdout.trim());
}

/**
 * A folder to use as the whole PATH: `node` (the binary under test, or a wrapper such as
 * qemu for emulated arm64), `npm` and `npx` run by that node, plain shell tools and
 * `extraTools`. No compiler, make or python.
 */
export async function makeToolbin(dir, { node, nodeWrapper, extraTools = [] }) {
  mkdirSync(dir, { recursive: true });
  if (nodeWrapper) {
    writeFileSync(join(dir, 'node'), `#!/bin/sh\nexec ${nodeWrapper} "$@"\n`);
    chmodSync(join(dir, 'node'), 0o755);
  } else {
    symlinkSync(node, join(dir, 'node'));
  }
  writeFileSync(
    join(dir, 'npm'),
    `#!/bin/sh\nexec "${join(dir, 'node')}" "${await npmCli()}" "$@"\n`,
  );
  chmodSync(join(dir, 'npm'), 0o755);
  const npxCli = join(dirname(await npmCli()), 'npx-cli.js');
  writeFileSync(join(dir, 'npx'), `#!/bin/sh\nexec "${join(dir, 'node')}" "${npxCli}" "$@"\n`);
  chmodSync(join(dir, 'npx'), 0o755);
  for (const tool of [...SHELL_TOOLS, ...extraTools]) {
    const { stdout } = await run('sh', ['-c', `command -v ${tool}`]);
    const path = stdout.trim();
    if (path.startsWith('/') && !existsSync(join(dir, tool))) symlinkSync(path, join(dir, tool));
  }
  return dir;
}

/**
 * Variables passed through to the consumer: how this machine reaches the registry (CA
 * bundle, proxy), which a Node build from npm does not know by itself.
 */
const NETWORK_VARIABLES = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];

/**
 * npm's global config as the machine's own npm sees it (e.g. /usr/etc/npmrc with `cafile=`).
 * npm finds it next to the running node, so under a Node build from the cache it would
 * otherwise miss it and fail TLS with SELF_SIGNED_CERT_IN_CHAIN behind an intercepting proxy.
 */
export async function systemNpmGlobalConfig() {
  const { code, stdout } = await run('npm', ['config', 'get', 'globalconfig']);
  return code === 0 ? stdout.trim() : undefined;
}

/** The environment for the consumer: HOME, the locale, registry access, and `toolbin` as PATH. */
export function consumerEnv(toolbin, globalConfig, extra = {}) {
  const passed = Object.fromEntries(
    NETWORK_VARIABLES.filter((v) => process.env[v] !== undefined).map((v) => [v, process.env[v]]),
  );
  return {
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    PATH: toolbin,
    ...passed,
    ...(globalConfig ? { npm_config_globalconfig: globalConfig } : {}),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

/** Build tools the environment can see (must be none). */
export async function visibleBuildTools(env) {
  const script = BUILD_TOOLS.map((t) => `command -v ${t} || true`).join('; ');
  const { stdout } = await run('/bin/sh', ['-c', script], { env });
  return stdout.split('\n').filter(Boolean);
}

/** The installed @pmem2/native's real folder (pnpm links it from .pnpm/). */
function installedNativeDir(dir) {
  return realpathSync(join(dir, 'node_modules', '@pmem2', 'native'));
}

/** The prebuild folders (platform-arch) in the installed @pmem2/native. */
export function installedPrebuildTargets(dir) {
  const prebuilds = join(installedNativeDir(dir), 'prebuilds');
  return existsSync(prebuilds) ? readdirSync(prebuilds) : [];
}

/**
 * Checks the @pmem2/native that `installer` put into the project `dir`: nothing was compiled
 * (no `build/`) and the prebuilds are byte-identical to the packed ones. Returns what is
 * wrong, or undefined.
 */
export function checkInstalledNative(dir, packedPrebuilds, installer) {
  if (!existsSync(join(dir, 'node_modules', '@pmem2', 'native'))) {
    return `${installer} did not install @pmem2/native`;
  }
  const nativeDir = installedNativeDir(dir);
  if (existsSync(join(nativeDir, 'build'))) {
    return `${installer} compiled the addon (${join(nativeDir, 'build')} exists)`;
  }
  const changed = Object.entries(packedPrebuilds)
    .filter(([relative, hash]) => {
      const file = join(nativeDir, relative);
      return !existsSync(file) || sha256(file) !== hash;
    })
    .map(([relative]) => relative);
  return changed.length > 0
    ? `installed prebuilds differ from the packed ones: ${changed.join(', ')}`
    : undefined;
}

/** The result of an `<installer> install` that exited non-zero or timed out: why, and its log. */
export function failedInstall(installer, install, timeoutMs) {
  const why = install.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${install.code}`;
  return {
    ok: false,
    detail: `${installer} install ${why}: ${tail(install.output, 6)}`,
    log: install.output,
  };
}

/**
 * Writes an empty consumer project into `dir`: a package.json depending on each tarball
 * (`file:`), plus the fields `pinning(dependencies)` returns (the package manager's way to
 * resolve the packages' dependencies on each other to the same tarballs), and smoke.mjs.
 */
export function writeConsumerProject(dir, tarballs, pinning) {
  mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [`@pmem2/${name}`, `file:${file}`]),
  );
  const manifest = {
    name: 'pmem2-smoke-consumer',
    private: true,
    type: 'module',
    dependencies,
    ...pinning(dependencies),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(TOOL_DIR, 'smoke', 'smoke.mjs'), join(dir, 'smoke.mjs'));
}

/**
 * Installs the tarballs (and `devDependencies` from the registry, e.g. vitest for a suite run
 * there) into `dir` with `npm install` under `env`, then checks that nothing was compiled and
 * that the installed prebuilds are byte-identical to the packed ones.
 * Resolves to `{ ok, short, detail, log }`.
 */
export async function installConsumer(
  dir,
  tarballs,
  packedPrebuilds,
  env,
  timeoutMs,
  devDependencies = {},
) {
  // overrides: the packages' own dependencies on each other resolve to the same tarballs.
  writeConsumerProject(dir, tarballs, (dependencies) => ({
    overrides: dependencies,
    ...(Object.keys(devDependencies).length ? { devDependencies } : {}),
  }));
  const tools = await visibleBuildTools(env);
  if (tools.length > 0) {
    return {
      ok: false,
      short: 'FAILED',
      detail: `build tools on PATH: ${tools.join(' ')}`,
      log: '',
    };
  }
  const install = await run('npm', ['install', '--prefer-offline', '--foreground-scripts'], {
    cwd: dir,
    env,
    timeoutMs,
  });
  if (install.code !== 0) return failedInstall('npm', install, timeoutMs);
  const problem = checkInstalledNative(dir, packedPrebuilds, 'npm install');
  if (problem) return { ok: false, detail: problem, log: install.output };
  const installed = installedPrebuildTargets(dir);
  const seconds = (install.ms / 1000).toFixed(1);
  return {
    ok: true,
    short: `${seconds}s`,
    detail: `npm install${
      Object.keys(devDependencies).length
        ? ` (with ${Object.entries(devDependencies)
            .map(([n, v]) => `${n}@${v}`)
            .join(', ')})`
        : ''
    } in ${seconds} s, no compiler/make/python on PATH, nothing compiled, prebuilds (${installed.join(', ')}) unchanged`,
    log: install.output,
  };
}
