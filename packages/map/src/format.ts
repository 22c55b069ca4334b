// format.ts -- printf conversions libpmem2's message texts use (%p, 0x%llx)

/**
 * Formats an address as glibc's `%p` does: `0x` and lowercase hex, `(nil)` for 0.
 *
 * @remarks
 * Where libpmem2 prints a pointer to its own struct (`Reservation %p`, `Cannot find mapping %p`),
 * this package prints the address of the mapping or reservation instead: the struct's heap
 * address has no meaning outside C.
 *
 * @see printf(3) (`%p`)
 */
export function formatPointer(address: bigint): string {
  return address === 0n ? '(nil)' : `0x${address.toString(16)}`;
}
