/* crc32.h -- CRC-32 as zlib's crc32() computes it (IEEE 802.3, reflected), from tables */

#ifndef PMEM2_NATIVE_CRC32_H
#define PMEM2_NATIVE_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fills the tables and chooses the routine (PMEM2_CRC32=tables keeps the tables,
 * PMEM2_CRC32=pclmul the 128-bit carry-less multiply); call once
 * per process, before any crc32_ieee (binding.c init_process).
 */
void crc32_init(void);

/*
 * zlib's crc32(crc, p, len): the CRC-32 of `len` bytes at `p` continuing from `crc` (0 to
 * start), so crc32_ieee(crc32_ieee(0, a, n), a + n, m) == crc32_ieee(0, a, n + m).
 */
uint32_t crc32_ieee(uint32_t crc, const unsigned char *p, size_t len);

/* The routine crc32_init chose: "vpclmul", "pclmul", "armv8" or "tables" (PersistInfo.crc32). */
const char *crc32_routine_name(void);

#endif
