/* persist.c -- the routine table of a map (persist.c pmem2_set_flush_fns, pmem2_set_mem_fns) */

#include "persist.h"

#include "cpu.h"
#include "flush.h"
#include "memops.h"
#include "mmap.h"
#include "status.h"

/*
 * PAGE, and CACHE_LINE on a CPU without a flush instruction: "pmem2_persist_pages: align
 * addr down to a page ... msync(MS_SYNC) ... restarting on EINTR". libpmem2 abort()s when
 * msync fails; here the failure is returned.
 */
static int
persist_pages(char *addr, size_t len)
{
	last_op_reset();
	Last_op.msynced = 1;
	return msync_range(addr, len);
}

/* pmem2_drain_nop: PAGE has nothing to drain (msync returned when the pages were written). */
static void
drain_nop(void)
{
}

/* The flush instruction over the lines of the range. */
static void
flush_lines(char *addr, size_t len)
{
	if (len == 0)
		return;
	flush_fn_for(Persist_info.flush)(addr, len);
	Last_op.flushed = 1;
}

/* pmem2_flush_cpu_cache: the flush instruction only. */
static int
flush_cpu_cache(char *addr, size_t len)
{
	last_op_reset();
	flush_lines(addr, len);
	return 0;
}

/* The drain instruction, recorded in the last op. */
static void
drain_lines(void)
{
	flush_drain();
	Last_op.drained = 1;
}

/* pmem2_persist_cpu_cache: the flush instruction, then the drain. */
static int
persist_cpu_cache(char *addr, size_t len)
{
	flush_cpu_cache(addr, len);
	drain_lines();
	return 0;
}

/* pmem2_flush_nop: BYTE has nothing to flush (the caches are in the persistence domain). */
static int
flush_nop(char *addr, size_t len)
{
	(void)addr;
	(void)len;
	last_op_reset();
	return 0;
}

/* pmem2_persist_noflush: BYTE persist is the drain only. */
static int
persist_noflush(char *addr, size_t len)
{
	flush_nop(addr, len);
	drain_lines();
	return 0;
}

/*
 * On x86_64 a locked read-modify-write orders every earlier store as sfence does (Intel SDM
 * vol. 3A §9.2.2; vol. 2 CLWB: "SFENCE, MFENCE, XCHG, or LOCK-prefixed instructions"), and
 * our mem functions fence their non-temporal stores themselves at BYTE, so JavaScript may
 * issue the fence (docs/guide.md "Persisting"). Elsewhere the drain is a dsb or a full fence
 * that only native code can issue.
 */
#if defined(PMEM2_ARCH_X86_64)
#define BYTE_PERSIST_KIND PERSIST_FENCE
#else
#define BYTE_PERSIST_KIND PERSIST_DRAIN
#endif

/* The three tables, one row each; CACHE_LINE without a flush instruction gets the PAGE row. */
enum fns_row { FNS_PAGE, FNS_CACHE_LINE, FNS_BYTE };

static const struct map_fns Fns[] = {
	/* kind, persist, flush, drain, move, set, touches_lines */
	[FNS_PAGE] = {PERSIST_MSYNC, persist_pages, persist_pages, drain_nop, mem_move_nonpmem,
		mem_set_nonpmem, 0},
	[FNS_CACHE_LINE] = {PERSIST_FLUSH, persist_cpu_cache, flush_cpu_cache, drain, mem_move_pmem,
		mem_set_pmem, 1},
	[FNS_BYTE] = {BYTE_PERSIST_KIND, persist_noflush, flush_nop, drain, mem_move_eadr,
		mem_set_eadr, 0},
};

/* The one home of "CACHE_LINE without a flush instruction uses msync". */
const struct map_fns *
map_fns_for(int granularity)
{
	switch (granularity) {
	case GRANULARITY_BYTE:
		return &Fns[FNS_BYTE];
	case GRANULARITY_CACHE_LINE:
		return &Fns[Persist_info.flush == FLUSH_NONE ? FNS_PAGE : FNS_CACHE_LINE];
	default:
		return &Fns[FNS_PAGE];
	}
}

/* The name of a persist kind, as types.ts PersistKind spells it. */
const char *
persist_kind_name(enum persist_kind kind)
{
	static const char *const names[] = {"msync", "flush", "fence", "drain"};
	return names[kind];
}

/* msync(MS_SYNC) of the range whatever the granularity (the deep flush of regular files). */
int
msync_op(char *addr, size_t len)
{
	return persist_pages(addr, len);
}

/* sfence (x86-64) / dmb ishst (aarch64). */
void
drain(void)
{
	last_op_reset();
	drain_lines();
}
