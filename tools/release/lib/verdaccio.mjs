// verdaccio.mjs -- a local Verdaccio registry on 127.0.0.1: config, start, a user's token, stop
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** How long Verdaccio may take to answer its first ping. */
const START_TIMEOUT_MS = 60_000;

/**
 * Verdaccio's config (YAML): storage and users under `dir`, listening on 127.0.0.1 only,
 * `@pmem2/*` readable by anyone and publishable by a logged-in user, no uplink (nothing is
 * fetched from, or proxied to, another registry), no web UI.
 */
export function verdaccioConfig(dir, port) {
  return `# written by tools/release/lib/verdaccio.mjs for one run
storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
uplinks: {}
packages:
  '@pmem2/*':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  '**':
    access: $all
listen: 127.0.0.1:${port}
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** The verdaccio executable installed as this package's devDependency. */
function verdaccioBin() {
  const manifestPath = require.resolve('verdaccio/package.json');
  const { bin, version } = require(manifestPath);
  const file = typeof bin === 'string' ? bin : bin.verdaccio;
  return { path: join(dirname(manifestPath), file), version };
}

async function ping(url) {
  try {
    const response = await fetch(`${url}-/ping`);
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts Verdaccio with its storage, users and log in `dir`. Resolves to
 * `{ url, version, pid, log, stop }` once it answers `/-/ping`; `stop()` ends it (SIGTERM,
 * then SIGKILL) and resolves when it has exited.
 */
export async function startVerdaccio(dir) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(config, verdaccioConfig(dir, port));
  const bin = verdaccioBin();
  const log = join(dir, 'verdaccio.log');
  const logStream = createWriteStream(log);
  const child = spawn(process.execPath, [bin.path, '--config', config], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = child.exitCode !== null;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    logStream.end();
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await ping(url))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `Verdaccio ${bin.version} did not answer on ${url} ${exited ? '(it exited)' : `within ${START_TIMEOUT_MS / 1000} s`}; see ${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, version: bin.version, pid: child.pid, log, stop };
}

/** Registers a user (htpasswd) and resolves to the token npm and pnpm authenticate with. */
export async function createUser(url, name, password) {
  const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user' }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(
      `Verdaccio refused to add user ${name}: ${response.status} ${JSON.stringify(body)}`,
    );
  }
  return body.token;
}

/** The registry's document for a package (`versions`, `dist-tags`), or undefined if unknown. */
export async function packument(url, name) {
  const response = await fetch(`${url}${name.replace('/', '%2f')}`);
  return response.ok ? response.json() : undefined;
}
