/* memops_sse2.c -- SSE2 line movers, temporal and non-temporal (x86_64/memcpy, memset) */

#include "memops.h"

#if defined(PMEM2_ARCH_X86_64)
#include <emmintrin.h>

/* "The SSE2/AVX NT loops also sfence every 12 lines (768 B) when the WC workaround is on." */
#define WC_LINES 12

/* Streams one line (non-temporal); all four loads happen before the stores (overlap safety). */
static inline void
line_sse2(char *dst, const char *src)
{
	__m128i a = _mm_loadu_si128((const __m128i *)src);
	__m128i b = _mm_loadu_si128((const __m128i *)(src + 16));
	__m128i c = _mm_loadu_si128((const __m128i *)(src + 32));
	__m128i d = _mm_loadu_si128((const __m128i *)(src + 48));
	_mm_stream_si128((__m128i *)dst, a);
	_mm_stream_si128((__m128i *)(dst + 16), b);
	_mm_stream_si128((__m128i *)(dst + 32), c);
	_mm_stream_si128((__m128i *)(dst + 48), d);
}

/* n lines, lowest first. */
static void
fwd_sse2(char *dst, const char *src, size_t n, int wc)
{
	for (size_t i = 0; i < n; i++) {
		line_sse2(dst + i * 64, src + i * 64);
		if (wc && (i + 1) % WC_LINES == 0)
			_mm_sfence();
	}
}

/* n lines, highest first. */
static void
bwd_sse2(char *dst, const char *src, size_t n, int wc)
{
	for (size_t i = n; i-- > 0;) {
		line_sse2(dst + i * 64, src + i * 64);
		if (wc && (n - i) % WC_LINES == 0)
			_mm_sfence();
	}
}

/* n lines of the byte c. */
static void
set_sse2(char *dst, int c, size_t n, int wc)
{
	__m128i v = _mm_set1_epi8((char)c);
	for (size_t i = 0; i < n; i++) {
		char *p = dst + i * 64;
		_mm_stream_si128((__m128i *)p, v);
		_mm_stream_si128((__m128i *)(p + 16), v);
		_mm_stream_si128((__m128i *)(p + 32), v);
		_mm_stream_si128((__m128i *)(p + 48), v);
		if (wc && (i + 1) % WC_LINES == 0)
			_mm_sfence();
	}
}

/* One line with ordinary aligned stores; all four loads happen first. */
static inline void
line_t_sse2(char *dst, const char *src)
{
	__m128i a = _mm_loadu_si128((const __m128i *)src);
	__m128i b = _mm_loadu_si128((const __m128i *)(src + 16));
	__m128i c = _mm_loadu_si128((const __m128i *)(src + 32));
	__m128i d = _mm_loadu_si128((const __m128i *)(src + 48));
	_mm_store_si128((__m128i *)dst, a);
	_mm_store_si128((__m128i *)(dst + 16), b);
	_mm_store_si128((__m128i *)(dst + 32), c);
	_mm_store_si128((__m128i *)(dst + 48), d);
}

/* n lines with temporal stores, lowest first, each flushed when flush is set. */
static void
t_fwd_sse2(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t))
{
	for (size_t i = 0; i < n; i++) {
		line_t_sse2(dst + i * 64, src + i * 64);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

/* n lines with temporal stores, highest first. */
static void
t_bwd_sse2(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t))
{
	for (size_t i = n; i-- > 0;) {
		line_t_sse2(dst + i * 64, src + i * 64);
		if (flush)
			flush(dst + i * 64, 64);
	}
}

/* n lines of the byte c with temporal stores. */
static void
t_set_sse2(char *dst, int c, size_t n, void (*flush)(const void *, size_t))
{
	__m128i v = _mm_set1_epi8((char)c);
	for (size_t i = 0; i < n; i++) {
		char *p = dst + i * 64;
		_mm_store_si128((__m128i *)p, v);
		_mm_store_si128((__m128i *)(p + 16), v);
		_mm_store_si128((__m128i *)(p + 32), v);
		_mm_store_si128((__m128i *)(p + 48), v);
		if (flush)
			flush(p, 64);
	}
}

const struct line_movers Lines_sse2 = {
	fwd_sse2, bwd_sse2, set_sse2, t_fwd_sse2, t_bwd_sse2, t_set_sse2,
};
#endif
