// align-class.ts -- the alignment class of a mapping address, as probe.c's align_class reports it

const GiB = 1n << 30n;
const TWO_MiB = 2n << 20n;
const PAGE = 4096n;

/** The largest of 1 GiB, 2 MiB and a page that divides the address ("unaligned" if none). */
export function alignClass(address: bigint): string {
  if (address % GiB === 0n) return '1G';
  if (address % TWO_MiB === 0n) return '2M';
  if (address % PAGE === 0n) return 'page';
  return 'unaligned';
}
