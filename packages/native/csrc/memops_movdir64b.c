/* memops_movdir64b.c -- MOVDIR64B line movers (opt-in with PMEM_MOVDIR64B) */

#include "memops.h"

#if defined(PMEM2_ARCH_X86_64)
#include <immintrin.h>
#include <stddef.h>
#include <string.h>

#define MOVDIR64B __attribute__((target("movdir64b")))

/* n lines, lowest first: each line is read whole, then written as one 64-byte store. */
MOVDIR64B static void
fwd_movdir64b(char *dst, const char *src, size_t n, int wc)
{
	(void)wc;
	for (size_t i = 0; i < n; i++)
		_movdir64b(dst + i * 64, src + i * 64);
}

/* n lines, highest first. */
MOVDIR64B static void
bwd_movdir64b(char *dst, const char *src, size_t n, int wc)
{
	(void)wc;
	for (size_t i = n; i-- > 0;)
		_movdir64b(dst + i * 64, src + i * 64);
}

/* n lines of the byte c, from a 64-byte pattern. */
MOVDIR64B static void
set_movdir64b(char *dst, int c, size_t n, int wc)
{
	(void)wc;
	_Alignas(64) char line[64];
	memset(line, c, sizeof(line));
	for (size_t i = 0; i < n; i++)
		_movdir64b(dst + i * 64, line);
}

/* Only non-temporal movers: temporal copies use persist_info.temporal's family, as libpmem2. */
const struct line_movers Lines_movdir64b = {
	fwd_movdir64b, bwd_movdir64b, set_movdir64b, NULL, NULL, NULL,
};
#endif
