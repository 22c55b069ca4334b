/* memops.c -- pmem2_memmove/memcpy/memset strategies (persist.c, x86_64/init.c) */

#include "memops.h"

#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "flush.h"
#include "mmap.h"
#include "status.h"

#define F_MOVNT (PMEM2_F_MEM_WC | PMEM2_F_MEM_NONTEMPORAL)
#define F_MOV (PMEM2_F_MEM_WB | PMEM2_F_MEM_TEMPORAL)

__thread struct last_op Last_op;

/* How a routine flushes what it stored: libpmem2's .flush, .noflush and .empty variants. */
enum flush_variant { VARIANT_FLUSH, VARIANT_NOFLUSH, VARIANT_EMPTY };

/* Resets Last_op to "nothing done". */
void
last_op_reset(void)
{
	Last_op.store = "none";
	Last_op.flushed = 0;
	Last_op.nt_fence = 0;
	Last_op.drained = 0;
	Last_op.msynced = 0;
}

/* The selected flush instruction over the lines of [addr, addr+len), noted in Last_op. */
static void
flush_tracked(const void *addr, size_t len)
{
	if (len == 0 || Persist_info.flush == FLUSH_NONE)
		return;
	flush_fn_for(Persist_info.flush)(addr, len);
	Last_op.flushed = 1;
}

/* Flushes per variant. */
static void
flush_variant(enum flush_variant v, const void *addr, size_t len)
{
	if (v == VARIANT_FLUSH)
		flush_tracked(addr, len);
}

/* The line movers of `routine`. */
static const struct line_movers *
family(enum memcpy_routine routine)
{
#if !defined(PMEM2_ARCH_X86_64)
	/* never reached: without vector routines has_arch_routines() is 0 (generic or libc) */
	(void)routine;
	return NULL;
#else
	switch (routine) {
	case MEMCPY_MOVDIR64B:
		return &Lines_movdir64b;
	case MEMCPY_AVX512F:
		return &Lines_avx512f;
	case MEMCPY_AVX:
		return &Lines_avx;
	default:
		return &Lines_sse2;
	}
#endif
}

/*
 * barrier_after_ntstores: "After NT stores an sfence is issued when the flush type is
 * clflush, noflush or empty. For clwb and clflushopt the final drain provides it."
 */
static void
nt_barrier(enum flush_variant v)
{
	if (v != VARIANT_FLUSH || Persist_info.flush == FLUSH_CLFLUSH ||
			Persist_info.flush == FLUSH_NONE) {
		flush_drain();
		Last_op.nt_fence = 1;
	}
}

/* The SSE2/AVX loops fence every 12 lines with the WC workaround; AVX-512F never does. */
static int
wc_barrier(void)
{
	return Persist_info.wc_workaround &&
			(Persist_info.memcpy == MEMCPY_SSE2 || Persist_info.memcpy == MEMCPY_AVX);
}

/* The split of a destination range: an unaligned head, whole 64-byte lines, a tail. */
struct split {
	size_t head, body, tail;
};

/* Splits [dst, dst+len) at 64-byte boundaries. */
static struct split
split_lines(const char *dst, size_t len)
{
	struct split sp;
	sp.head = (FLUSH_ALIGN - ((uintptr_t)dst & (FLUSH_ALIGN - 1))) & (FLUSH_ALIGN - 1);
	if (sp.head > len)
		sp.head = len;
	sp.body = (len - sp.head) & ~(FLUSH_ALIGN - 1);
	sp.tail = len - sp.head - sp.body;
	return sp;
}

/* Whether dst lies inside the source, so pieces must go from the end. */
static int
must_go_backward(const char *dst, const char *src, size_t len)
{
	return (uintptr_t)dst > (uintptr_t)src && (uintptr_t)dst - (uintptr_t)src < len;
}

/* A piece below a line: copied with ordinary stores (libc memmove), then flushed per variant. */
static void
copy_piece(char *dst, const char *src, size_t len, enum flush_variant v)
{
	if (len == 0)
		return;
	memmove(dst, src, len); /* SAFETY: inside ranges checked by the caller; may overlap */
	flush_variant(v, dst, len);
}

/*
 * A copy (memmove_mov_* when `nt` is 0, memmove_movnt_* when 1): head and tail with ordinary
 * stores + flush per variant, whole lines with the family's vector stores. Temporal lines are
 * flushed right after each is stored in the .flush variant; non-temporal ones are streamed
 * and fenced at the end. When dst lies inside the source the pieces go from the end, so an
 * overlapping memmove is safe.
 */
static void
copy_lines(char *dst, const char *src, size_t len, enum flush_variant v, int nt)
{
	Last_op.store = nt ? "nt" : "t";
	const struct line_movers *lines = family(nt ? Persist_info.memcpy : Persist_info.temporal);
	struct split sp = split_lines(dst, len);
	size_t n = sp.body / FLUSH_ALIGN;
	int backward = must_go_backward(dst, src, len);
	char *body = dst + sp.head, *tail = body + sp.body;
	const char *src_body = src + sp.head, *src_tail = src_body + sp.body;
	if (backward)
		copy_piece(tail, src_tail, sp.tail, v);
	else
		copy_piece(dst, src, sp.head, v);
	if (n && nt)
		(backward ? lines->nt_bwd : lines->nt_fwd)(body, src_body, n, wc_barrier());
	else if (n)
		(backward ? lines->t_bwd : lines->t_fwd)(body, src_body, n,
				v == VARIANT_FLUSH ? flush_tracked : NULL);
	if (backward)
		copy_piece(dst, src, sp.head, v);
	else
		copy_piece(tail, src_tail, sp.tail, v);
	if (nt)
		nt_barrier(v);
}

/* A memset piece below a line, flushed per variant. */
static void
set_piece(char *dst, int c, size_t len, enum flush_variant v)
{
	if (len == 0)
		return;
	memset(dst, c, len); /* SAFETY: inside a range checked by the caller */
	flush_variant(v, dst, len);
}

/* A memset (memset_mov_* or, when `nt`, memset_movnt_*): pieces as copy_lines, lines set. */
static void
set_lines(char *dst, int c, size_t len, enum flush_variant v, int nt)
{
	Last_op.store = nt ? "nt" : "t";
	struct split sp = split_lines(dst, len);
	size_t n = sp.body / FLUSH_ALIGN;
	set_piece(dst, c, sp.head, v);
	if (n && nt)
		family(Persist_info.memcpy)->nt_set(dst + sp.head, c, n, wc_barrier());
	else if (n)
		family(Persist_info.temporal)->t_set(dst + sp.head, c, n,
				v == VARIANT_FLUSH ? flush_tracked : NULL);
	set_piece(dst + sp.head + sp.body, c, sp.tail, v);
	if (nt)
		nt_barrier(v);
}

/* Whether the load-time selection has architecture routines (else generic or libc). */
static int
has_arch_routines(void)
{
	return Persist_info.memcpy != MEMCPY_GENERIC && Persist_info.memcpy != MEMCPY_LIBC;
}

/*
 * The generic and libc fallbacks of memmove_nodrain (`src` set) and memset_nodrain (`src`
 * NULL, byte `c`): they flush unless NOFLUSH and ignore the other flags.
 */
static void
fallback_nodrain(char *dst, const char *src, int c, size_t len, unsigned flags)
{
	Last_op.store = "t";
	if (Persist_info.memcpy != MEMCPY_LIBC) {
		if (src)
			memmove_generic(dst, src, len, flags, flush_tracked);
		else
			memset_generic(dst, c, len, flags, flush_tracked);
		return;
	}
	if (src)
		memmove(dst, src, len);
	else
		memset(dst, c, len);
	if (!(flags & PMEM2_F_MEM_NOFLUSH))
		flush_tracked(dst, len);
}

/*
 * Which stores an architecture memmove or memset of `len` bytes with `flags` runs, in
 * libpmem2's priority order: nontemporal (1) or temporal (0), and the flush variant in *v.
 */
static int
nontemporal(size_t len, unsigned flags, int eadr, enum flush_variant *v)
{
	*v = VARIANT_FLUSH;
	if (flags & PMEM2_F_MEM_NOFLUSH) {
		*v = VARIANT_NOFLUSH;
		return 0;
	}
	if (eadr) {
		*v = VARIANT_EMPTY;
		return (flags & PMEM2_F_MEM_NONTEMPORAL) != 0;
	}
	if (flags & F_MOVNT)
		return 1;
	if (flags & F_MOV)
		return 0;
	return len >= Persist_info.movnt_threshold;
}

/* memmove_nodrain (eadr = 0) and memmove_nodrain_eadr (eadr = 1). */
static void
memmove_nodrain(char *dst, const char *src, size_t len, unsigned flags, int eadr)
{
	enum flush_variant v;
	if (len == 0 || src == dst)
		return;
	if (!has_arch_routines()) {
		fallback_nodrain(dst, src, 0, len, flags);
		return;
	}
	int nt = nontemporal(len, flags, eadr, &v);
	copy_lines(dst, src, len, v, nt);
}

/* memset_nodrain / memset_nodrain_eadr, as memmove_nodrain. */
static void
memset_nodrain(char *dst, int c, size_t len, unsigned flags, int eadr)
{
	enum flush_variant v;
	if (len == 0)
		return;
	if (!has_arch_routines()) {
		fallback_nodrain(dst, NULL, c, len, flags);
		return;
	}
	int nt = nontemporal(len, flags, eadr, &v);
	set_lines(dst, c, len, v, nt);
}

/* The final step of the CACHE_LINE and BYTE routines: the drain unless NODRAIN or NOFLUSH. */
static void
finish_drain(unsigned flags)
{
	if (!(flags & (PMEM2_F_MEM_NODRAIN | PMEM2_F_MEM_NOFLUSH))) {
		flush_drain();
		Last_op.drained = 1;
	}
}

/* The final step of pmem2_memmove_nonpmem: msync unless NOFLUSH. */
static int
finish_pages(char *dst, size_t len, unsigned flags)
{
	if (flags & PMEM2_F_MEM_NOFLUSH)
		return 0;
	Last_op.msynced = 1;
	return msync_range(dst, len);
}

/* pmem2_memmove_nonpmem: the nodrain copy with flags & ~NODRAIN, then msync unless NOFLUSH. */
int
mem_move_nonpmem(char *dst, const char *src, size_t len, unsigned flags)
{
	last_op_reset();
	memmove_nodrain(dst, src, len, flags & ~PMEM2_F_MEM_NODRAIN, 0);
	return finish_pages(dst, len, flags);
}

/* The nodrain copy (with `eadr`, without flushes), then the drain. */
static int
move_then_drain(char *dst, const char *src, size_t len, unsigned flags, int eadr)
{
	last_op_reset();
	memmove_nodrain(dst, src, len, flags, eadr);
	finish_drain(flags);
	return 0;
}

/* pmem2_memmove: the nodrain copy, then the drain. */
int
mem_move_pmem(char *dst, const char *src, size_t len, unsigned flags)
{
	return move_then_drain(dst, src, len, flags, 0);
}

/* pmem2_memmove_eadr: the eADR nodrain copy (no flushes), then the drain. */
int
mem_move_eadr(char *dst, const char *src, size_t len, unsigned flags)
{
	return move_then_drain(dst, src, len, flags, 1);
}

/* pmem2_memset_nonpmem. */
int
mem_set_nonpmem(char *dst, int c, size_t len, unsigned flags)
{
	last_op_reset();
	memset_nodrain(dst, c, len, flags & ~PMEM2_F_MEM_NODRAIN, 0);
	return finish_pages(dst, len, flags);
}

/* The nodrain set (with `eadr`, without flushes), then the drain. */
static int
set_then_drain(char *dst, int c, size_t len, unsigned flags, int eadr)
{
	last_op_reset();
	memset_nodrain(dst, c, len, flags, eadr);
	finish_drain(flags);
	return 0;
}

/* pmem2_memset. */
int
mem_set_pmem(char *dst, int c, size_t len, unsigned flags)
{
	return set_then_drain(dst, c, len, flags, 0);
}

/* pmem2_memset_eadr. */
int
mem_set_eadr(char *dst, int c, size_t len, unsigned flags)
{
	return set_then_drain(dst, c, len, flags, 1);
}
