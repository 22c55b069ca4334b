/* flush_x86_64.c -- clflush / clflushopt / clwb loops and sfence (x86_64/flush.h) */

#include "flush.h"

#if defined(PMEM2_ARCH_X86_64)
#include <immintrin.h>
#include <stdint.h>

/* "Flush loops walk 64-byte lines from addr & ~63 while < addr+len" (x86_64/flush.h). */
static void
flush_clflush(const void *addr, size_t len)
{
	for (uintptr_t p = (uintptr_t)addr & ~(FLUSH_ALIGN - 1); p < (uintptr_t)addr + len;
			p += FLUSH_ALIGN)
		_mm_clflush((const void *)p); /* SAFETY: p lies in a range checked by the caller */
}

/* clflushopt loop; compiled for the instruction, chosen only when cpuid reports it. */
__attribute__((target("clflushopt"))) static void
flush_clflushopt(const void *addr, size_t len)
{
	for (uintptr_t p = (uintptr_t)addr & ~(FLUSH_ALIGN - 1); p < (uintptr_t)addr + len;
			p += FLUSH_ALIGN)
		_mm_clflushopt((void *)p); /* SAFETY: as flush_clflush */
}

/* clwb loop; compiled for the instruction, chosen only when cpuid reports it. */
__attribute__((target("clwb"))) static void
flush_clwb(const void *addr, size_t len)
{
	for (uintptr_t p = (uintptr_t)addr & ~(FLUSH_ALIGN - 1); p < (uintptr_t)addr + len;
			p += FLUSH_ALIGN)
		_mm_clwb((void *)p); /* SAFETY: as flush_clflush */
}

/* The loop for the selected instruction. */
flush_fn
flush_fn_for(enum flush_kind kind)
{
	switch (kind) {
	case FLUSH_CLFLUSH:
		return flush_clflush;
	case FLUSH_CLFLUSHOPT:
		return flush_clflushopt;
	case FLUSH_CLWB:
		return flush_clwb;
	default:
		return flush_empty;
	}
}

/* memory_barrier: "ensure CLWB or CLFLUSHOPT completes" (x86_64/init.c). */
void
flush_drain(void)
{
	_mm_sfence();
}
#endif
