// protection.ts -- the PMEM2_PROT_* flags of pmem2_config_set_protection

/**
 * The protection flags of `pmem2_config_set_protection`, with libpmem2's values
 * (`PMEM2_PROT_EXEC = 1U << 29`, `PMEM2_PROT_READ = 1U << 30`, `PMEM2_PROT_WRITE = 1U << 31`,
 * `PMEM2_PROT_NONE = 0`).
 *
 * @remarks
 * The flags are bits of a C `unsigned`. `WRITE` is 2^31, so JavaScript's `|` operator makes
 * an OR that includes it a negative 32-bit number (`Protection.READ | Protection.WRITE` is
 * −1073741824). {@link Config.setProtection} reads such a number as the same 32 bits, exactly
 * as C converts it to `unsigned`, and {@link Config.protection} returns the unsigned value
 * (3221225472). `+` or `|` then `>>> 0` give the unsigned value directly.
 *
 * @example
 * ```ts
 * import { Config, Protection } from '@pmem2/config';
 * const cfg = new Config().setProtection(Protection.READ | Protection.WRITE);
 * cfg.protection === (Protection.READ | Protection.WRITE) >>> 0; // true
 * ```
 * @see libpmem2: pmem2_config_set_protection(3)
 */
export const Protection = {
  /** PMEM2_PROT_NONE: the mapping cannot be accessed (PROT_NONE). */
  NONE: 0,
  /** PMEM2_PROT_EXEC: the mapping may be executed (PROT_EXEC). */
  EXEC: 1 << 29,
  /** PMEM2_PROT_READ: the mapping may be read (PROT_READ). */
  READ: 1 << 30,
  /** PMEM2_PROT_WRITE: the mapping may be written (PROT_WRITE). */
  WRITE: 2 ** 31,
} as const;

/** The bits `pmem2_config_set_protection` accepts: EXEC | READ | WRITE (bits 29..31). */
export const PROTECTION_VALID_BITS = 0xe000_0000;
