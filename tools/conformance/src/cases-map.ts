import type { FileSystemKind, OpenMode } from './case.js';
import {
  FORCE_VALUES,
  INT64_MAX,
  KiB,
  MiB,
  PAGE,
  PROT,
  PROT_COMBINATIONS,
  UINT64_MAX,
} from './case.js';
import type { CaseGroup } from './case-axes.js';
import {
  anon,
  cross,
  file,
  GRANULARITY,
  SHARING,
  SIXTEEN_MiB,
  show,
  sourceName,
} from './case-axes.js';

export const granularityMatrix: CaseGroup = {
  name: 'granularity',
  covers:
    'pmem2_map_new(3) granularity; libpmem2.md §3 step 14, §3.2, §4.3, §4.5; PMDK pmem2_granularity, pmem2_granularity_detection, pmem2_integration test_granularity',
  cases: cross({
    source: [file(8192), file(8192, { fs: 'tmpfs' }), file(8192, { open: 'rdonly' }), anon(8192)],
    sharing: [undefined, SHARING.PRIVATE],
    granularity: [undefined, GRANULARITY.BYTE, GRANULARITY.CACHE_LINE, GRANULARITY.PAGE],
    force: FORCE_VALUES,
  }).map(({ source, sharing, granularity, force }) => ({
    id: `granularity/${sourceName(source)}/sharing=${show(sharing)}/g=${show(granularity)}/force=${show(force)}`,
    source,
    ...(sharing === undefined ? {} : { sharing }),
    ...(granularity === undefined ? {} : { granularity }),
    ...(force === undefined ? {} : { forceGranularity: force }),
    ...(source.kind === 'file' && source.open === 'rdonly' ? { protection: PROT.READ } : {}),
  })),
};

export const protectionMatrix: CaseGroup = {
  name: 'protection',
  covers:
    'pmem2_config_set_protection(3), pmem2_map_new(3) PMEM2_E_NO_ACCESS; libpmem2.md §3 step 13; PMDK pmem2_map_prot, pmem2_map TEST2/TEST27',
  cases: [
    ...cross({
      fs: ['ext4', 'tmpfs'] as FileSystemKind[],
      open: ['rdonly', 'rdwr'] as OpenMode[],
      sharing: [SHARING.SHARED, SHARING.PRIVATE],
      protection: PROT_COMBINATIONS,
    }).map(({ fs, open, sharing, protection }) => ({
      id: `protection/${fs}-${open}/sharing=${sharing}/prot=${protection >>> 0}`,
      source: file(5000, { fs, open }),
      granularity: GRANULARITY.PAGE,
      sharing,
      protection,
    })),
    ...cross({ sharing: [SHARING.SHARED, SHARING.PRIVATE], protection: PROT_COMBINATIONS }).map(
      ({ sharing, protection }) => ({
        id: `protection/anon/sharing=${sharing}/prot=${protection >>> 0}`,
        source: anon(5000),
        granularity: GRANULARITY.BYTE,
        sharing,
        protection,
      }),
    ),
    {
      id: 'protection/rdonly-default-prot-shared',
      source: file(4096, { open: 'rdonly' }),
      granularity: GRANULARITY.PAGE,
    },
  ],
};

function rangeValues(size: number): bigint[] {
  const s = BigInt(size);
  const roundedUp = ((s + PAGE - 1n) / PAGE) * PAGE;
  return [
    ...new Set([0n, 1n, PAGE - 1n, PAGE, s, s - 1n, roundedUp, s + PAGE, INT64_MAX, UINT64_MAX]),
  ]
    .filter((v) => v >= 0n)
    .sort((a, b) => (a < b ? -1 : 1));
}

const RANGE_FILE_SIZES = [0, 1, 3 * KiB, 4096, 5000, 16 * MiB - 1, 16 * MiB];

export const rangeMatrix: CaseGroup = {
  name: 'ranges',
  covers:
    'pmem2_config_set_offset(3)/set_length(3), pmem2_map_new(3) OFFSET_UNALIGNED, LENGTH_UNALIGNED, MAP_RANGE, SOURCE_EMPTY; libpmem2.md §1.1 validate_length/validate_offset, §3 steps 5, 9, 10; PMDK pmem2_map TEST4-9/21-23, pmem2_integration len/offset tests',
  cases: [
    ...RANGE_FILE_SIZES.flatMap((size) =>
      cross({ offset: rangeValues(size), length: rangeValues(size) }).map(({ offset, length }) => ({
        id: `ranges/ext4-${size}/offset=${offset}/length=${length}`,
        source: file(size),
        granularity: GRANULARITY.PAGE,
        offset,
        length,
      })),
    ),
    ...cross({
      fs: ['tmpfs'] as FileSystemKind[],
      offset: [0n, PAGE, 8192n],
      length: [0n, PAGE, 8192n, 12288n],
    }).map(({ fs, offset, length }) => ({
      id: `ranges/${fs}-16384/offset=${offset}/length=${length}`,
      source: file(16384, { fs }),
      granularity: GRANULARITY.PAGE,
      offset,
      length,
      asNumbers: true,
    })),
    ...[
      [PAGE, UINT64_MAX - PAGE + 1n],
      [INT64_MAX - PAGE + 1n, INT64_MAX + PAGE + 1n],
      [INT64_MAX - PAGE + 1n, INT64_MAX + 1n],
      [PAGE, UINT64_MAX - 2n * PAGE + 1n],
      [8192n, UINT64_MAX - PAGE + 1n],
      [SIXTEEN_MiB - PAGE, 2n * PAGE],
      [SIXTEEN_MiB - PAGE, PAGE],
      [SIXTEEN_MiB, 0n],
      [2n * SIXTEEN_MiB, 0n],
      [SIXTEEN_MiB / 2n + 4n * BigInt(MiB), SIXTEEN_MiB / 2n],
      [BigInt(KiB), SIXTEEN_MiB / 2n],
      [PAGE, SIXTEEN_MiB / 2n],
      [0n, SIXTEEN_MiB / 2n],
    ].map(([offset, length]) => ({
      id: `ranges/ext4-16MiB-edge/offset=${offset}/length=${length}`,
      source: file(16 * MiB),
      granularity: GRANULARITY.PAGE,
      offset,
      length,
    })),
    ...cross({
      offset: [0n, PAGE, 5000n, (1n << 30n) - PAGE, 1n << 30n, INT64_MAX - PAGE + 1n],
      length: [0n, PAGE, 1n << 20n, 1n << 30n, 4097n],
    }).map(({ offset, length }) => ({
      id: `ranges/anon-1GiB/offset=${offset}/length=${length}`,
      source: anon(1n << 30n),
      granularity: GRANULARITY.BYTE,
      offset,
      length,
    })),
    {
      id: 'ranges/anon-too-small-1KiB',
      source: anon(1n << 30n),
      granularity: GRANULARITY.BYTE,
      length: 1024n,
    },
  ],
};
