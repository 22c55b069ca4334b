/* persist.c -- pmem2_persist_fn / pmem2_flush_fn / pmem2_drain_fn by granularity (persist.c) */

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
	Last_op.msynced = 1;
	return msync_range(addr, len);
}

/* PAGE always; CACHE_LINE too when the CPU has no flush instruction (portable fallback). */
static int
needs_msync(int granularity)
{
	return granularity == GRANULARITY_PAGE ||
			(granularity == GRANULARITY_CACHE_LINE && Persist_info.flush == FLUSH_NONE);
}

/* CACHE_LINE with a flush instruction: the only persist/flush that touches mapped lines. */
int
persist_touches_lines(int granularity)
{
	return granularity == GRANULARITY_CACHE_LINE && !needs_msync(granularity);
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

/* PAGE: msync; CACHE_LINE: flush + sfence; BYTE: sfence only. */
int
persist_range(int granularity, char *addr, size_t len)
{
	last_op_reset();
	if (needs_msync(granularity))
		return persist_pages(addr, len);
	if (granularity == GRANULARITY_CACHE_LINE)
		flush_lines(addr, len);
	flush_drain();
	Last_op.drained = 1;
	return 0;
}

/* PAGE: msync; CACHE_LINE: flush only; BYTE: nothing. */
int
flush_range(int granularity, char *addr, size_t len)
{
	last_op_reset();
	if (needs_msync(granularity))
		return persist_pages(addr, len);
	if (granularity == GRANULARITY_CACHE_LINE)
		flush_lines(addr, len);
	return 0;
}

/* msync(MS_SYNC) of the range whatever the granularity (the deep flush of regular files). */
int
msync_op(char *addr, size_t len)
{
	last_op_reset();
	return persist_pages(addr, len);
}

/* sfence (x86-64) / dmb ishst (aarch64). */
void
drain(void)
{
	last_op_reset();
	flush_drain();
	Last_op.drained = 1;
}
