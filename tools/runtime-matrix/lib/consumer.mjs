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
import { join } from 'node:path';
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
 * qemu for emulated arm64), `npm` run by that node, and plain shell tools. No compiler,
 * make or python.
 */
export async function makeToolbin(dir, { node, nodeWrapper }) {
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
  for (const tool of SHELL_TOOLS) {
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

/**
 * Installs the tarballs into `dir` with `npm install` under `env`, then checks that nothing
 * was compiled and that the installed prebuilds are byte-identical to the packed ones.
 * Resolves to `{ ok, short, detail, log }`.
 */
export async function installConsumer(dir, tarballs, packedPrebuilds, env, timeoutMs) {
  mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [`@pmem2/${name}`, `file:${file}`]),
  );
  writeFileSync(
    join(dir, 'package.json'),
    // overrides: the packages' own dependencies on each other resolve to the same tarballs.
    `${JSON.stringify({ name: 'pmem2-smoke-consumer', private: true, type: 'module', dependencies, overrides: dependencies }, null, 2)}\n`,
  );
  copyFileSync(join(TOOL_DIR, 'smoke', 'smoke.mjs'), join(dir, 'smoke.mjs'));
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
  if (install.code !== 0) {
    const why = install.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${install.code}`;
    return {
      ok: false,
      detail: `npm install ${why}: ${tail(install.output, 6)}`,
      log: install.output,
    };
  }
  const nativeDir = join(dir, 'node_modules', '@pmem2', 'native');
  if (existsSync(join(nativeDir, 'build'))) {
    return {
      ok: false,
      detail: 'npm install compiled the addon (node_modules/@pmem2/native/build exists)',
      log: install.output,
    };
  }
  const changed = [];
  for (const [relative, hash] of Object.entries(packedPrebuilds)) {
    const file = join(nativeDir, relative);
    if (!existsSync(file) || sha256(file) !== hash) changed.push(relative);
  }
  const installed = existsSync(join(nativeDir, 'prebuilds'))
    ? readdirSync(join(nativeDir, 'prebuilds'))
    : [];
  if (changed.length > 0) {
    return {
      ok: false,
      detail: `installed prebuilds differ from the packed ones: ${changed.join(', ')}`,
      log: install.output,
    };
  }
  const seconds = (install.ms / 1000).toFixed(1);
  return {
    ok: true,
    short: `${seconds}s`,
    detail: `npm install in ${seconds} s, no compiler/make/python on PATH, nothing compiled, prebuilds (${installed.join(', ')}) unchanged`,
    log: install.output,
  };
}
