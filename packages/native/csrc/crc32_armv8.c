/* crc32_armv8.c -- CRC-32 (zlib's) with the ARMv8 CRC32 instructions */

#include <string.h>

#include "arch.h"
#include "crc32_routines.h"

#if defined(PMEM2_ARCH_AARCH64)
#include <arm_acle.h>

/*
 * CRC32X/CRC32B compute zlib's polynomial, bit-reflected, on the register as given (no
 * inversions): eight bytes an instruction. The caller checked HWCAP_CRC32.
 */
__attribute__((target("+crc"))) uint32_t
crc32_armv8(uint32_t c, const unsigned char *p, size_t len)
{
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;
		memcpy(&w, p, sizeof(w));
		c = __crc32d(c, w);
	}
	while (len--)
		c = __crc32b(c, *p++);
	return c;
}

#else

uint32_t
crc32_armv8(uint32_t c, const unsigned char *p, size_t len)
{
	return crc32_tables(c, p, len);
}

#endif
