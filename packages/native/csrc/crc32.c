/* crc32.c -- CRC-32 as zlib's crc32() computes it (IEEE 802.3, reflected): the tables, and
 * the choice between them and the CPU's own instructions */

#include <stdlib.h>
#include <string.h>

#include "arch.h"

#if defined(PMEM2_ARCH_X86_64)
#include <cpuid.h>
#elif defined(PMEM2_ARCH_AARCH64)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif

#include "crc32.h"
#include "crc32_routines.h"

/*
 * The portable routine is zlib's class, table lookups and XORs. Where the CPU has them,
 * long ranges take its instructions instead (crc32_pclmul.c, crc32_armv8.c): the same
 * CRC, computed several times faster.
 *
 * One byte step of the reflected CRC register c is c = Zero[(c ^ byte) & 0xff] ^ (c >> 8),
 * where Zero[b] is the register after the byte b from a zero register. The step is linear,
 * so a byte's effect after k more bytes is a table of its own:
 * - Slice[k][b]: byte b followed by k bytes, the slice-by-8 tables. One 64-bit word (the
 *   register XORed into its low half) advances with eight independent lookups instead of
 *   eight dependent steps.
 * - Braid[k][b]: byte b followed by k + (BRAIDS - 1) * 8 bytes: a byte of a word advanced
 *   to the same place in the next braid block of BRAIDS words. BRAIDS registers then run
 *   side by side, register i taking word i of every block: their lookups do not wait for
 *   each other, which is where zlib's "braided" CRC gets its speed. After the last whole
 *   block the registers are folded into one, word by word, with the slice tables (zlib
 *   folds them a byte at a time, most of its fixed cost a call).
 */
#define BRAIDS 5
#define WORD 8

static uint32_t Slice[WORD][256];
static uint32_t Braid[WORD][256];

static void select_routine(void);

/* The register after `n` zero bytes from `c`. */
static uint32_t
zeros(uint32_t c, unsigned n)
{
	while (n--)
		c = Slice[0][c & 0xff] ^ (c >> 8);
	return c;
}

void
crc32_init(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;
		for (int bit = 0; bit < 8; bit++)
			c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
		Slice[0][b] = c;
	}
	for (uint32_t b = 0; b < 256; b++) {
		for (unsigned k = 1; k < WORD; k++)
			Slice[k][b] = zeros(Slice[0][b], k);
		for (unsigned k = 0; k < WORD; k++)
			Braid[k][b] = zeros(Slice[0][b], (BRAIDS - 1) * WORD + k);
	}
	select_routine();
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

/* The word at p, byte 0 lowest (the CPU's order: little-endian only). */
static inline uint64_t
load_word(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

/* `w`'s eight bytes through table set `t`: byte k of w (k bytes to its left) uses t[7 - k]. */
static inline uint32_t
advance_word(uint32_t (*t)[256], uint64_t w)
{
	return t[7][w & 0xff] ^ t[6][(w >> 8) & 0xff] ^ t[5][(w >> 16) & 0xff] ^
			t[4][(w >> 24) & 0xff] ^ t[3][(w >> 32) & 0xff] ^
			t[2][(w >> 40) & 0xff] ^ t[1][(w >> 48) & 0xff] ^ t[0][w >> 56];
}

/* The register c after the whole blocks of BRAIDS words at *p (advancing *p, *len). */
static uint32_t
braided(uint32_t c, const unsigned char **p, size_t *len)
{
	size_t blocks = *len / (BRAIDS * WORD);
	if (blocks < 2)
		return c;
	blocks--; /* the last block folds the registers */
	const unsigned char *q = *p;
	uint32_t r[BRAIDS] = {c};
	for (size_t i = 0; i < blocks; i++, q += BRAIDS * WORD)
		for (unsigned j = 0; j < BRAIDS; j++)
			r[j] = advance_word(Braid, load_word(q + j * WORD) ^ r[j]);
	c = 0;
	for (unsigned j = 0; j < BRAIDS; j++, q += WORD)
		c = advance_word(Slice, load_word(q) ^ c ^ r[j]);
	*p = q;
	*len -= (blocks + 1) * BRAIDS * WORD;
	return c;
}

uint32_t
crc32_tables(uint32_t c, const unsigned char *p, size_t len)
{
	c = braided(c, &p, &len);
	for (; len >= WORD; len -= WORD, p += WORD)
		c = advance_word(Slice, load_word(p) ^ c);
	while (len--)
		c = Slice[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c;
}

#else

/* Big-endian CPUs (none that Node ships prebuilds for) take the byte steps. */
uint32_t
crc32_tables(uint32_t c, const unsigned char *p, size_t len)
{
	while (len--)
		c = Slice[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c;
}

#endif

/* The routine for ranges of CRC32_INSN_MIN bytes or more (the tables below that). */
static enum crc32_routine Routine = CRC32_TABLES;

/* Ranges shorter than this take the tables: the instructions' set-up costs more there. */
#define CRC32_INSN_MIN 64

/* Whether the CPU has the instructions of `r` (cpuid on x86-64, the auxiliary vector on
 * aarch64, never by trying them: SIGILL). */
static int
cpu_has(enum crc32_routine r)
{
#if defined(PMEM2_ARCH_X86_64)
	unsigned eax, ebx, ecx, edx;
	/* CPUID.1:ECX bit 1 is PCLMULQDQ (SSE2 is part of x86-64) */
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !((ecx >> 1) & 1))
		return 0;
	if (r == CRC32_PCLMUL)
		return 1;
	/* VPCLMULQDQ: CPUID.1:ECX bits 27 (OSXSAVE) and 28 (AVX), XCR0 bits 1-2 (the OS saves
	 * XMM and YMM state), CPUID.7.0:EBX bit 5 (AVX2) and ECX bit 10 (VPCLMULQDQ) */
	if (r != CRC32_VPCLMUL || ((ecx >> 27) & 3) != 3)
		return 0;
	unsigned xcr0_low, xcr0_high;
	__asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
	(void)xcr0_high;
	if ((xcr0_low & 6) != 6 || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
		return 0;
	return ((ebx >> 5) & 1) && ((ecx >> 10) & 1);
#elif defined(PMEM2_ARCH_AARCH64)
	return r == CRC32_ARMV8 && (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
#else
	(void)r;
	return 0;
#endif
}

static void
select_routine(void)
{
	const char *e = getenv("PMEM2_CRC32");
	if (e != NULL && strcmp(e, "tables") == 0)
		return;
	if (cpu_has(CRC32_PCLMUL)) {
		crc32_pclmul_init();
		/* PMEM2_CRC32=pclmul keeps the 128-bit registers */
		int narrow = e != NULL && strcmp(e, "pclmul") == 0;
		Routine = !narrow && cpu_has(CRC32_VPCLMUL) ? CRC32_VPCLMUL : CRC32_PCLMUL;
	} else if (cpu_has(CRC32_ARMV8)) {
		Routine = CRC32_ARMV8;
	}
}

uint32_t
crc32_ieee(uint32_t crc, const unsigned char *p, size_t len)
{
	uint32_t c = ~crc;
	if (len < CRC32_INSN_MIN || Routine == CRC32_TABLES)
		return ~crc32_tables(c, p, len);
	if (Routine == CRC32_VPCLMUL)
		return ~crc32_vpclmul(c, p, len);
	if (Routine == CRC32_PCLMUL)
		return ~crc32_pclmul(c, p, len);
	return ~crc32_armv8(c, p, len);
}

const char *
crc32_routine_name(void)
{
	switch (Routine) {
	case CRC32_PCLMUL:
		return "pclmul";
	case CRC32_VPCLMUL:
		return "vpclmul";
	case CRC32_ARMV8:
		return "armv8";
	case CRC32_TABLES:
		break;
	}
	return "tables";
}
