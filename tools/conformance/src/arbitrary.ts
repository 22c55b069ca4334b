// arbitrary.ts -- fast-check arbitraries drawing cases from the matrix's space (randomized mode)

import fc from 'fast-check';
import {
  type ConformanceCase,
  type FileSystemKind,
  FORCE_VALUES,
  INT64_MAX,
  KiB,
  type MemOp,
  MiB,
  type OpenMode,
  PAGE,
  PROT_COMBINATIONS,
  type ReservationOp,
  type ReservationSpec,
  type SourceSpec,
  UINT64_MAX,
} from './case.js';

const FILE_SIZES = [
  0,
  1,
  3 * KiB,
  4096,
  5000,
  8192,
  12288,
  65536,
  2 * MiB + 4096,
  16 * MiB - 1,
  16 * MiB,
];
const ANON_SIZES = [0n, 1n, 4095n, PAGE, 5000n, 1n << 20n, 1n << 30n, 3n << 30n, 2n ** 47n];

const fileSource: fc.Arbitrary<SourceSpec> = fc.record({
  kind: fc.constant('file' as const),
  fs: fc.constantFrom<FileSystemKind>('ext4', 'tmpfs'),
  size: fc.constantFrom(...FILE_SIZES),
  content: fc.constantFrom('pattern' as const, 'sparse' as const),
  open: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<OpenMode>('rdwr', 'rdonly') },
    { weight: 1, arbitrary: fc.constantFrom<OpenMode>('wronly', 'closed') },
  ),
});

const anonSource: fc.Arbitrary<SourceSpec> = fc.record({
  kind: fc.constant('anon' as const),
  size: fc.oneof(
    fc.constantFrom(...ANON_SIZES),
    fc.bigInt({ min: 1n, max: 4096n }).map((pages) => pages * PAGE),
  ),
});

const oddSource: fc.Arbitrary<SourceSpec> = fc.oneof(
  fc.constantFrom<SourceSpec>({ kind: 'dir' }, { kind: 'fifo' }, { kind: 'chardev' }),
  fc.constantFrom(-1, 1 << 20).map((fd): SourceSpec => ({ kind: 'fd', fd })),
);

const sourceArbitrary: fc.Arbitrary<SourceSpec> = fc.oneof(
  { weight: 12, arbitrary: fileSource },
  { weight: 6, arbitrary: anonSource },
  { weight: 1, arbitrary: oddSource },
);

/** Offsets and lengths: page multiples inside the source, the edges, just past it, and anything. */
function rangeValue(sourceSize: bigint): fc.Arbitrary<bigint> {
  const pagesInside = fc.bigInt({ min: 0n, max: sourceSize / PAGE }).map((pages) => pages * PAGE);
  return fc.oneof(
    { weight: 8, arbitrary: pagesInside },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        0n,
        1n,
        PAGE - 1n,
        PAGE,
        sourceSize,
        sourceSize + PAGE,
        INT64_MAX,
        INT64_MAX + 1n,
        UINT64_MAX,
      ),
    },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: UINT64_MAX }) },
  );
}

/** Reservation operations within reach of a reservation of `pages` pages (no size_t wrap). */
function reservationOp(pages: bigint): fc.Arbitrary<ReservationOp> {
  const pageMultiple = (max: bigint) => fc.bigInt({ min: 0n, max }).map((p) => p * PAGE);
  const offsetOrOdd = fc.oneof(
    { weight: 8, arbitrary: pageMultiple(pages + 1n) },
    { weight: 1, arbitrary: fc.constantFrom(1n, 100n) },
  );
  return fc.oneof(
    fc.record({
      op: fc.constant('extend' as const),
      size: fc.oneof(pageMultiple(64n), fc.constant(100n)),
    }),
    fc.record({ op: fc.constant('shrink' as const), offset: offsetOrOdd, size: offsetOrOdd }),
    fc.record({
      op: fc.constant('find' as const),
      offset: pageMultiple(pages),
      length: fc.oneof(fc.constantFrom(0n, 1n), pageMultiple(pages)),
    }),
    fc.constantFrom<ReservationOp>(
      { op: 'first' },
      { op: 'last' },
      { op: 'next' },
      { op: 'prev' },
      { op: 'delete' },
    ),
  );
}

const reservationArbitrary: fc.Arbitrary<ReservationSpec> = fc
  .bigInt({ min: 1n, max: 16384n })
  .chain((pages) => {
    const size = pages * PAGE;
    const pageIn = fc.bigInt({ min: 0n, max: pages + 2n }).map((p) => p * PAGE);
    return fc.record({
      size: fc.oneof(
        { weight: 12, arbitrary: fc.constant(size) },
        { weight: 1, arbitrary: fc.constantFrom(0n, size + 100n) },
      ),
      offset: fc.oneof(
        { weight: 12, arbitrary: pageIn },
        { weight: 1, arbitrary: fc.constantFrom(1n, 100n, PAGE - 1n) },
      ),
      premaps: fc.array(
        fc.record({
          offset: pageIn,
          length: fc.bigInt({ min: 1n, max: 64n }).map((p) => p * PAGE),
        }),
        { maxLength: 2 },
      ),
      ops: fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(reservationOp(pages), { minLength: 1, maxLength: 4 }) },
      ),
    });
  });

function sourceSize(s: SourceSpec): bigint {
  if (s.kind === 'file') return BigInt(s.size);
  if (s.kind === 'anon') return s.size <= 3n << 30n ? s.size : 1n << 30n;
  return PAGE;
}

/** `arb` in `present` draws out of `present + absent`, `undefined` (setter not called) otherwise. */
function optional<T>(arb: fc.Arbitrary<T>, present = 2, absent = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: present, arbitrary: arb },
    { weight: absent, arbitrary: fc.constant(undefined) },
  );
}

/** Mem function calls mostly inside a 16 KiB window (both sides skip the ones outside). */
const memOpArbitrary: fc.Arbitrary<MemOp> = fc.oneof(
  fc.record({
    fn: fc.constant('memset' as const),
    offset: fc.nat(20000),
    length: fc.nat(5000),
    value: fc.nat(255),
    flags: fc.nat(63),
  }),
  fc.record({
    fn: fc.constant('memmove' as const),
    dst: fc.nat(20000),
    src: fc.nat(20000),
    length: fc.nat(5000),
    flags: fc.nat(63),
  }),
  fc.record({
    fn: fc.constant('memcpy' as const),
    dst: fc.nat(20000),
    length: fc.nat(5000),
    flags: fc.nat(63),
  }),
);

/** A random case; `id` is filled in by {@link sampleCases}. */
export const caseArbitrary: fc.Arbitrary<Omit<ConformanceCase, 'id'>> = sourceArbitrary.chain(
  (source) =>
    fc
      .record({
        granularity: optional(
          fc.oneof(
            { weight: 12, arbitrary: fc.constantFrom(0, 1, 2) },
            { weight: 1, arbitrary: fc.constantFrom(-1, 3) },
          ),
          7,
        ),
        offset: optional(rangeValue(sourceSize(source)), 1, 1),
        length: optional(rangeValue(sourceSize(source)), 1, 1),
        protection: optional(
          fc.oneof(
            { weight: 12, arbitrary: fc.constantFrom(...PROT_COMBINATIONS) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
          ),
        ),
        sharing: optional(
          fc.oneof(
            { weight: 12, arbitrary: fc.constantFrom(0, 1) },
            { weight: 1, arbitrary: fc.constantFrom(2, -1) },
          ),
        ),
        reservation: optional(reservationArbitrary, 1, 3),
        memOps: optional(fc.array(memOpArbitrary, { minLength: 1, maxLength: 4 }), 1, 2),
        forceGranularity: fc.constantFrom(...FORCE_VALUES),
        asNumbers: fc.boolean(),
      })
      .map((fields) => {
        const c: Record<string, unknown> = { source };
        for (const [key, value] of Object.entries(fields)) if (value !== undefined) c[key] = value;
        return c as unknown as Omit<ConformanceCase, 'id'>;
      }),
);

/** Draws `count` cases reproducibly from `seed`; ids are `random/<seed>/<index>`. */
export function sampleCases(seed: number, count: number): ConformanceCase[] {
  return fc
    .sample(caseArbitrary, { seed, numRuns: count })
    .map((c, i) => ({ ...c, id: `random/${seed}/${i}` }));
}
