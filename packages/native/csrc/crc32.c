/* crc32.c -- CRC-32 as zlib's crc32() computes it (IEEE 802.3, reflected), from tables */

#include <string.h>

#include "crc32.h"

/*
 * The algorithm is zlib's class, table lookups and XORs, so that a comparison with a C
 * program calling zlib's crc32() compares the same work (no PCLMULQDQ, no ARMv8 CRC32).
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
crc32_ieee(uint32_t crc, const unsigned char *p, size_t len)
{
	uint32_t c = ~crc;
	c = braided(c, &p, &len);
	for (; len >= WORD; len -= WORD, p += WORD)
		c = advance_word(Slice, load_word(p) ^ c);
	while (len--)
		c = Slice[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

#else

/* Big-endian CPUs (none that Node ships prebuilds for) take the byte steps. */
uint32_t
crc32_ieee(uint32_t crc, const unsigned char *p, size_t len)
{
	uint32_t c = ~crc;
	while (len--)
		c = Slice[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

#endif
