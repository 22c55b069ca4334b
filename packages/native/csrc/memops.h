/* memops.h -- pmem2_memmove/memcpy/memset strategies (persist.c, x86_64/init.c) */

#ifndef PMEM2_NATIVE_MEMOPS_H
#define PMEM2_NATIVE_MEMOPS_H

#include <stddef.h>

#include "arch.h"

/* What the last persist/flush/mem call on this thread did (types.ts LastOp). */
struct last_op {
	const char *store; /* "t", "nt" or "none" */
	int flushed;	   /* the flush instruction ran over at least one line */
	int nt_fence;	   /* an sfence right after the non-temporal stores */
	int drained;	   /* the final drain */
	int msynced;	   /* msync(MS_SYNC) ran */
};

extern __thread struct last_op Last_op;

/* Resets Last_op to "nothing done". */
void last_op_reset(void);

/*
 * pmem2_memmove_fn of a map with `granularity`; dst/src/len already checked. Returns 0, or
 * -errno from msync on page granularity.
 */
int mem_move(int granularity, char *dst, const char *src, size_t len, unsigned flags);

/* pmem2_memset_fn of a map with `granularity`. */
int mem_set(int granularity, char *dst, int c, size_t len, unsigned flags);

/* Non-temporal line movers: n whole 64-byte lines, dst 64-byte aligned. */
struct nt_lines {
	void (*fwd)(char *dst, const char *src, size_t n, int wc_barrier);
	void (*bwd)(char *dst, const char *src, size_t n, int wc_barrier);
	void (*set)(char *dst, int c, size_t n, int wc_barrier);
};

#if defined(PMEM2_ARCH_X86_64)
extern const struct nt_lines Nt_sse2, Nt_avx, Nt_avx512f, Nt_movdir64b;
#else
/* Other architectures have no non-temporal routines; memops_generic.c defines temporal ones. */
extern const struct nt_lines Nt_none;
#define Nt_sse2 Nt_none
#define Nt_avx Nt_none
#define Nt_avx512f Nt_none
#define Nt_movdir64b Nt_none
#endif

/* memops_generic.c: 8-byte stores, flushed per 64-byte block unless NOFLUSH. */
void memmove_generic(char *dst, const char *src, size_t len, unsigned flags,
		void (*flush)(const void *, size_t));
void memset_generic(char *dst, int c, size_t len, unsigned flags,
		void (*flush)(const void *, size_t));

#endif
