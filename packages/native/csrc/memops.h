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
 * The mem routines of persist.c's table, over ranges already checked: pmem2_memmove_nonpmem
 * (PAGE: copy, then msync unless NOFLUSH), pmem2_memmove (CACHE_LINE: flushed copy, then the
 * drain) and pmem2_memmove_eadr (BYTE: unflushed copy, then the drain); memcpy is memmove.
 * Return 0, or -errno from msync.
 */
int mem_move_nonpmem(char *dst, const char *src, size_t len, unsigned flags);
int mem_move_pmem(char *dst, const char *src, size_t len, unsigned flags);
int mem_move_eadr(char *dst, const char *src, size_t len, unsigned flags);

/* pmem2_memset_nonpmem / pmem2_memset / pmem2_memset_eadr, as the memmove routines. */
int mem_set_nonpmem(char *dst, int c, size_t len, unsigned flags);
int mem_set_pmem(char *dst, int c, size_t len, unsigned flags);
int mem_set_eadr(char *dst, int c, size_t len, unsigned flags);

/*
 * Line movers of one instruction family: n whole 64-byte lines, dst 64-byte aligned, every
 * line loaded whole before it is stored (overlap safety). The temporal ones flush each line
 * right after storing it when `flush` is not NULL, as libpmem2's memmove_mov_* do.
 */
struct line_movers {
	void (*nt_fwd)(char *dst, const char *src, size_t n, int wc_barrier);
	void (*nt_bwd)(char *dst, const char *src, size_t n, int wc_barrier);
	void (*nt_set)(char *dst, int c, size_t n, int wc_barrier);
	void (*t_fwd)(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t));
	void (*t_bwd)(char *dst, const char *src, size_t n, void (*flush)(const void *, size_t));
	void (*t_set)(char *dst, int c, size_t n, void (*flush)(const void *, size_t));
};

#if defined(PMEM2_ARCH_X86_64)
/* MOVDIR64B has no temporal movers: libpmem2 keeps the previous family's (persist_info.temporal). */
extern const struct line_movers Lines_sse2, Lines_avx, Lines_avx512f, Lines_movdir64b;
#endif

/* memops_generic.c: 8-byte stores, flushed per 64-byte block unless NOFLUSH. */
void memmove_generic(char *dst, const char *src, size_t len, unsigned flags,
		void (*flush)(const void *, size_t));
void memset_generic(char *dst, int c, size_t len, unsigned flags,
		void (*flush)(const void *, size_t));

#endif
