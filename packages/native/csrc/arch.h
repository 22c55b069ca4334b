/* arch.h -- which architecture-specific flush and copy routines this build compiles */

#ifndef PMEM2_NATIVE_ARCH_H
#define PMEM2_NATIVE_ARCH_H

/*
 * PMEM2_NATIVE_PORTABLE forces the portable fallback (no flush instruction, msync-only
 * persistence, generic copies) on any CPU; it is how the fallback is built and checked on
 * x86_64.
 */
#if defined(__x86_64__) && !defined(PMEM2_NATIVE_PORTABLE)
#define PMEM2_ARCH_X86_64 1
#elif defined(__aarch64__) && !defined(PMEM2_NATIVE_PORTABLE)
#define PMEM2_ARCH_AARCH64 1
#endif

#endif
