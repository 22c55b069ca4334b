/* cpu.c -- CPU feature detection and the PMEM_* environment (x86_64/init.c, cpu.c) */

#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#if defined(PMEM2_ARCH_X86_64)
#include <cpuid.h>
#elif defined(PMEM2_ARCH_AARCH64)
#include <sys/auxv.h>
#ifndef HWCAP_DCPOP
#define HWCAP_DCPOP (1 << 16)
#endif
#endif

struct persist_info Persist_info;

/* Whether the variable is set to exactly `value`. */
static int
env_is(const char *name, const char *value)
{
	const char *e = getenv(name);
	return e != NULL && strcmp(e, value) == 0;
}

#if defined(PMEM2_ARCH_X86_64)
/* cpu.c: "cpuid(0) first checks the max leaf; feature leaves are read with subleaf 0". */
void
cpu_detect(struct cpu_features *f, int *genuine_intel)
{
	unsigned eax, ebx, ecx, edx;
	memset(f, 0, sizeof(*f));
	*genuine_intel = 0;
	__cpuid(0, eax, ebx, ecx, edx);
	unsigned max_leaf = eax;
	/* "GenuineIntel" = ebx "Genu", edx "ineI", ecx "ntel" */
	*genuine_intel = ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e;
	if (max_leaf >= 1) {
		__cpuid_count(1, 0, eax, ebx, ecx, edx);
		f->clflush = (edx >> 19) & 1;
		f->avx = (ecx >> 28) & 1;
	}
	if (max_leaf >= 7) {
		__cpuid_count(7, 0, eax, ebx, ecx, edx);
		f->avx512f = (ebx >> 16) & 1;
		f->clflushopt = (ebx >> 23) & 1;
		f->clwb = (ebx >> 24) & 1;
		f->movdir64b = (ecx >> 28) & 1;
	}
}
#else
/* No cpuid: nothing x86-specific is present. */
void
cpu_detect(struct cpu_features *f, int *genuine_intel)
{
	memset(f, 0, sizeof(*f));
	*genuine_intel = 0;
}
#endif

/* The architecture as Node's process.arch names it. */
static const char *
arch_name(void)
{
#if defined(__x86_64__)
	return "x64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "ia32";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__loongarch64)
	return "loong64";
#else
	return "unknown";
#endif
}

/* x86_64/init.c pmem_cpuinfo_to_funcs: CLWB > CLFLUSHOPT > CLFLUSH, then the copy family. */
static void
select_x86_64(struct persist_info *info, int genuine_intel)
{
	const struct cpu_features *f = &info->cpu;
	if (f->clflush)
		info->flush = FLUSH_CLFLUSH;
	if (f->clflushopt && !env_is("PMEM_NO_CLFLUSHOPT", "1"))
		info->flush = FLUSH_CLFLUSHOPT;
	if (f->clwb && !env_is("PMEM_NO_CLWB", "1"))
		info->flush = FLUSH_CLWB;

	info->wc_workaround = genuine_intel;
	if (env_is("PMEM_WC_WORKAROUND", "1"))
		info->wc_workaround = 1;
	else if (env_is("PMEM_WC_WORKAROUND", "0"))
		info->wc_workaround = 0;

	if (env_is("PMEM_NO_MOVNT", "1"))
		return;
	info->memcpy = MEMCPY_SSE2;
	if (f->avx && !env_is("PMEM_AVX", "0"))
		info->memcpy = MEMCPY_AVX;
	if (f->avx512f && !env_is("PMEM_AVX512F", "0"))
		info->memcpy = MEMCPY_AVX512F;
	info->temporal = info->memcpy;
	/* MOVDIR64B is opt-in: "used only if set and not 0" */
	const char *e = getenv("PMEM_MOVDIR64B");
	if (f->movdir64b && e != NULL && strcmp(e, "0") != 0)
		info->memcpy = MEMCPY_MOVDIR64B;
}

/*
 * aarch64/init.c: dc cvap when the kernel's HWCAP_DCPOP says the CPU has the point of
 * persistence (ARMv8.2 DCPoP), else dc cvac. Read from the auxiliary vector, never by trying
 * the instruction: an emulator or CPU without DCPoP raises SIGILL on dc cvap.
 */
static void
select_aarch64(struct persist_info *info)
{
#if defined(PMEM2_ARCH_AARCH64)
	info->flush = (getauxval(AT_HWCAP) & HWCAP_DCPOP) ? FLUSH_DC_CVAP : FLUSH_DC_CVAC;
#else
	(void)info;
#endif
}

/*
 * pmem2_arch_init + pmem2_persist_init: the instruction and copy routines, then
 * PMEM_NO_GENERIC_MEMCPY ("atoll(v) != 0 and no arch routines were installed") and
 * PMEM_MOVNT_THRESHOLD ("a negative value is ignored").
 */
void
persist_info_init(void)
{
	struct persist_info *info = &Persist_info;
	memset(info, 0, sizeof(*info));
	info->arch = arch_name();
	info->flush = FLUSH_NONE;
	info->memcpy = MEMCPY_GENERIC;
	info->movnt_threshold = 256;

	int genuine_intel;
	cpu_detect(&info->cpu, &genuine_intel);
#if defined(PMEM2_ARCH_X86_64)
	select_x86_64(info, genuine_intel);
#else
	(void)select_x86_64;
	select_aarch64(info);
#endif
	(void)select_aarch64;

	if (info->memcpy == MEMCPY_GENERIC) {
		const char *e = getenv("PMEM_NO_GENERIC_MEMCPY");
		if (e && atoll(e) != 0)
			info->memcpy = MEMCPY_LIBC;
	}
	const char *t = getenv("PMEM_MOVNT_THRESHOLD");
	if (t) {
		long long v = atoll(t);
		if (v >= 0)
			info->movnt_threshold = (size_t)v;
	}
}

/* The FlushInstruction string of types.ts. */
const char *
flush_kind_name(enum flush_kind kind)
{
	switch (kind) {
	case FLUSH_CLFLUSH:
		return "clflush";
	case FLUSH_CLFLUSHOPT:
		return "clflushopt";
	case FLUSH_CLWB:
		return "clwb";
	case FLUSH_DC_CVAC:
		return "dc cvac";
	case FLUSH_DC_CVAP:
		return "dc cvap";
	case FLUSH_NONE:
		break;
	}
	return "none";
}

/* The MemcpyRoutine string of types.ts. */
const char *
memcpy_routine_name(enum memcpy_routine routine)
{
	switch (routine) {
	case MEMCPY_SSE2:
		return "sse2";
	case MEMCPY_AVX:
		return "avx";
	case MEMCPY_AVX512F:
		return "avx512f";
	case MEMCPY_MOVDIR64B:
		return "movdir64b";
	case MEMCPY_LIBC:
		return "libc";
	case MEMCPY_GENERIC:
		break;
	}
	return "generic";
}
