/* flush_aarch64.c -- dc cvap / dc cvac line loops and the dmb ishst drain (aarch64/init.c) */

#include "flush.h"

#if defined(PMEM2_ARCH_AARCH64)
#include <stdint.h>

/*
 * libpmem2's aarch64 code has no other barrier: the line loops issue no fence before or
 * between the lines, pmem2_persist is flush + drain, and drain is the store barrier below.
 */

/* Cleans every 64-byte line to the point of coherency (ARMv8.0, every CPU). */
static void
flush_dc_cvac(const void *addr, size_t len)
{
	for (uintptr_t p = (uintptr_t)addr & ~(FLUSH_ALIGN - 1); p < (uintptr_t)addr + len;
			p += FLUSH_ALIGN)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
}

/*
 * Cleans every 64-byte line to the point of persistence (ARMv8.2 DCPoP). Only selected when
 * HWCAP_DCPOP is set: on a CPU without it the instruction is undefined (SIGILL).
 */
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

/*
 * pmem2_drain on aarch64: libpmem2's fence is arm_store_memory_barrier, "dmb ishst" (its
 * "sfence"): earlier stores and cache maintenance are ordered before later stores in the
 * inner-shareable domain. It is not a dsb: libpmem2 does not wait for completion either.
 */
void
flush_drain(void)
{
	__asm__ volatile("dmb ishst" : : : "memory");
}
#endif
