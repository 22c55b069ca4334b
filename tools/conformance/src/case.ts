// case.ts -- the shape of one conformance case and of the answer both implementations give

/** File systems the file sources live on: `os.tmpdir()` (ext4 here) and `/dev/shm` (tmpfs). */
export type FileSystemKind = 'ext4' | 'tmpfs';

/** How the file behind an fd source is opened; `closed` is opened O_RDWR and closed before map. */
export type OpenMode = 'rdonly' | 'rdwr' | 'wronly' | 'closed';

/** `pattern`: known bytes in the first and last 64 KiB, holes between; `sparse`: all holes. */
export type FileContent = 'pattern' | 'sparse';

/** Where the mapped memory comes from. */
export type SourceSpec =
  | {
      readonly kind: 'file';
      readonly fs: FileSystemKind;
      readonly size: number;
      readonly content: FileContent;
      readonly open: OpenMode;
    }
  | { readonly kind: 'anon'; readonly size: bigint }
  /** A file the system provides (sysfs, procfs), never written: its mmap behaviour differs. */
  | { readonly kind: 'existing'; readonly path: string; readonly open: 'rdonly' | 'rdwr' }
  | { readonly kind: 'dir' }
  | { readonly kind: 'fifo' }
  | { readonly kind: 'chardev' }
  | { readonly kind: 'fd'; readonly fd: number };

/** An anonymous mapping placed in the reservation before the case's own mapping. */
export interface PremapSpec {
  readonly offset: bigint;
  readonly length: bigint;
}

/**
 * An operation on the reservation after the case's map (before it is deleted): extend, shrink,
 * the map_find family (`next`/`prev` are relative to the case's map and skipped without one),
 * and delete (which ends the list when it succeeds).
 */
export type ReservationOp =
  | { readonly op: 'extend'; readonly size: bigint }
  | { readonly op: 'shrink'; readonly offset: bigint; readonly size: bigint }
  | { readonly op: 'find'; readonly offset: bigint; readonly length: bigint }
  | { readonly op: 'first' | 'last' | 'next' | 'prev' | 'delete' };

/**
 * A call of a mem function (pmem2_get_memset_fn / _memmove_fn / _memcpy_fn) after the write
 * step; both sides skip a call whose range is not inside the mapping (undefined in C). memcpy
 * copies from bytes `(i * 11 + 7) & 0xff`.
 */
export type MemOp =
  | {
      readonly fn: 'memset';
      readonly offset: number;
      readonly length: number;
      readonly value: number;
      readonly flags: number;
    }
  | {
      readonly fn: 'memmove';
      readonly dst: number;
      readonly src: number;
      readonly length: number;
      readonly flags: number;
    }
  | {
      readonly fn: 'memcpy';
      readonly dst: number;
      readonly length: number;
      readonly flags: number;
    };

/** A mem function call as probe.c's `memops` item. */
export function encodeMemOp(o: MemOp): string {
  switch (o.fn) {
    case 'memset':
      return `memset:${o.offset}:${o.length}:${o.value}:${o.flags}`;
    case 'memmove':
      return `memmove:${o.dst}:${o.src}:${o.length}:${o.flags}`;
    default:
      return `memcpy:${o.dst}:${o.length}:${o.flags}`;
  }
}

/** The bytes memcpy copies from (mirrors probe.c's copy_source_byte). */
export function memCopySource(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 11 + 7) & 0xff;
  return bytes;
}

/** Bytes checksummed after the mem function calls (`memSum`). */
export const MEM_WINDOW = 65536;

/** A virtual memory reservation the case maps into. */
export interface ReservationSpec {
  readonly size: bigint;
  readonly offset: bigint;
  readonly premaps: readonly PremapSpec[];
  readonly ops?: readonly ReservationOp[];
}

/** A reservation operation as probe.c's `rsvops` item (`extend:8192`, `find:0:4096`, `first`). */
export function encodeReservationOp(o: ReservationOp): string {
  switch (o.op) {
    case 'extend':
      return `extend:${o.size}`;
    case 'shrink':
      return `shrink:${o.offset}:${o.size}`;
    case 'find':
      return `find:${o.offset}:${o.length}`;
    default:
      return o.op;
  }
}

/** The result of one reservation operation; `found` names the map a find returned. */
export interface ReservationOpResult extends CallResult {
  readonly op: string;
  readonly found?: string;
}

/**
 * One case. Absent setters are not called; present ones are called in this order:
 * granularity, offset, length, protection, sharing, reservation.
 */
export interface ConformanceCase {
  readonly id: string;
  readonly source: SourceSpec;
  readonly granularity?: number;
  readonly offset?: bigint;
  readonly length?: bigint;
  readonly protection?: number;
  readonly sharing?: number;
  readonly reservation?: ReservationSpec;
  /** Mem function calls after the write step (READ|WRITE mappings only). */
  readonly memOps?: readonly MemOp[];
  /** The value of PMEM2_FORCE_GRANULARITY during the case; absent means unset. */
  readonly forceGranularity?: string;
  /** Pass offsets and lengths to TypeScript as `number` where they are safe integers. */
  readonly asNumbers?: boolean;
}

/**
 * A return code and, when it is not 0, the pmem2_errormsg() text ("" if none was set). On the
 * TypeScript side a thrown non-`Pmem2Error` (a JavaScript-level error) is `ret: 1`.
 */
export interface CallResult {
  readonly ret: number;
  readonly msg: string;
}

/** The names of the config setters, as both sides report them. */
export const SETTER_NAMES = [
  'setGranularity',
  'setOffset',
  'setLength',
  'setProtection',
  'setSharing',
  'setVmReservation',
] as const;

/** A setter name. */
export type SetterName = (typeof SETTER_NAMES)[number];

/**
 * What one implementation answered for one case. A field is absent when that step did not run.
 * `head`/`tail` are FNV-1a checksums of the first/last min(4096, size) mapped bytes (readable
 * mappings only); `readBack` says a written pattern reads back after persist; `fileSees` says
 * the file (pread on the fd) sees it.
 */
export interface Outcome {
  id: string;
  rsv?: CallResult;
  premaps?: CallResult[];
  source?: CallResult;
  setGranularity?: CallResult;
  setOffset?: CallResult;
  setLength?: CallResult;
  setProtection?: CallResult;
  setSharing?: CallResult;
  setVmReservation?: CallResult;
  map?: CallResult;
  size?: number;
  granularity?: number;
  align?: string;
  rsvOffset?: number;
  head?: string;
  tail?: string;
  readBack?: boolean;
  fileSees?: boolean;
  memOpsRun?: number;
  memSum?: string;
  /** TypeScript only: an accessor (size, read, find, …) threw where C cannot fail. */
  harnessError?: CallResult;
  /** TypeScript only: mem function calls that threw. */
  memErrors?: CallResult[];
  /** TypeScript only: the store path of a writable mapping refused to write. */
  writeError?: CallResult;
  rsvOps?: ReservationOpResult[];
  rsvSize?: number;
  delete?: CallResult;
  rsvDelete?: CallResult;
}

/** libpmem2's protection bits (`PMEM2_PROT_*`). */
export const PROT = { NONE: 0, EXEC: 2 ** 29, READ: 2 ** 30, WRITE: 2 ** 31 } as const;

/** The four mapping-relevant bits combined in every way. */
export const PROT_COMBINATIONS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7].map(
  (bits) => (bits & 1 ? PROT.READ : 0) + (bits & 2 ? PROT.WRITE : 0) + (bits & 4 ? PROT.EXEC : 0),
);

/** PMEM2_FORCE_GRANULARITY values, valid and not (undefined = unset), both cases and spellings. */
export const FORCE_VALUES = [
  undefined,
  'byte',
  'cache_line',
  'CaChE_LiNe',
  'CACHELINE',
  'page',
  'PAGE',
  '0',
  'junk',
  '',
  'cache_line_',
] as const;

/** Bytes both sides checksum at each end of a mapping. */
export const SAMPLE_BYTES = 4096;

/** The byte the writer stores at a map offset (mirrors probe.c's write_pattern). */
export function writePattern(mapOffset: number): number {
  return (mapOffset * 5 + 0x3c) & 0xff;
}

/** The byte a `pattern` file holds at a file offset (the runner writes the files for both sides). */
export function filePattern(fileOffset: number): number {
  return (fileOffset * 3 + 1 + 7 * Math.floor(fileOffset / 4096)) & 0xff;
}

/** 32-bit FNV-1a, the checksum both sides compute (mirrors probe.c's fnv1a). */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Sizes and limits the case tables are written in. */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const PAGE = 4096n;
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;
