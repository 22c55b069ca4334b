/* flush_aarch64.c -- dc cvap / dc cvac loops and dsb (aarch64/flush.h, arm_cacheops.h) */

#include "flush.h"

#if defined(PMEM2_ARCH_AARCH64)
#include <stdint.h>

/* Cleans every 64-byte line to the point of coherency. */
static void
flush_dc_cvac(const void *addr, size_t len)
{
	for (uintptr_t p = (uintptr_t)addr & ~(FLUSH_ALIGN - 1); p < (uintptr_t)addr + len;
			p += FLUSH_ALIGN)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
}

/* Cleans every 64-byte line to the point of persistence (ARMv8.2 DCPOP). */
static void
flush_dc_cvap(const void *addr, size_t len)
{
	for (uintptr_t p = (uintptr_t)addr & ~(FLUSH_ALIGN - 1); p < (uintptr_t)addr + len;
			p += FLUSH_ALIGN)
		__asm__ volatile(".arch armv8.2-a\n dc cvap, %0" : : "r"(p) : "memory");
}

/* The loop for the selected instruction. */
flush_fn
flush_fn_for(enum flush_kind kind)
{
	switch (kind) {
	case FLUSH_DC_CVAC:
		return flush_dc_cvac;
	case FLUSH_DC_CVAP:
		return flush_dc_cvap;
	default:
		return flush_empty;
	}
}

/* Waits for the cache maintenance to complete. */
void
flush_drain(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}
#endif
