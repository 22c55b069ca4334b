import type { FileSystemKind, OpenMode, SourceSpec } from './case.js';
import { INT64_MAX, KiB, MiB, PAGE, PROT, UINT64_MAX } from './case.js';
import type { CaseGroup } from './case-axes.js';
import {
  anon,
  cross,
  file,
  GRANULARITY,
  INT32_MAX,
  INT32_MIN,
  SHARING,
  show,
} from './case-axes.js';

export const setterErrors: CaseGroup = {
  name: 'setters',
  covers: 'pmem2_config_set_*(3) ERRORS; libpmem2.md §1.1; PMDK pmem2_config',
  cases: [
    ...[-1, 3, 99, INT32_MAX, INT32_MIN].map((g) => ({
      id: `setters/granularity=${g}`,
      source: file(4096),
      granularity: g,
    })),
    ...[INT64_MAX, INT64_MAX + 1n, INT64_MAX + 1n + PAGE, UINT64_MAX].map((offset) => ({
      id: `setters/offset=${offset}`,
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      offset,
    })),
    ...[1, 2 ** 28, 2 ** 29 - 1, PROT.READ + 1, PROT.WRITE + PROT.EXEC + 4096, 2 ** 32 - 1].map(
      (protection) => ({
        id: `setters/protection=${protection}`,
        source: file(4096),
        granularity: GRANULARITY.PAGE,
        protection,
      }),
    ),
    ...[2, -1, 100, INT32_MAX, INT32_MIN].map((sharing) => ({
      id: `setters/sharing=${sharing}`,
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      sharing,
    })),
    {
      id: 'setters/all-invalid-keep-defaults',
      source: file(8192),
      granularity: 7,
      offset: UINT64_MAX,
      length: 4096n,
      protection: 1,
      sharing: 5,
    },
    {
      id: 'setters/invalid-after-valid-granularity',
      source: file(8192),
      granularity: GRANULARITY.PAGE,
      offset: INT64_MAX + 1n,
      protection: 3,
      sharing: -7,
    },
    {
      id: 'setters/length=UINT64_MAX-accepted',
      source: file(4096),
      granularity: GRANULARITY.PAGE,
      length: UINT64_MAX,
    },
  ],
};

/** A sysfs attribute: a 4096-byte regular file whose mmap fails with ENODEV. */
const SYSFS_ATTRIBUTE = '/sys/kernel/mm/transparent_hugepage/enabled';
/** A procfs file: a regular file of size 0. */
const PROCFS_FILE = '/proc/self/status';

export const sourceErrors: CaseGroup = {
  name: 'sources',
  covers:
    'pmem2_source_from_fd(3), pmem2_source_from_anon(3), pmem2_map_new(3) step 4; libpmem2.md §1.2, §4.1; PMDK pmem2_source, pmem2_map TEST10/TEST23',
  cases: [
    ...(['dir', 'fifo', 'chardev'] as const).map((kind) => ({
      id: `sources/${kind}`,
      source: { kind } as SourceSpec,
      granularity: GRANULARITY.PAGE,
    })),
    ...[-1, INT32_MIN, 1 << 20, INT32_MAX].map((fd) => ({
      id: `sources/fd=${fd}`,
      source: { kind: 'fd', fd } as SourceSpec,
      granularity: GRANULARITY.PAGE,
    })),
    ...cross({
      fs: ['ext4', 'tmpfs'] as FileSystemKind[],
      open: ['wronly', 'closed'] as OpenMode[],
    }).map(({ fs, open }) => ({
      id: `sources/${fs}-${open}`,
      source: file(8192, { fs, open }),
      granularity: GRANULARITY.PAGE,
    })),
    { id: 'sources/closed-no-granularity', source: file(8192, { open: 'closed' }) },
    ...cross({
      fs: ['ext4', 'tmpfs'] as FileSystemKind[],
      size: [0, 1, 3 * KiB, 4096, 5000, 16 * MiB - 1, 16 * MiB],
    }).map(({ fs, size }) => ({
      id: `sources/${fs}-size=${size}`,
      source: file(size, { fs }),
      granularity: GRANULARITY.PAGE,
    })),
    {
      id: 'sources/ext4-16MiB-1-sparse',
      source: file(16 * MiB - 1, { content: 'sparse' }),
      granularity: GRANULARITY.PAGE,
    },
    ...[0n, 1n, 4095n, PAGE, 5000n, 1n << 30n, 3n << 30n].map((size) => ({
      id: `sources/anon-size=${size}`,
      source: anon(size),
      granularity: GRANULARITY.BYTE,
    })),
    ...cross({
      path: [SYSFS_ATTRIBUTE, PROCFS_FILE],
      sharing: [SHARING.SHARED, SHARING.PRIVATE],
      length: [undefined, PAGE],
    }).map(({ path, sharing, length }) => ({
      id: `sources/${path === SYSFS_ATTRIBUTE ? 'sysfs-attribute' : 'procfs-file'}/sharing=${sharing}/length=${show(length)}`,
      source: { kind: 'existing', path, open: 'rdonly' } as SourceSpec,
      granularity: GRANULARITY.PAGE,
      protection: PROT.READ,
      sharing,
      ...(length === undefined ? {} : { length }),
    })),
    ...[2n ** 47n, 2n ** 63n, UINT64_MAX].map((size) => ({
      id: `sources/anon-size=${size}-enomem`,
      source: anon(size),
      granularity: GRANULARITY.BYTE,
    })),
  ],
};
