/* memops_avx512f.c -- AVX-512F line movers, temporal and non-temporal, selected by cpuid */

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

/* n lines with temporal stores, lowest first, each flushed when flush is set. */
AVX512F static void
t_fwd_avx512f(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t))
{
	for (size_t i = 0; i < n; i++) {
		__m512i a = _mm512_loadu_si512((const void *)(src + i * 64));
		_mm512_store_si512((void *)(dst + i * 64), a);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

/* n lines with temporal stores, highest first. */
AVX512F static void
t_bwd_avx512f(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t))
{
	for (size_t i = n; i-- > 0;) {
		__m512i a = _mm512_loadu_si512((const void *)(src + i * 64));
		_mm512_store_si512((void *)(dst + i * 64), a);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

/* n lines of the byte c with temporal stores. */
AVX512F static void
t_set_avx512f(char *dst, int c, size_t n, void (*flush)(const void *, size_t))
{
	__m512i v = _mm512_set1_epi32((int)(0x01010101u * (unsigned char)c));
	for (size_t i = 0; i < n; i++) {
		_mm512_store_si512((void *)(dst + i * 64), v);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

const struct line_movers Lines_avx512f = {
	fwd_avx512f, bwd_avx512f, set_avx512f, t_fwd_avx512f, t_bwd_avx512f, t_set_avx512f,
};
#endif
