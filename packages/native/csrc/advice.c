/* advice.c -- madvise, populate, MS_ASYNC msync, mincore and mlock over a mapping's pages */

#include "advice.h"

#include <errno.h>
#include <sys/mman.h>

#include "guarded_call.h"
#include "mmap.h"
#include "status.h"

/* Linux 5.14's values; older headers (and musl's) may lack the names. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* The page cover of a checked range, inside the mapping. */
int
advice_span(const struct map_record *map, uint64_t offset, uint64_t len, struct page_span *out)
{
	int st = map_record_check_range(map, offset, len);
	if (st)
		return st;
	out->start = map->addr;
	out->len = 0;
	if (len == 0)
		return 0;
	size_t page = page_size();
	size_t first = (size_t)offset & ~(page - 1);
	size_t end = (size_t)(offset + len); /* <= content_len, so no overflow below */
	size_t last = ((end - 1) / page + 1) * page;
	if (last > map->reserved_len) /* cannot happen: reserved_len is a page multiple */
		return PMEM2_E_MAP_RANGE;
	out->start = map->addr + first;
	out->len = last - first;
	return 0;
}

/* The MADV_* value of an advice code, or -1. */
static int
madv_of(int advice)
{
	switch (advice) {
	case ADVICE_NORMAL:
		return MADV_NORMAL;
	case ADVICE_SEQUENTIAL:
		return MADV_SEQUENTIAL;
	case ADVICE_RANDOM:
		return MADV_RANDOM;
	case ADVICE_WILLNEED:
		return MADV_WILLNEED;
	case ADVICE_DONTNEED:
		return MADV_DONTNEED;
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
	case ADVICE_HUGEPAGE:
		return MADV_HUGEPAGE;
	case ADVICE_NOHUGEPAGE:
		return MADV_NOHUGEPAGE;
#endif
	default:
		return -1;
	}
}

int
advice_apply(struct page_span span, int advice)
{
	int madv = madv_of(advice);
	if (madv < 0)
		return -EINVAL;
	if (span.len == 0)
		return 0;
	return madvise(span.start, span.len, madv) ? -errno : 0;
}

/* The touch loop of advice_populate, run under the guard. */
struct touch {
	char *start;
	size_t len;
	size_t page;
	int write;
};

static void
touch_pages(void *ctx)
{
	struct touch *t = ctx;
	for (size_t at = 0; at < t->len; at += t->page) {
		char *p = t->start + at; /* SAFETY: inside the span, which lies inside the map */
		if (t->write)
			__atomic_fetch_add(p, 0, __ATOMIC_RELAXED);
		else
			(void)*(volatile char *)p;
	}
}

int
advice_populate(struct map_record *map, struct page_span span, int write)
{
	/* checked here, not left to madvise: Linux refuses with EINVAL, qemu-user returns 0 */
	if (!(map->protection & (write ? PMEM2_PROT_WRITE : PMEM2_PROT_READ)))
		return PMEM2_E_NO_ACCESS;
	if (span.len == 0)
		return 0;
	if (madvise(span.start, span.len, write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	unsigned need = write ? (PMEM2_PROT_READ | PMEM2_PROT_WRITE) : PMEM2_PROT_READ;
	if ((map->protection & need) != need)
		return -EINVAL;
	struct touch t = {.start = span.start, .len = span.len, .page = page_size(), .write = write};
	touch_pages(&t); /* a lost page is repaired by guard.c's handler and reported here */
	return report_losses(map, span.start, NULL, span.len);
}

int
advice_msync_async(struct page_span span)
{
	if (span.len == 0)
		return 0;
	return msync(span.start, span.len, MS_ASYNC) ? -errno : 0;
}

int
advice_mincore(struct page_span span, unsigned char *vec, size_t vec_len, size_t *resident)
{
	size_t pages = span.len / page_size();
	*resident = 0;
	if (vec_len < pages)
		return -EINVAL;
	if (pages == 0)
		return 0;
	if (mincore(span.start, span.len, vec))
		return -errno;
	for (size_t i = 0; i < pages; i++) {
		vec[i] &= 1; /* the other bits are reserved */
		*resident += vec[i];
	}
	return 0;
}

int
advice_lock(struct page_span span, int lock)
{
	if (span.len == 0)
		return 0;
	int ret = lock ? mlock(span.start, span.len) : munlock(span.start, span.len);
	return ret ? -errno : 0;
}
