/* memops_avx512f.c -- AVX-512F non-temporal line movers, selected at run time by cpuid */

#include "memops.h"

#if defined(PMEM2_ARCH_X86_64)
#include <immintrin.h>

#define AVX512F __attribute__((target("avx512f")))

/* n lines, lowest first (libpmem2's AVX-512F loops have no WC barrier). */
AVX512F static void
fwd_avx512f(char *dst, const char *src, size_t n, int wc)
{
	(void)wc;
	for (size_t i = 0; i < n; i++) {
		__m512i a = _mm512_loadu_si512((const void *)(src + i * 64));
		_mm512_stream_si512((void *)(dst + i * 64), a);
	}
}

/* n lines, highest first. */
AVX512F static void
bwd_avx512f(char *dst, const char *src, size_t n, int wc)
{
	(void)wc;
	for (size_t i = n; i-- > 0;) {
		__m512i a = _mm512_loadu_si512((const void *)(src + i * 64));
		_mm512_stream_si512((void *)(dst + i * 64), a);
	}
}

/* n lines of the byte c. */
AVX512F static void
set_avx512f(char *dst, int c, size_t n, int wc)
{
	(void)wc;
	__m512i v = _mm512_set1_epi32((int)(0x01010101u * (unsigned char)c));
	for (size_t i = 0; i < n; i++)
		_mm512_stream_si512((void *)(dst + i * 64), v);
}

const struct nt_lines Nt_avx512f = {fwd_avx512f, bwd_avx512f, set_avx512f};
#endif
