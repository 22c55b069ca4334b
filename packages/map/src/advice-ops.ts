// advice-ops.ts -- beyond libpmem2: madvise, populate, MS_ASYNC msync, mincore and mlock on a mapping

import { readFileSync } from 'node:fs';
import { describeValue, Protection, Sharing } from '@pmem2/config';
import { ERRNO, PMEM2_E, Pmem2Error } from '@pmem2/errors';
import { binding, type MapAdvice } from '@pmem2/native';
import { type CheckedRange, checkRange } from './check-range.js';
import type { MapState } from './map-state.js';
import { checkStatus, type NativeCallContext } from './native-call.js';

const EINVAL = -ERRNO.EINVAL;
const ENOMEM = -ERRNO.ENOMEM;
const EAGAIN = -ERRNO.EAGAIN;
const EPERM = -ERRNO.EPERM;
const PAGE_SIZE = binding.pageSize();

/**
 * The `madvise(2)` advice a mapping takes (`MADV_NORMAL`, `MADV_SEQUENTIAL`, `MADV_RANDOM`,
 * `MADV_WILLNEED`, `MADV_DONTNEED`, `MADV_HUGEPAGE`, `MADV_NOHUGEPAGE`), lower-case.
 *
 * @see madvise(2)
 */
export type Advice =
  | 'normal'
  | 'sequential'
  | 'random'
  | 'willneed'
  | 'dontneed'
  | 'hugepage'
  | 'nohugepage';

/**
 * How {@link Pmem2Map.populate} prefaults: `'read'` maps the pages readable
 * (`MADV_POPULATE_READ`), `'write'` maps them writable, breaking copy-on-write on a private
 * mapping and marking shared pages dirty (`MADV_POPULATE_WRITE`).
 *
 * @see madvise(2)
 */
export type PopulateMode = 'read' | 'write';

// The codes of advice.h, by name.
const ADVICE_CODES: Readonly<Record<Advice, MapAdvice>> = {
  normal: 0,
  sequential: 1,
  random: 2,
  willneed: 3,
  dontneed: 4,
  hugepage: 5,
  nohugepage: 6,
};

const ADVICE_NAMES = Object.keys(ADVICE_CODES).map((name) => `'${name}'`);

/**
 * The range of an advice call: the whole mapping when both are omitted.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_MAP_RANGE` as {@link checkRange}.
 */
function adviceRange(
  state: MapState,
  offset: unknown,
  length: unknown,
  what: string,
): CheckedRange {
  if (offset === undefined && length === undefined) return { offset: 0, length: state.size };
  return checkRange(offset as number, length as number, state.size, what);
}

/**
 * madvise(2) over the pages covering the range.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.advise`.
 * @see madvise(2)
 */
export function adviseRange(
  state: MapState,
  advice: unknown,
  offset?: number | bigint,
  length?: number | bigint,
): void {
  state.assertLive('advise');
  if (typeof advice !== 'string' || !Object.hasOwn(ADVICE_CODES, advice)) {
    throw new Pmem2Error(
      EINVAL,
      `advise: advice must be one of ${ADVICE_NAMES.join(', ')}, but ${describeValue(advice)} is not`,
    );
  }
  const name = advice as Advice;
  if (name === 'dontneed' && state.sharing === Sharing.PRIVATE) {
    throw new Pmem2Error(
      EINVAL,
      "advise('dontneed') on a private mapping would discard its copy-on-write changes (they " +
        'would read back as the file, or as zeros for anonymous memory); to drop them on ' +
        'purpose, delete the mapping and map it again',
    );
  }
  const range = adviceRange(state, offset, length, 'advise');
  const status = binding.madvise(state.handle, range.offset, range.length, ADVICE_CODES[name]);
  checkStatus(status, () => state.context(`madvise(${name}) of`, 'madvise', range));
}

/**
 * Prefaults the pages covering the range (MADV_POPULATE_READ/WRITE, or a touch loop).
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.populate`.
 * @see madvise(2)
 */
export function populateRange(
  state: MapState,
  mode: unknown,
  offset?: number | bigint,
  length?: number | bigint,
): void {
  state.assertLive('populate');
  if (mode !== 'read' && mode !== 'write') {
    throw new Pmem2Error(
      EINVAL,
      `populate: mode must be 'read' or 'write', but ${describeValue(mode)} is neither`,
    );
  }
  state.requireProtection(
    mode === 'read' ? Protection.READ : Protection.WRITE,
    `populate('${mode}')`,
  );
  const range = adviceRange(state, offset, length, 'populate');
  const status = binding.populate(
    state.handle,
    range.offset,
    range.length,
    mode === 'write' ? 1 : 0,
  );
  checkStatus(status, () => state.context(`populating (${mode})`, 'madvise', range));
}

/**
 * msync(MS_ASYNC) over the pages covering the range.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.scheduleWriteback`.
 * @see msync(2)
 */
export function scheduleWritebackRange(
  state: MapState,
  offset?: number | bigint,
  length?: number | bigint,
): void {
  state.assertLive('scheduleWriteback');
  const range = adviceRange(state, offset, length, 'scheduleWriteback');
  const status = binding.scheduleWriteback(state.handle, range.offset, range.length);
  checkStatus(status, () => state.context('msync(MS_ASYNC) of', 'msync', range));
}

/**
 * mincore(2) over the pages covering the range: one byte per page, 1 when resident.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.residency`.
 * @see mincore(2)
 */
export function residencyOf(
  state: MapState,
  offset?: number | bigint,
  length?: number | bigint,
): Uint8Array {
  state.assertLive('residency');
  const range = adviceRange(state, offset, length, 'residency');
  const pages =
    range.length === 0
      ? 0
      : Math.ceil((range.offset + range.length) / PAGE_SIZE) - Math.floor(range.offset / PAGE_SIZE);
  const vec = new Uint8Array(pages);
  const resident = binding.mincore(state.handle, range.offset, range.length, vec);
  if (resident < 0) checkStatus(resident, () => state.context('mincore of', 'mincore', range));
  return vec;
}

/**
 * mlock(2) or munlock(2) over the pages covering the range.
 *
 * @throws {@link @pmem2/errors!Pmem2Error} as `Pmem2Map.lock` / `Pmem2Map.unlock`.
 * @see mlock(2)
 */
export function lockRange(
  state: MapState,
  lock: boolean,
  offset?: number | bigint,
  length?: number | bigint,
): void {
  const what = lock ? 'lock' : 'unlock';
  state.assertLive(what);
  if (lock && (state.protection & (Protection.READ | Protection.WRITE)) === 0) {
    throw new Pmem2Error(
      PMEM2_E.NO_ACCESS,
      'lock: a PROT_NONE mapping cannot have its pages faulted in, so they cannot be locked; ' +
        'map it with Protection.READ or Protection.WRITE',
    );
  }
  const range = adviceRange(state, offset, length, what);
  const status = binding.mlock(state.handle, range.offset, range.length, lock ? 1 : 0);
  checkStatus(status, () => lockContext(state, lock, range));
}

// The context of a failed mlock/munlock; the memlock limit is read only then.
function lockContext(state: MapState, lock: boolean, range: CheckedRange): NativeCallContext {
  const syscall = lock ? 'mlock' : 'munlock';
  const base = state.context(`${syscall} of`, syscall, range);
  if (!lock) return base;
  const limit =
    `locking ${range.length} bytes (whole pages) would pass RLIMIT_MEMLOCK ` +
    `(${memlockFacts()}); raise it (ulimit -l, LimitMEMLOCK= in systemd, or CAP_IPC_LOCK) ` +
    'or lock a smaller range';
  return { ...base, advice: { ...base.advice, [ENOMEM]: limit, [EAGAIN]: limit, [EPERM]: limit } };
}

// "soft limit N bytes, M kB locked now", from procfs (what getrlimit and VmLck report).
function memlockFacts(): string {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max locked memory\s+(\S+)/m.exec(limits)?.[1] ?? 'unknown';
    const status = readFileSync('/proc/self/status', 'utf8');
    const locked = /^VmLck:\s+(\d+ kB)/m.exec(status)?.[1] ?? 'unknown';
    return `soft limit ${soft === 'unlimited' ? soft : `${soft} bytes`}, ${locked} locked now`;
  } catch {
    return 'see /proc/self/limits';
  }
}
