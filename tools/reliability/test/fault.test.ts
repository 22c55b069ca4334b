// fault.test.ts -- every system call site of map creation, deletion, persist, reservations and
// sources fails on demand (LD_PRELOAD shim of @pmem2/fault-inject): the error is libpmem2's
// Pmem2Error and nothing is left behind (/proc/self/maps, /proc/self/fd, the map registry)

import { join } from 'node:path';
import { errnoValue } from '@pmem2/errors';
import { type Fault, runWithFault } from '@pmem2/fault-inject';
import { describe, expect, it } from 'vitest';
import { answerOf, childrenDir, packageDir, tempDir } from './helpers.js';

const dir = tempDir('fault');

/** Runs one operation of children/fault.mjs with `fault` armed just before it. */
function underFault(op: string, fault: Fault): Record<string, unknown> {
  const script = JSON.stringify(join(childrenDir, 'fault.mjs'));
  const child = runWithFault(fault, `await import(${script});`, {
    cwd: packageDir,
    env: { FAULT_OP: op, FAULT_DIR: dir },
  });
  return answerOf<Record<string, unknown>>(child);
}

const NOTHING_LEFT = { fileLines: [], newBig: [], fdsAdded: [], fdsRemoved: [], registry: 0 };

/** errno name -> its number. */
function errno(name: string): number {
  const value = errnoValue(name);
  if (value === undefined) throw new Error(`no errno ${name}`);
  return value;
}

/** The error a failing call must give: a PMEM2_E_* name, or the errno name (passes through). */
function expected(code: string, text: string | undefined): Record<string, unknown> {
  const want: Record<string, unknown> = { code };
  if (text !== undefined) want.text = text;
  return want;
}

type Case = readonly [
  op: string,
  func: Fault['func'],
  nth: number,
  errnoName: string,
  code: string, // 'ok' when the call site tolerates the errno
  text?: string, // libpmem2's errormsg where it is pinned down
  path?: string,
];

// The call sites, in the order the native code makes them:
//   mapNew (no reservation): mmap #1 placeholder, munmap #1 trim of the placeholder,
//     mmap #2 MAP_SHARED_VALIDATE|MAP_SYNC attempt (shared files only; EINVAL/EOPNOTSUPP fall
//     back), mmap #3 the MAP_SHARED fallback (#2 for private and anonymous maps)
//   mapNew in a reservation: mmap #1 the MAP_SYNC attempt, #2 the fallback
//   delete: munmap #1 (mmap #1, the mend, inside a reservation); persist: msync #1
//   VmReservation: new mmap #1, extend mmap #1 (NOREPLACE), shrink munmap #1, delete munmap #1
const cases: Case[] = [
  ['map-file-shared', 'mmap', 1, 'ENOMEM', 'ENOMEM', 'mmap MAP_ANONYMOUS: Cannot allocate memory'],
  ['map-file-shared', 'mmap', 1, 'EAGAIN', 'EAGAIN'],
  ['map-file-shared', 'mmap', 1, 'EINTR', 'EINTR'],
  ['map-file-shared', 'munmap', 1, 'ENOMEM', 'ENOMEM', 'munmap: Cannot allocate memory'],
  ['map-file-shared', 'munmap', 1, 'EINVAL', 'EINVAL', 'munmap: Invalid argument'],
  ['map-file-shared', 'mmap', 2, 'ENOMEM', 'ENOMEM'],
  ['map-file-shared', 'mmap', 2, 'ENODEV', 'ENODEV'],
  ['map-file-shared', 'mmap', 2, 'EAGAIN', 'EAGAIN'],
  ['map-file-shared', 'mmap', 2, 'EACCES', 'PMEM2_E_NO_ACCESS'],
  ['map-file-shared', 'mmap', 2, 'EINVAL', 'ok'],
  ['map-file-shared', 'mmap', 2, 'EOPNOTSUPP', 'ok'],
  ['map-file-shared', 'mmap', 3, 'EACCES', 'PMEM2_E_NO_ACCESS', 'mmap: Permission denied'],
  ['map-file-shared', 'mmap', 3, 'ENOMEM', 'ENOMEM', 'mmap: Cannot allocate memory'],
  ['map-file-shared', 'mmap', 3, 'ENODEV', 'ENODEV', 'mmap: No such device'],
  ['map-file-shared', 'mmap', 3, 'EAGAIN', 'EAGAIN'],
  ['map-file-shared', 'mmap', 3, 'EBADF', 'EBADF'],
  ['map-file-shared', 'mmap', 3, 'EINTR', 'EINTR'],
  ['map-file-shared', 'mmap', 3, 'EOPNOTSUPP', 'PMEM2_E_NOSUPP'],
  ['map-file-shared', 'mmap', 3, 'EEXIST', 'PMEM2_E_MAPPING_EXISTS'],
  ['map-file-private', 'mmap', 2, 'EACCES', 'PMEM2_E_NO_ACCESS'],
  ['map-file-private', 'mmap', 2, 'ENODEV', 'ENODEV'],
  ['map-file-private', 'mmap', 2, 'ENOMEM', 'ENOMEM'],
  ['map-anon', 'mmap', 1, 'ENOMEM', 'ENOMEM'],
  ['map-anon', 'mmap', 2, 'ENOMEM', 'ENOMEM'],
  ['map-anon', 'mmap', 2, 'EAGAIN', 'EAGAIN'],
  ['map-in-reservation', 'mmap', 1, 'ENOMEM', 'ENOMEM'],
  ['map-in-reservation', 'mmap', 2, 'EACCES', 'PMEM2_E_NO_ACCESS'],
  ['map-in-reservation', 'mmap', 2, 'ENODEV', 'ENODEV'],
  ['delete', 'munmap', 1, 'EINVAL', 'EINVAL', 'munmap: Invalid argument'],
  ['delete', 'munmap', 1, 'ENOMEM', 'ENOMEM', 'munmap: Cannot allocate memory'],
  ['delete-last-shared-view', 'munmap', 1, 'EINVAL', 'EINVAL', 'munmap: Invalid argument'],
  ['delete-last-shared-view', 'munmap', 1, 'ENOMEM', 'ENOMEM', 'munmap: Cannot allocate memory'],
  ['delete-in-reservation', 'mmap', 1, 'ENOMEM', 'ENOMEM'],
  ['persist', 'msync', 1, 'ENOMEM', 'ENOMEM', 'msync: Cannot allocate memory'],
  ['persist', 'msync', 1, 'EIO', 'EIO'],
  ['persist', 'msync', 1, 'EBUSY', 'EBUSY'],
  ['persist', 'msync', 1, 'EINTR', 'ok'], // restarted on EINTR, as pmem2_persist_pages does
  ['persist-async', 'msync', 1, 'ENOMEM', 'ENOMEM', 'msync: Cannot allocate memory'],
  ['persist-async', 'msync', 1, 'EIO', 'EIO'],
  ['reservation-new', 'mmap', 1, 'ENOMEM', 'ENOMEM', 'mmap MAP_ANONYMOUS: Cannot allocate memory'],
  ['reservation-new', 'mmap', 1, 'EAGAIN', 'EAGAIN'],
  ['reservation-new-at', 'mmap', 1, 'EEXIST', 'PMEM2_E_MAPPING_EXISTS'],
  ['reservation-extend', 'mmap', 1, 'ENOMEM', 'ENOMEM'],
  ['reservation-extend', 'mmap', 1, 'EEXIST', 'PMEM2_E_MAPPING_EXISTS'],
  ['reservation-shrink', 'munmap', 1, 'ENOMEM', 'ENOMEM', 'munmap: Cannot allocate memory'],
  ['reservation-shrink', 'munmap', 1, 'EINVAL', 'EINVAL'],
  ['reservation-delete', 'munmap', 1, 'EINVAL', 'EINVAL', 'munmap: Invalid argument'],
  ['reservation-delete', 'munmap', 1, 'ENOMEM', 'ENOMEM'],
  // Source.fromPath: open(2) of the file, then F_GETFL read from /proc/self/fdinfo/<fd>
  // (open + read, no fstat), then fstat(2) of the fd (fstat #1)
  ['source-from-path', 'open', 1, 'EACCES', 'EACCES', 'open: Permission denied', 'fault-file'],
  ['source-from-path', 'open', 1, 'ENODEV', 'ENODEV', undefined, 'fault-file'],
  ['source-from-path', 'open', 1, 'ENOMEM', 'ENOMEM', undefined, 'fault-file'],
  ['source-from-path', 'open', 1, 'EINTR', 'ok', undefined, 'fault-file'], // libuv restarts
  [
    'source-from-path',
    'open',
    1,
    'ENOENT',
    'PMEM2_E_INVALID_FILE_HANDLE',
    'fcntl: Bad file descriptor',
    'fdinfo',
  ],
  ['source-from-path', 'open', 1, 'ENOMEM', 'ENOMEM', 'fcntl: Cannot allocate memory', 'fdinfo'],
  [
    'source-from-path',
    'fstat',
    1,
    'EBADF',
    'PMEM2_E_INVALID_FILE_HANDLE',
    'fstat: Bad file descriptor',
  ],
  ['source-from-path', 'fstat', 1, 'ENOMEM', 'ENOMEM', 'fstat: Cannot allocate memory'],
  ['source-from-path', 'fstat', 1, 'EIO', 'EIO', 'fstat: Input/output error'],
  [
    'source-from-fd',
    'open',
    1,
    'ENOENT',
    'PMEM2_E_INVALID_FILE_HANDLE',
    'fcntl: Bad file descriptor',
    'fdinfo',
  ],
  ['source-from-fd', 'fstat', 1, 'EACCES', 'EACCES', 'fstat: Permission denied'],
];

const rows = cases.map(([op, func, nth, errnoName, code, text, path]) => ({
  op,
  func,
  nth,
  errnoName,
  code,
  text,
  path,
}));

describe.each(rows)(
  '$op: $func #$nth fails with $errnoName',
  ({ op, func, nth, errnoName, code, text, path }) => {
    it(
      code === 'ok'
        ? 'is tolerated and leaves nothing behind'
        : `gives ${code} and leaves nothing behind`,
      () => {
        const fault: Fault = {
          func,
          nth,
          errno: errno(errnoName),
          ...(path === undefined ? {} : { path }),
        };
        const answer = underFault(op, fault);
        if (code === 'ok') expect(answer.result).toEqual({ ok: true });
        else expect(answer.result).toMatchObject(expected(code, text));
        if (code !== 'ok' && !code.startsWith('PMEM2_E_')) {
          expect((answer.result as { errno: number }).errno).toBe(-errno(errnoName));
        }
        // what libpmem2 guarantees after a failed delete or persist: the object stays usable
        if ('usable' in answer) expect(answer.usable).toMatchObject({ ok: true });
        if ('retry' in answer) expect(answer.retry).toEqual({ ok: true });
        if ('rsvDelete' in answer) expect(answer.rsvDelete).toEqual({ ok: true });
        if ('delete' in answer) expect(answer.delete).toEqual({ ok: true });
        expect(answer.leak).toMatchObject(NOTHING_LEFT);
        // the maps and reservations here are >= 8 MiB: a leak merged into a neighbour shows here
        expect((answer.leak as { vmDelta: number }).vmDelta).toBeLessThan(4 * 1024 * 1024);
      },
    );
  },
);
