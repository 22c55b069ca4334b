/* crc32_routines.h -- the CRC-32 routines behind crc32_ieee (crc32.c chooses one at load) */

#ifndef PMEM2_NATIVE_CRC32_ROUTINES_H
#define PMEM2_NATIVE_CRC32_ROUTINES_H

#include <stddef.h>
#include <stdint.h>

enum crc32_routine {
	CRC32_TABLES,
	CRC32_PCLMUL,  /* x86-64 carry-less multiply (crc32_pclmul.c) */
	CRC32_VPCLMUL, /* the same on 256-bit registers, VPCLMULQDQ with AVX2 (crc32_pclmul.c) */
	CRC32_ARMV8,  /* the ARMv8 CRC32 instructions (crc32_armv8.c) */
};

/*
 * Each takes and returns the CRC register itself, without zlib's inversions: `c` is ~crc
 * of what came before (crc32_ieee inverts on the way in and out).
 */
uint32_t crc32_tables(uint32_t c, const unsigned char *p, size_t len);

/* Any length; at least 64 bytes for the folding to pay. Call crc32_pclmul_init first. */
uint32_t crc32_pclmul(uint32_t c, const unsigned char *p, size_t len);

/* Any length; 256 bytes and more fold 128 bytes a step, shorter ranges take crc32_pclmul.
 * Only where the CPU has VPCLMULQDQ and AVX2 and the OS saves the YMM registers. Call
 * crc32_pclmul_init first. */
uint32_t crc32_vpclmul(uint32_t c, const unsigned char *p, size_t len);

/* Computes the folding constants from the polynomial (no table of magic numbers). */
void crc32_pclmul_init(void);

uint32_t crc32_armv8(uint32_t c, const unsigned char *p, size_t len);

#endif
