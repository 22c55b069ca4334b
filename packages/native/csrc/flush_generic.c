/* flush_generic.c -- the portable fallback: no flush instruction, msync-only persistence */

#include "flush.h"

/* The "empty" flush of libpmem2's eADR routines, and every flush of the fallback. */
void
flush_empty(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

#if !defined(PMEM2_ARCH_X86_64) && !defined(PMEM2_ARCH_AARCH64)
/* Without a cache flush instruction persistence is msync (page granularity) only. */
flush_fn
flush_fn_for(enum flush_kind kind)
{
	(void)kind;
	return flush_empty;
}

/* A full fence keeps the ordering promise of pmem2_drain. */
void
flush_drain(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif
