/* cpu.h -- CPU feature detection and the PMEM_* environment (x86_64/init.c, cpu.c) */

#ifndef PMEM2_NATIVE_CPU_H
#define PMEM2_NATIVE_CPU_H

#include <stddef.h>

#include "arch.h"

enum flush_kind {
	FLUSH_NONE,	  /* no cache flush instruction: msync only (page granularity) */
	FLUSH_CLFLUSH,
	FLUSH_CLFLUSHOPT,
	FLUSH_CLWB,
	FLUSH_DC_CVAC,
	FLUSH_DC_CVAP,
};

enum memcpy_routine {
	MEMCPY_LIBC,
	MEMCPY_GENERIC,
	MEMCPY_SSE2,
	MEMCPY_AVX,
	MEMCPY_AVX512F,
	MEMCPY_MOVDIR64B,
};

struct cpu_features {
	int clflush, clflushopt, clwb, avx, avx512f, movdir64b;
};

/* What pmem2_arch_init + pmem2_persist_init selected, read once at load. */
struct persist_info {
	const char *arch;
	struct cpu_features cpu;
	enum flush_kind flush;
	enum memcpy_routine memcpy;
	enum memcpy_routine temporal; /* whose temporal movers run (MOVDIR64B keeps the previous) */
	size_t movnt_threshold;
	int wc_workaround;
};

/* The selection made at load (persist_info_init runs from the module initialiser). */
extern struct persist_info Persist_info;

void persist_info_init(void);

/* cpuid-backed detection, defined per architecture (cpu_x86_64.c or a fallback). */
void cpu_detect(struct cpu_features *f, int *genuine_intel);

const char *flush_kind_name(enum flush_kind kind);
const char *memcpy_routine_name(enum memcpy_routine routine);

#endif
