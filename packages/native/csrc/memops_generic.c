/* memops_generic.c -- 8-byte-store copies for PMEM_NO_MOVNT=1 and other CPUs (memops_generic.c) */

#include "memops.h"

#include <stdint.h>
#include <string.h>

#include "status.h"

typedef void (*flush_cb)(const void *, size_t);

/* "each block followed by flush unless NOFLUSH" (pmem2_flush_flags). */
static inline void
flush_flags(const void *addr, size_t len, unsigned flags, flush_cb flush)
{
	if (!(flags & PMEM2_F_MEM_NOFLUSH))
		flush(addr, len);
}

/*
 * Copies 8 words: all loads first, then relaxed atomic 8-byte stores ("We use atomics here
 * just to be sure compiler will not split stores"). dst is 8-byte aligned.
 */
static inline void
copy64(char *dst, const char *src)
{
	uint64_t tmp[8];
	memcpy(tmp, src, sizeof(tmp));
	for (int i = 0; i < 8; i++)
		__atomic_store_n((uint64_t *)(void *)(dst + i * 8), tmp[i], __ATOMIC_RELAXED);
}

/* One 8-byte word, dst 8-byte aligned. */
static inline void
copy8(char *dst, const char *src)
{
	uint64_t w;
	memcpy(&w, src, sizeof(w));
	__atomic_store_n((uint64_t *)(void *)dst, w, __ATOMIC_RELAXED);
}

/* Lowest address first: safe when dst is below src or the ranges do not overlap. */
static void
forward(char *dst, const char *src, size_t len, unsigned flags, flush_cb flush)
{
	size_t head = (8 - ((uintptr_t)dst & 7)) & 7;
	if (head > len)
		head = len;
	for (size_t i = 0; i < head; i++)
		dst[i] = src[i];
	if (head)
		flush_flags(dst, head, flags, flush);
	dst += head;
	src += head;
	len -= head;
	for (; len >= 64; dst += 64, src += 64, len -= 64) {
		copy64(dst, src);
		flush_flags(dst, 64, flags, flush);
	}
	char *rest = dst;
	size_t remaining = len;
	for (; len >= 8; dst += 8, src += 8, len -= 8)
		copy8(dst, src);
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	if (remaining)
		flush_flags(rest, remaining, flags, flush);
}

/* Highest address first: safe when dst lies inside the source. */
static void
backward(char *dst, const char *src, size_t len, unsigned flags, flush_cb flush)
{
	char *d = dst + len;
	const char *s = src + len;
	size_t tail = (uintptr_t)d & 7;
	if (tail > len)
		tail = len;
	for (size_t i = 0; i < tail; i++)
		*--d = *--s;
	if (tail)
		flush_flags(d, tail, flags, flush);
	len -= tail;
	for (; len >= 64; len -= 64) {
		d -= 64;
		s -= 64;
		copy64(d, s);
		flush_flags(d, 64, flags, flush);
	}
	size_t remaining = len;
	for (; len >= 8; len -= 8) {
		d -= 8;
		s -= 8;
		copy8(d, s);
	}
	while (len--)
		*--d = *--s;
	if (remaining)
		flush_flags(d, remaining, flags, flush);
}

/* memmove_nodrain_generic: flags other than NOFLUSH are ignored. */
void
memmove_generic(char *dst, const char *src, size_t len, unsigned flags, flush_cb flush)
{
	if ((uintptr_t)dst > (uintptr_t)src && (uintptr_t)dst - (uintptr_t)src < len)
		backward(dst, src, len, flags, flush);
	else
		forward(dst, src, len, flags, flush);
}

/* memset_nodrain_generic: byte head to 8-byte alignment, 64-byte blocks, then the tail. */
void
memset_generic(char *dst, int c, size_t len, unsigned flags, flush_cb flush)
{
	char pattern[64];
	memset(pattern, c, sizeof(pattern));
	size_t head = (8 - ((uintptr_t)dst & 7)) & 7;
	if (head > len)
		head = len;
	for (size_t i = 0; i < head; i++)
		dst[i] = (char)c;
	if (head)
		flush_flags(dst, head, flags, flush);
	dst += head;
	len -= head;
	for (; len >= 64; dst += 64, len -= 64) {
		copy64(dst, pattern);
		flush_flags(dst, 64, flags, flush);
	}
	char *rest = dst;
	size_t remaining = len;
	for (; len >= 8; dst += 8, len -= 8)
		copy8(dst, pattern);
	for (size_t i = 0; i < len; i++)
		dst[i] = (char)c;
	if (remaining)
		flush_flags(rest, remaining, flags, flush);
}
