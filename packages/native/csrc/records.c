/* records.c -- native mapping and reservation records: bounds, occupancy and lifetime */

#include "records.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault_table.h"
#include "granularity.h"
#include "mmap.h"
#include "persist.h"
#include "shared_maps.h"
#include "status.h"

/* The index of the first range whose end is above `start` (binary search). */
static size_t
ranges_lower_bound(const struct rsv_record *rsv, uintptr_t start)
{
	size_t lo = 0, hi = rsv->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rsv->ranges[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether any map occupies part of [start, end). Caller holds the lock. */
static int
ranges_overlap(const struct rsv_record *rsv, uintptr_t start, uintptr_t end)
{
	size_t i = ranges_lower_bound(rsv, start);
	return i < rsv->nranges && rsv->ranges[i].start < end;
}

/* Inserts [start, end), refusing overlaps with MAPPING_EXISTS. Caller holds the lock. */
static int
ranges_insert(struct rsv_record *rsv, uintptr_t start, uintptr_t end)
{
	if (ranges_overlap(rsv, start, end))
		return PMEM2_E_MAPPING_EXISTS;
	if (rsv->nranges == rsv->ranges_cap) {
		size_t cap = rsv->ranges_cap ? rsv->ranges_cap * 2 : 8;
		struct occupied_range *grown = realloc(rsv->ranges, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		rsv->ranges = grown;
		rsv->ranges_cap = cap;
	}
	size_t i = ranges_lower_bound(rsv, start);
	memmove(&rsv->ranges[i + 1], &rsv->ranges[i], (rsv->nranges - i) * sizeof(rsv->ranges[0]));
	rsv->ranges[i].start = start;
	rsv->ranges[i].end = end;
	rsv->nranges++;
	return 0;
}

/* Removes the range starting at `start`. Caller holds the lock. */
void
rsv_ranges_remove(struct rsv_record *rsv, uintptr_t start)
{
	size_t i = ranges_lower_bound(rsv, start);
	if (i < rsv->nranges && rsv->ranges[i].start == start) {
		memmove(&rsv->ranges[i], &rsv->ranges[i + 1],
				(rsv->nranges - i - 1) * sizeof(rsv->ranges[0]));
		rsv->nranges--;
	}
}

/*
 * Unmaps the reservation except its occupied ranges (only parked ones remain when a
 * reservation is deleted: each is unmapped when its ArrayBuffer goes). Caller holds the lock.
 */
static int
unmap_around_ranges(struct rsv_record *rsv)
{
	char *at = rsv->raddr;
	for (size_t i = 0; i <= rsv->nranges; i++) {
		char *end = i < rsv->nranges ? (char *)rsv->ranges[i].start : rsv->raddr + rsv->rsize;
		int ret = end > at ? map_unmap(at, (size_t)(end - at)) : 0;
		if (ret)
			return ret;
		if (i < rsv->nranges)
			at = (char *)rsv->ranges[i].end;
	}
	return 0;
}

/*
 * pmem2_vm_reservation_new's system part: reserves ALIGN_UP(size, align) + align bytes when
 * the predicted alignment differs from the page size, and shows ALIGN_UP(raddr, align).
 */
int
rsv_record_new(size_t size, char *hint, struct rsv_record **out)
{
	size_t page = page_size();
	if ((uintptr_t)hint % page)
		return PMEM2_E_ADDRESS_UNALIGNED;
	if (size % page)
		return PMEM2_E_LENGTH_UNALIGNED;

	size_t align = map_alignment(size, page);
	size_t reserv_size = size;
	if (align != page) {
		size_t up;
		if (align_up(size, align, &up) || up > SIZE_MAX - align)
			return -ENOMEM;
		reserv_size = up + align;
	}

	struct rsv_record *rsv = calloc(1, sizeof(*rsv));
	if (!rsv)
		return -ENOMEM;
	char *raddr;
	int ret = reserve_memory(hint, reserv_size, &raddr);
	if (ret) {
		free(rsv);
		return ret;
	}
	size_t visible = (uintptr_t)raddr;
	if (!hint)
		align_up((uintptr_t)raddr, align, &visible);
	pthread_mutex_init(&rsv->lock, NULL);
	rsv->addr = hint ? hint : (char *)visible;
	rsv->size = size;
	rsv->raddr = raddr;
	rsv->rsize = reserv_size;
	rsv->align = align;
	rsv->refs = 1;
	*out = rsv;
	return 0;
}

/* pmem2_vm_reservation_extend's system part: grows at the end, NOREPLACE past the real end. */
int
rsv_record_extend(struct rsv_record *rsv, size_t size)
{
	if (size % page_size())
		return PMEM2_E_LENGTH_UNALIGNED;
	pthread_mutex_lock(&rsv->lock);
	int ret = 0;
	uintptr_t start = (uintptr_t)rsv->addr;
	size_t new_end;
	if (rsv->deleted) {
		ret = PMEM2_E_MAPPING_NOT_FOUND;
	} else if (size > SIZE_MAX - rsv->size || rsv->size + size > SIZE_MAX - start ||
			align_up(start + rsv->size + size, rsv->align, &new_end)) {
		ret = -ENOMEM;
	} else {
		uintptr_t cur_end = (uintptr_t)rsv->raddr + rsv->rsize;
		if (new_end > cur_end) {
			char *got;
			ret = reserve_memory((char *)cur_end, new_end - cur_end, &got);
			if (ret == 0)
				rsv->rsize += new_end - cur_end;
		}
		if (ret == 0)
			rsv->size += size;
	}
	pthread_mutex_unlock(&rsv->lock);
	return ret;
}

/* pmem2_vm_reservation_shrink's checks (in libpmem2's order) and system part. */
int
rsv_record_shrink(struct rsv_record *rsv, size_t offset, size_t size)
{
	size_t page = page_size();
	if (offset % page)
		return PMEM2_E_OFFSET_UNALIGNED;
	if (size % page)
		return PMEM2_E_LENGTH_UNALIGNED;
	pthread_mutex_lock(&rsv->lock);
	int ret = 0;
	if (rsv->deleted)
		ret = PMEM2_E_MAPPING_NOT_FOUND;
	else if (offset >= rsv->size)
		ret = PMEM2_E_OFFSET_OUT_OF_RANGE;
	else if (size == 0 || size > rsv->size - offset)
		ret = PMEM2_E_LENGTH_OUT_OF_RANGE;
	else if (offset != 0 && offset + size != rsv->size)
		ret = PMEM2_E_NOSUPP;
	else if (offset == 0 && size == rsv->size)
		ret = PMEM2_E_NOSUPP;
	else if (ranges_overlap(rsv, (uintptr_t)rsv->addr + offset,
			(uintptr_t)rsv->addr + offset + size))
		ret = PMEM2_E_VM_RESERVATION_NOT_EMPTY;
	if (ret) {
		pthread_mutex_unlock(&rsv->lock);
		return ret;
	}

	uintptr_t new_addr = (uintptr_t)rsv->addr + (offset == 0 ? size : 0);
	size_t new_size = rsv->size - size;
	uintptr_t align_new_addr = new_addr - new_addr % rsv->align;
	size_t align_new_end;
	align_up(new_addr + new_size, rsv->align, &align_new_end);
	uintptr_t cur = (uintptr_t)rsv->raddr;
	uintptr_t cur_end = cur + rsv->rsize;

	uintptr_t cut = 0;
	size_t cut_size = 0;
	if (align_new_addr > cur) {
		cut = cur;
		cut_size = align_new_addr - cur;
	} else if (align_new_end < cur_end) {
		cut = align_new_end;
		cut_size = cur_end - align_new_end;
	}
	if (cut_size) {
		ret = map_unmap((char *)cut, cut_size);
		if (ret == 0) {
			/* only one side is cut; the other keeps its real bound */
			uintptr_t lo = align_new_addr > cur ? align_new_addr : cur;
			uintptr_t hi = align_new_end < cur_end ? align_new_end : cur_end;
			rsv->raddr = (char *)lo;
			rsv->rsize = hi - lo;
		}
	}
	if (ret == 0) {
		rsv->addr = (char *)new_addr;
		rsv->size = new_size;
	}
	pthread_mutex_unlock(&rsv->lock);
	return ret;
}

/*
 * pmem2_vm_reservation_delete's system part. Unlike libpmem2, which unmaps only the
 * user-visible range and leaks the alignment padding, the whole real range is released.
 */
int
rsv_record_delete(struct rsv_record *rsv)
{
	pthread_mutex_lock(&rsv->lock);
	int ret = 0;
	if (rsv->deleted)
		ret = PMEM2_E_MAPPING_NOT_FOUND;
	else if (rsv->nranges > rsv->nparked)
		ret = PMEM2_E_VM_RESERVATION_NOT_EMPTY;
	else
		ret = unmap_around_ranges(rsv);
	if (ret == 0)
		rsv->deleted = 1;
	pthread_mutex_unlock(&rsv->lock);
	return ret;
}

static unsigned long Record_frees;

/* Counts the records freed so far in the process. */
unsigned long
record_frees(void)
{
	return __atomic_load_n(&Record_frees, __ATOMIC_ACQUIRE);
}

/* Notes that a record that may have had a handle is about to be freed. */
static void
count_free(void)
{
	__atomic_add_fetch(&Record_frees, 1, __ATOMIC_RELEASE);
}

/* Drops one reference; the last one releases a forgotten reservation and frees the record. */
void
rsv_record_put(struct rsv_record *rsv)
{
	pthread_mutex_lock(&rsv->lock);
	unsigned left = --rsv->refs;
	pthread_mutex_unlock(&rsv->lock);
	if (left)
		return;
	if (!rsv->deleted)
		map_unmap(rsv->raddr, rsv->rsize);
	pthread_mutex_destroy(&rsv->lock);
	free(rsv->ranges);
	count_free();
	free(rsv);
}

/* The map_new reservation branch (§3 step 11): re-checks, occupies, maps or mends. */
static int
map_in_reservation(struct map_record *map, const struct map_new_request *req, int prot,
		enum map_new_step *failed_step)
{
	struct rsv_record *rsv = req->rsv;
	if (req->rsv_offset % page_size())
		return PMEM2_E_OFFSET_UNALIGNED;
	pthread_mutex_lock(&rsv->lock);
	int ret = 0;
	uintptr_t start = (uintptr_t)rsv->addr + req->rsv_offset;
	if (rsv->deleted)
		ret = PMEM2_E_MAPPING_NOT_FOUND;
	else if (req->rsv_offset > rsv->size || map->reserved_len > rsv->size - req->rsv_offset)
		ret = PMEM2_E_LENGTH_OUT_OF_RANGE;
	else if (req->alignment && start % req->alignment)
		ret = PMEM2_E_ADDRESS_UNALIGNED;
	else if (map->reserved_len)
		ret = ranges_insert(rsv, start, start + map->reserved_len);
	/*
	 * A zero-length map occupies nothing, so it is not inserted (an empty range could never
	 * be found again to be removed); its mmap fails with EINVAL as libpmem2's does, and the
	 * reservation is left exactly as it was.
	 */
	if (ret == 0) {
		bool ours;
		ret = map_fixed((char *)start, map->content_len, prot, req->private_mapping, req->fd,
				req->offset, &map->map_sync, &ours);
		if (ret) {
			*failed_step = MAP_NEW_STEP_MMAP;
			if (map->reserved_len) {
				if (ours)
					map_mend((char *)start, map->reserved_len);
				rsv_ranges_remove(rsv, start);
			}
		} else {
			map->addr = (char *)start;
			map->rsv = rsv;
			rsv->refs++;
		}
	}
	pthread_mutex_unlock(&rsv->lock);
	return ret;
}

/* The placeholder and the mmap of the source at it (§3 steps 11-12 outside a reservation). */
static int
map_at_placeholder(struct map_record *map, const struct map_new_request *req, int prot,
		enum map_new_step *failed_step)
{
	char *addr;
	size_t reserved;
	bool trim_failed;
	int ret = placeholder_reserve(req->length, map_alignment(req->length, req->alignment),
			&addr, &reserved, &trim_failed);
	if (ret) {
		*failed_step = trim_failed ? MAP_NEW_STEP_PLACEHOLDER_TRIM : MAP_NEW_STEP_PLACEHOLDER;
		return ret;
	}
	bool ours;
	ret = map_fixed(addr, req->length, prot, req->private_mapping, req->fd, req->offset,
			&map->map_sync, &ours);
	if (ret) {
		*failed_step = MAP_NEW_STEP_MMAP;
		if (ours)
			map_unmap(addr, reserved);
	} else {
		map->addr = addr;
	}
	return ret;
}

/* Registers a new mapping in the SIGBUS fault table; unmaps it when that fails. */
static int
map_record_track(struct map_record *map, int fd, uint64_t offset, int prot)
{
	int ret = fault_table_add(map->addr, map->reserved_len, prot, fd, offset, &map->fault);
	if (ret)
		map_record_unmap(map, map->addr, map->reserved_len);
	return ret;
}

/*
 * The granularity check of pmem2_map_new (§3 step 13): decided here once, never set later;
 * a granularity coarser than required is refused.
 */
static int
settle_granularity(struct map_record *map, const struct map_new_request *req,
		struct map_new_outcome *outcome)
{
	struct granularity_facts facts = {
		.anonymous = req->fd < 0,
		.private_mapping = req->private_mapping,
		.forced = req->fd < 0 ? -1 : req->forced_granularity,
		.map_sync = map->map_sync,
		.eadr = req->eadr,
		.eadr_ctx = req->eadr_ctx,
	};
	if (granularity_decide(&facts, &outcome->granularity, &outcome->reason) == EADR_FAILED)
		return MAP_NEW_EADR_FAILED;
	if (outcome->granularity > req->required_granularity)
		return PMEM2_E_GRANULARITY_NOT_SUPPORTED;
	map->granularity = outcome->granularity;
	map->fns = map_fns_for(outcome->granularity);
	return 0;
}

/* pmem2_map_new's system part (§3 steps 11-13) once TypeScript has run every check. */
int
map_record_new(const struct map_new_request *req, struct map_new_outcome *outcome,
		struct map_record **out)
{
	*outcome = (struct map_new_outcome){.failed_step = MAP_NEW_STEP_NONE};
	int prot = protection_to_prot(req->protection);
	if (prot < 0)
		return PMEM2_E_INVALID_PROT_FLAG;
	if (req->fd >= 0 && req->offset > (uint64_t)INT64_MAX)
		return PMEM2_E_MAP_RANGE;
	if (req->fd >= 0) {
		/* a failed fstat is what the mmap of the source would report */
		int ret = check_file_range(req->fd, req->offset, req->length);
		if (ret) {
			outcome->failed_step = ret == PMEM2_E_MAP_RANGE ? MAP_NEW_STEP_NONE
									: MAP_NEW_STEP_MMAP;
			return ret;
		}
	}
	struct map_record *map = calloc(1, sizeof(*map));
	if (!map)
		return -ENOMEM;
	map->content_len = req->length;
	map->protection = req->protection;
	map->refs = 1;
	int ret;
	if (align_up(req->length, page_size(), &map->reserved_len) ||
			(!req->rsv && req->length > SIZE_MAX - map_alignment(req->length,
								  req->alignment))) {
		/*
		 * libpmem2 computes the page roundup and the placeholder size (length + alignment)
		 * in size_t: they wrap, its small placeholder succeeds and the mmap of the source
		 * fails with ENOMEM. Nothing is mapped here; the outcome is the same.
		 */
		ret = -ENOMEM;
		outcome->failed_step = MAP_NEW_STEP_MMAP;
	} else if (req->rsv) {
		ret = map_in_reservation(map, req, prot, &outcome->failed_step);
	} else {
		ret = map_at_placeholder(map, req, prot, &outcome->failed_step);
	}
	outcome->map_sync = map->map_sync;
	if (ret == 0) {
		ret = settle_granularity(map, req, outcome);
		if (ret) /* err_undo_mapping */
			map_record_unmap(map, map->addr, map->reserved_len);
	}
	if (ret == 0)
		ret = map_record_track(map, req->fd, req->offset, prot);
	if (ret) {
		free(map);
		return ret;
	}
	pthread_mutex_init(&map->pin_lock, NULL);
	pthread_cond_init(&map->unpinned, NULL);
	*out = map;
	return 0;
}

/* Drops one reference; the last one unmaps a mapping nobody deleted and frees the record. */
void
map_record_put(struct map_record *map)
{
	if (--map->refs)
		return;
	if (map->share) {
		shared_map_leave(map);
	} else if (map->addr) {
		char *addr = map->addr;
		map->addr = NULL;
		map_record_release(map, addr);
	}
	if (map->rsv)
		rsv_record_put(map->rsv);
	pthread_cond_destroy(&map->unpinned);
	pthread_mutex_destroy(&map->pin_lock);
	count_free();
	free(map);
}

/* Overflow-safe bounds check of [offset, offset+len) against the content length. */
int
map_record_check_range(const struct map_record *map, uint64_t offset, uint64_t len)
{
	if (!map->addr)
		return PMEM2_E_MAPPING_NOT_FOUND;
	if (offset > map->content_len || len > map->content_len - offset)
		return PMEM2_E_MAP_RANGE;
	return 0;
}
