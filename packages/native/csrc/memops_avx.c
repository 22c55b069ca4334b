/* memops_avx.c -- AVX line movers, temporal and non-temporal, selected at run time by cpuid */

#include "memops.h"

#if defined(PMEM2_ARCH_X86_64)
#include <immintrin.h>

#define WC_LINES 12
#define AVX __attribute__((target("avx")))

/* Streams one line; both loads happen before the stores (overlap safety). */
AVX static inline void
line_avx(char *dst, const char *src)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)src);
	__m256i b = _mm256_loadu_si256((const __m256i *)(src + 32));
	_mm256_stream_si256((__m256i *)dst, a);
	_mm256_stream_si256((__m256i *)(dst + 32), b);
}

/* n lines, lowest first. */
AVX static void
fwd_avx(char *dst, const char *src, size_t n, int wc)
{
	for (size_t i = 0; i < n; i++) {
		line_avx(dst + i * 64, src + i * 64);
		if (wc && (i + 1) % WC_LINES == 0)
			_mm_sfence();
	}
}

/* n lines, highest first. */
AVX static void
bwd_avx(char *dst, const char *src, size_t n, int wc)
{
	for (size_t i = n; i-- > 0;) {
		line_avx(dst + i * 64, src + i * 64);
		if (wc && (n - i) % WC_LINES == 0)
			_mm_sfence();
	}
}

/* n lines of the byte c. */
AVX static void
set_avx(char *dst, int c, size_t n, int wc)
{
	__m256i v = _mm256_set1_epi8((char)c);
	for (size_t i = 0; i < n; i++) {
		_mm256_stream_si256((__m256i *)(dst + i * 64), v);
		_mm256_stream_si256((__m256i *)(dst + i * 64 + 32), v);
		if (wc && (i + 1) % WC_LINES == 0)
			_mm_sfence();
	}
}

/* One line with ordinary aligned stores; both loads happen first. */
AVX static inline void
line_t_avx(char *dst, const char *src)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)src);
	__m256i b = _mm256_loadu_si256((const __m256i *)(src + 32));
	_mm256_store_si256((__m256i *)dst, a);
	_mm256_store_si256((__m256i *)(dst + 32), b);
}

/* n lines with temporal stores, lowest first, each flushed when flush is set. */
AVX static void
t_fwd_avx(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t))
{
	for (size_t i = 0; i < n; i++) {
		line_t_avx(dst + i * 64, src + i * 64);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

/* n lines with temporal stores, highest first. */
AVX static void
t_bwd_avx(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t))
{
	for (size_t i = n; i-- > 0;) {
		line_t_avx(dst + i * 64, src + i * 64);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

/* n lines of the byte c with temporal stores. */
AVX static void
t_set_avx(char *dst, int c, size_t n, void (*flush)(const void *, size_t))
{
	__m256i v = _mm256_set1_epi8((char)c);
	for (size_t i = 0; i < n; i++) {
		_mm256_store_si256((__m256i *)(dst + i * 64), v);
		_mm256_store_si256((__m256i *)(dst + i * 64 + 32), v);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

const struct line_movers Lines_avx = {
	fwd_avx, bwd_avx, set_avx, t_fwd_avx, t_bwd_avx, t_set_avx,
};
#endif
