/* advice.h -- madvise, populate, MS_ASYNC msync, mincore and mlock over a mapping's pages */

#ifndef PMEM2_NATIVE_ADVICE_H
#define PMEM2_NATIVE_ADVICE_H

#include <stddef.h>
#include <stdint.h>

#include "records.h"

/* The advice codes of types.ts MapAdvice (JavaScript never passes a raw MADV_* value). */
enum map_advice {
	ADVICE_NORMAL = 0,
	ADVICE_SEQUENTIAL = 1,
	ADVICE_RANDOM = 2,
	ADVICE_WILLNEED = 3,
	ADVICE_DONTNEED = 4,
	ADVICE_HUGEPAGE = 5,
	ADVICE_NOHUGEPAGE = 6,
};

/* The whole pages covering a range of a mapping: [start, start + len), inside the mapping. */
struct page_span {
	char *start;
	size_t len;
};

/*
 * The page cover of [offset, offset + len) of a live map: the start aligned down, the end
 * aligned up, never past the mapping's reserved (page-rounded) length; empty for len 0.
 * 0, PMEM2_E_MAP_RANGE or PMEM2_E_MAPPING_NOT_FOUND.
 */
int advice_span(const struct map_record *map, uint64_t offset, uint64_t len,
		struct page_span *out);

/* madvise(advice) over the span; 0, -errno, or -EINVAL for an unknown advice code. */
int advice_apply(struct page_span span, int advice);

/*
 * MADV_POPULATE_READ / _WRITE over the span: PMEM2_E_NO_ACCESS unless the map has READ (for
 * a read) or WRITE (for a write), even for an empty span. Where the kernel lacks them
 * (EINVAL, before Linux 5.14) a loop touches each page under the SIGBUS guard, when the
 * map's protection lets it (a read needs READ, a write READ and WRITE, as it adds 0
 * atomically; else -EINVAL).
 */
int advice_populate(struct map_record *map, struct page_span span, int write);

/* msync(MS_ASYNC) over the span; 0 or -errno. */
int advice_msync_async(struct page_span span);

/*
 * mincore over the span into vec (one byte per page, 1 resident, 0 not; vec_len must hold
 * every page); *resident counts the resident pages. 0, -errno, or -EINVAL for a short vec.
 */
int advice_mincore(struct page_span span, unsigned char *vec, size_t vec_len, size_t *resident);

/* mlock (lock != 0) or munlock over the span; 0 or -errno. */
int advice_lock(struct page_span span, int lock);

#endif
