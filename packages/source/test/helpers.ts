// helpers.ts -- what the source tests add to @pmem2/test-kit: temp dirs under a parent, tracked
// fds, FIFOs, the fixture sysfs trees by name, and a copy of the package without @pmem2/native

import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  cpSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backendRoot,
  buildOracle,
  copySysfsFixture,
  inPrivateMounts,
  tempDir as kitTempDir,
  sysfsFixture,
} from '@pmem2/test-kit';
import { afterAll, beforeAll } from 'vitest';

export { devOf, expectPmem2, holeyFile, writeAttribute } from '@pmem2/test-kit';

/** The tmpfs (/dev/shm) directory of this test run. */
export const SHM = backendRoot('tmpfs');

/** A fresh directory under `parent` (os.tmpdir() by default), removed after the test file. */
export function tempDir(parent: string = tmpdir()): string {
  return kitTempDir('pmem2-source-', parent);
}

const openFds: number[] = [];
afterAll(() => {
  for (const fd of openFds.splice(0)) {
    try {
      closeSync(fd);
    } catch {
      // already closed by the test
    }
  }
});

/** Opens a file and remembers to close it after the test file. */
export function openTracked(path: string, flags: number): number {
  const fd = openSync(path, flags);
  openFds.push(fd);
  return fd;
}

/** A FIFO made with mkfifo(1), opened O_RDWR | O_NONBLOCK. */
export function openFifo(dir: string): number {
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  return openTracked(path, constants.O_RDWR | constants.O_NONBLOCK);
}

/** The absolute path of a committed fixture sysfs tree (tools/test-kit/fixtures/sysfs). */
export const fixture = sysfsFixture;

/** A writable copy of a fixture tree (symlinks kept as they are), to vary one attribute. */
export const copyFixture = copySysfsFixture;

/** Compiles test/oracle/<name>.c against libpmem2 (or reports the skip of `what`). */
export function sourceOracle(name: string, what: string): string | undefined {
  return buildOracle(join(dirname(fileURLToPath(import.meta.url)), 'oracle', `${name}.c`), {
    what,
  });
}

/**
 * A connected unix socket for the enclosing describe (made in beforeAll, closed in afterAll);
 * call the returned function inside a test for the client's fd.
 */
export function unixSocketFd(): () => number {
  let server: Server;
  let client: Socket;
  beforeAll(async () => {
    const path = join(tempDir(), 'sock');
    server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    client = new Socket();
    await new Promise<void>((resolve) => client.connect(path, resolve));
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return () => (client as unknown as { _handle: { fd: number } })._handle.fd;
}

/**
 * Runs `sh -c <script> sh ...args` in a private mount namespace (`unshare -m`), so that its
 * bind mounts over /sys and /dev are seen by it alone; `fd` becomes the child's fd 3.
 */
export function inMountNamespace(
  script: string,
  args: readonly string[],
  fd?: number,
): SpawnSyncReturns<string> {
  return spawnSync('unshare', inPrivateMounts(script, ...args), {
    stdio: ['ignore', 'pipe', 'pipe', ...(fd === undefined ? [] : [fd])],
    encoding: 'utf8',
  });
}

/**
 * Runs an ES module body in a child with `BadBlockContext`, `Source` and `fileExtents` imported
 * from a copy of this package's dist that can resolve @pmem2/errors but not @pmem2/native.
 */
export function runWithoutNative(body: string): string {
  const root = tempDir();
  const pkg = join(root, 'source');
  const here = dirname(fileURLToPath(import.meta.url));
  cpSync(join(here, '..', 'dist'), join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(root, 'node_modules', '@pmem2'), { recursive: true });
  symlinkSync(join(here, '..', '..', 'errors'), join(root, 'node_modules', '@pmem2', 'errors'));
  const dist = join(pkg, 'dist');
  const script = [
    `import { BadBlockContext, Source } from ${JSON.stringify(join(dist, 'index.js'))};`,
    `import { fileExtents } from ${JSON.stringify(join(dist, 'file-extents.js'))};`,
    body,
  ].join('\n');
  // pnpm's bin shims put node_modules/.pnpm/node_modules (which holds @pmem2/native) on NODE_PATH
  const { NODE_PATH: _, ...env } = process.env;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: root,
    env,
  });
}
