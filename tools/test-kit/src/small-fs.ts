// small-fs.ts -- tiny tmpfs and ext4 file systems mounted in a private mount namespace
// (`unshare -m`, root), for tests of what a full file system does to a mapping or a log

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildResult } from './child.js';

/** A small file system: how to mount it on "$1", and why it cannot be here (else undefined). */
export interface SmallFileSystem {
  readonly name: 'tmpfs' | 'ext4';
  /** A shell command that mounts it on "$1" ("$1.img" may hold an image). */
  readonly mount: string;
  /** Why `unshare -m` + mount failed here; undefined when it works. */
  readonly why: string | undefined;
}

/** `unshare` arguments: `script` run by sh in a private mount namespace, `args` as $1, $2, … */
export function inPrivateMounts(script: string, ...args: string[]): string[] {
  return ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ...args];
}

const MOUNTS = [
  { name: 'tmpfs', mount: 'mount -t tmpfs -o size=256k tmpfs "$1"' },
  {
    name: 'ext4',
    mount: 'mkfs.ext4 -q -F -b 4096 -m 0 "$1.img" 8M >/dev/null && mount -o loop "$1.img" "$1"',
  },
] as const;

let probed: SmallFileSystem[] | undefined;

/**
 * A 256 KiB tmpfs and an 8 MiB ext4 (4 KiB blocks, no reserve), each probed once per process:
 * `why` says what failed (no root, no `unshare`, no loop device, no `mkfs.ext4`). Each one that
 * cannot be had is announced as `SKIPPED: <what> on a full <name> — <why>`, so that a test
 * file running only where `why` is undefined never skips silently.
 */
export function smallFileSystems(what: string): readonly SmallFileSystem[] {
  probed ??= MOUNTS.map((fs) => {
    const probe = mkdtempSync(join(tmpdir(), 'pmem2-probe-'));
    const r = spawnSync(
      'unshare',
      inPrivateMounts(`mkdir "$1" && ${fs.mount} && umount "$1"`, `${probe}/m`),
      { encoding: 'utf8' },
    );
    rmSync(probe, { recursive: true, force: true });
    return {
      ...fs,
      why: r.status === 0 ? undefined : `unshare -m + mount failed: ${r.error ?? r.stderr.trim()}`,
    };
  });
  for (const { name, why } of probed)
    if (why !== undefined) console.warn(`SKIPPED: ${what} on a full ${name} — ${why}`);
  return probed;
}

/**
 * Mounts `fs` on `dir` (which must not exist) in a private mount namespace and runs the
 * module `script` there with this Node, `dir` as its `process.argv[1]`; the mount goes with
 * the namespace. Read its answer with `quietAnswerOf`.
 */
export function runOnSmallFileSystem(
  fs: SmallFileSystem,
  dir: string,
  script: string,
): ChildResult {
  return spawnSync(
    'unshare',
    inPrivateMounts(
      `mkdir "$1" && ${fs.mount} && exec "$2" --input-type=module -e "$3" "$1"`,
      dir,
      process.execPath,
      script,
    ),
    { encoding: 'utf8', timeout: 60_000 },
  );
}
