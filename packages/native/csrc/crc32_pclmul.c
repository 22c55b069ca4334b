/* crc32_pclmul.c -- CRC-32 (zlib's) with x86-64 carry-less multiplication (PCLMULQDQ, and
 * VPCLMULQDQ on 256-bit registers where the CPU has it) */

#include "arch.h"
#include "crc32_routines.h"

#if defined(PMEM2_ARCH_X86_64)
#include <immintrin.h>

/*
 * Folding, after Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ".
 * The CRC of a message M is M(x) * x^32 mod P(x); a 16-byte block A that lies D bits before
 * a block B may be replaced by A(x) * x^D mod P(x) added into B without changing the CRC.
 * With A = T * x^64 + U (T its first eight bytes), A * x^D = T * x^(64+D) + U * x^D, and
 * each term is one 64 x 32-bit carry-less product: T times (x^(64+D) mod P), U times
 * (x^D mod P), at most 96 bits, so the sum fits B's 128 bits.
 *
 * The CRC is bit-reflected: bit j of a little-endian 16-byte load is the coefficient of
 * x^(127-j), bit j of each 64-bit half that of x^(63-j). PCLMULQDQ of two such halves puts
 * the coefficient of x^(126-s) at bit s, one degree short of the block's order, so each
 * constant is stored as (x^(n-1) mod P), reflected into the upper 32 bits of its qword.
 *
 * Four blocks fold side by side (64 bytes a step, four independent multiplies in flight),
 * then into one; the last 16-byte remainder and the bytes after it go through the tables,
 * from a zero register: the remainder stands for everything folded into it.
 *
 * VPCLMULQDQ does the same on both 16-byte halves of a 256-bit register at once: four such
 * registers fold 128 bytes a step (each half moves 1024 bits), then into one register
 * (256 bits a fold), whose two halves join the 16-byte path above. The multiplier issues as
 * often as PCLMULQDQ, so a step moves twice the bytes.
 */
#define PCLMUL __attribute__((target("pclmul,sse2")))
#define VPCLMUL __attribute__((target("vpclmulqdq,avx2,pclmul,sse2")))

/* Constants for a distance of 512 bits (four blocks) and of 128 bits (one block). */
static __m128i Fold512, Fold128;
/* The 256-bit ones: 1024 bits (four registers) and 256 bits (one), the same in each half. */
static __m128i Fold1024, Fold256;

/* x^n mod P(x), P = x^32 + 0x04C11DB7, in normal order (bit d is x^d). */
static uint32_t
xpow_mod(unsigned n)
{
	uint32_t r = 1;
	while (n--)
		r = (r & 0x80000000U) ? (r << 1) ^ 0x04C11DB7U : r << 1;
	return r;
}

/* The qword for a product worth x^n mod P: (x^(n-1) mod P), bit d at bit 63 - d. */
static uint64_t
fold_constant(unsigned n)
{
	uint32_t k = xpow_mod(n - 1), r = 0;
	for (unsigned d = 0; d < 32; d++)
		r |= ((k >> d) & 1U) << (31 - d);
	return (uint64_t)r << 32;
}

void
crc32_pclmul_init(void)
{
	/* low qword multiplies the first eight bytes (x^(64+D)), high the last eight (x^D) */
	Fold512 = _mm_set_epi64x((long long)fold_constant(512), (long long)fold_constant(576));
	Fold128 = _mm_set_epi64x((long long)fold_constant(128), (long long)fold_constant(192));
	Fold1024 = _mm_set_epi64x((long long)fold_constant(1024), (long long)fold_constant(1088));
	Fold256 = _mm_set_epi64x((long long)fold_constant(256), (long long)fold_constant(320));
}

/* Block a moved onto the block at distance k's, then added to b. */
PCLMUL static inline __m128i
fold(__m128i a, __m128i k, __m128i b)
{
	__m128i first = _mm_clmulepi64_si128(a, k, 0x00);
	__m128i last = _mm_clmulepi64_si128(a, k, 0x11);
	return _mm_xor_si128(_mm_xor_si128(first, last), b);
}

PCLMUL static inline __m128i
load(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* The CRC register after x, the fold of everything up to p, and the `len` bytes at p. */
PCLMUL static uint32_t
finish(__m128i x, const unsigned char *p, size_t len)
{
	for (; len >= 16; len -= 16, p += 16)
		x = fold(x, Fold128, load(p));
	unsigned char rest[16];
	_mm_storeu_si128((__m128i *)(void *)rest, x);
	return crc32_tables(crc32_tables(0, rest, sizeof(rest)), p, len);
}

PCLMUL uint32_t
crc32_pclmul(uint32_t c, const unsigned char *p, size_t len)
{
	if (len < 64)
		return crc32_tables(c, p, len);
	/* the register joins the message as its first 32 bits */
	__m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128((int)c));
	__m128i x1 = load(p + 16), x2 = load(p + 32), x3 = load(p + 48);
	p += 64;
	len -= 64;
	for (; len >= 64; len -= 64, p += 64) {
		x0 = fold(x0, Fold512, load(p));
		x1 = fold(x1, Fold512, load(p + 16));
		x2 = fold(x2, Fold512, load(p + 32));
		x3 = fold(x3, Fold512, load(p + 48));
	}
	return finish(fold(fold(fold(x0, Fold128, x1), Fold128, x2), Fold128, x3), p, len);
}

/* fold() on both halves of 256-bit registers. */
VPCLMUL static inline __m256i
fold256(__m256i a, __m256i k, __m256i b)
{
	__m256i first = _mm256_clmulepi64_epi128(a, k, 0x00);
	__m256i last = _mm256_clmulepi64_epi128(a, k, 0x11);
	return _mm256_xor_si256(_mm256_xor_si256(first, last), b);
}

VPCLMUL static inline __m256i
load256(const unsigned char *p)
{
	return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

VPCLMUL uint32_t
crc32_vpclmul(uint32_t c, const unsigned char *p, size_t len)
{
	if (len < 256)
		return crc32_pclmul(c, p, len);
	const __m256i k1024 = _mm256_broadcastsi128_si256(Fold1024);
	const __m256i k256 = _mm256_broadcastsi128_si256(Fold256);
	/* the register joins the message as its first 32 bits */
	__m256i x0 = _mm256_xor_si256(load256(p), _mm256_zextsi128_si256(_mm_cvtsi32_si128((int)c)));
	__m256i x1 = load256(p + 32), x2 = load256(p + 64), x3 = load256(p + 96);
	p += 128;
	len -= 128;
	for (; len >= 128; len -= 128, p += 128) {
		x0 = fold256(x0, k1024, load256(p));
		x1 = fold256(x1, k1024, load256(p + 32));
		x2 = fold256(x2, k1024, load256(p + 64));
		x3 = fold256(x3, k1024, load256(p + 96));
	}
	__m256i x = fold256(fold256(fold256(x0, k256, x1), k256, x2), k256, x3);
	/* the first half lies 128 bits before the second */
	__m128i low = _mm256_castsi256_si128(x), high = _mm256_extracti128_si256(x, 1);
	return finish(fold(low, Fold128, high), p, len);
}

#else

void
crc32_pclmul_init(void)
{
}

uint32_t
crc32_pclmul(uint32_t c, const unsigned char *p, size_t len)
{
	return crc32_tables(c, p, len);
}

uint32_t
crc32_vpclmul(uint32_t c, const unsigned char *p, size_t len)
{
	return crc32_tables(c, p, len);
}

#endif
