/* map_release.c -- a mapping's release: unmap or mend, msync pins, delete (parking under a
 * live ArrayBuffer), unpark */

#include "records.h"

#include "fault_table.h"
#include "mmap.h"
#include "shared_maps.h"

/*
 * pmem2_map_delete's system part, on an address and length already copied out of the
 * record: munmap, or mend and leave the reservation.
 */
int
map_record_unmap(struct map_record *map, char *addr, size_t len)
{
	struct rsv_record *rsv = map->rsv;
	if (!rsv)
		return map_unmap(addr, len);
	pthread_mutex_lock(&rsv->lock);
	int ret = map_mend(addr, len);
	if (ret == 0)
		rsv_ranges_remove(rsv, (uintptr_t)addr);
	pthread_mutex_unlock(&rsv->lock);
	if (ret == 0) {
		map->rsv = NULL;
		rsv_record_put(rsv);
	}
	return ret;
}

/*
 * Unmaps or mends [addr, +reserved_len) with the mapping out of the fault table's repair
 * meanwhile (a mapping another thread places at the freed address must get its own faults),
 * then frees its slot; a failed unmap leaves the record as it was and still repaired.
 */
int
map_record_release(struct map_record *map, char *addr)
{
	struct fault_slot *slot = map->fault;
	uintptr_t lo = slot ? fault_slot_suspend(slot) : 0;
	int ret = map_record_unmap(map, addr, map->reserved_len);
	if (slot && ret) {
		fault_slot_resume(slot, lo);
	} else if (slot) {
		fault_table_remove(slot);
		map->fault = NULL;
	}
	return ret;
}

/* Takes a pin when an async msync starts (thread-pool thread); -1 once delete closed it. */
int
map_record_pin(struct map_record *map)
{
	pthread_mutex_lock(&map->pin_lock);
	int closed = map->msyncs_closed;
	if (!closed)
		map->pins++;
	pthread_mutex_unlock(&map->pin_lock);
	return closed ? -1 : 0;
}

/* Releases a pin once the msync returned (worker thread) and wakes a waiting delete. */
void
map_record_unpin(struct map_record *map)
{
	pthread_mutex_lock(&map->pin_lock);
	if (--map->pins == 0)
		pthread_cond_broadcast(&map->unpinned);
	pthread_mutex_unlock(&map->pin_lock);
}

/* Refuses msyncs that have not started, then blocks until no started one runs. */
void
map_record_close_msyncs(struct map_record *map)
{
	pthread_mutex_lock(&map->pin_lock);
	map->msyncs_closed = 1;
	while (map->pins)
		pthread_cond_wait(&map->unpinned, &map->pin_lock);
	pthread_mutex_unlock(&map->pin_lock);
}

/* Lets msyncs start again (a delete that failed). */
void
map_record_reopen_msyncs(struct map_record *map)
{
	pthread_mutex_lock(&map->pin_lock);
	map->msyncs_closed = 0;
	pthread_mutex_unlock(&map->pin_lock);
}

/*
 * Replaces the file mapping by zeroed read-write anonymous memory in one mmap over the
 * whole range (a thread-pool task still copying in or out finishes on harmless memory).
 * Inside a reservation the range stays occupied until unpark: a map placed there while a
 * task still wrote into it would take those writes into its file (mapNew there answers
 * PMEM2_E_MAPPING_EXISTS), but it no longer keeps the reservation from being deleted.
 */
static int
park(struct map_record *map)
{
	struct rsv_record *rsv = map->rsv;
	if (rsv)
		pthread_mutex_lock(&rsv->lock);
	int anon_sync;
	int ret = map_fixed(map->addr, map->reserved_len, 0x1 | 0x2, 1, -1, 0, &anon_sync, NULL);
	if (ret == 0 && rsv)
		rsv->nparked++;
	if (rsv)
		pthread_mutex_unlock(&rsv->lock);
	if (ret == 0) {
		map->parked = map->addr;
		map->addr = NULL;
		if (map->fault)
			fault_slot_close_file(map->fault);
	}
	return ret;
}

/*
 * Returns a parked range to the system: munmap, or inside a reservation that is still there,
 * PROT_NONE again and no longer occupied.
 */
static void
unpark(struct map_record *map)
{
	char *addr = map->parked;
	map->parked = NULL;
	struct fault_slot *slot = map->fault;
	map->fault = NULL;
	if (slot)
		fault_table_remove(slot);
	struct rsv_record *rsv = map->rsv;
	if (!rsv) {
		map_unmap(addr, map->reserved_len);
		return;
	}
	pthread_mutex_lock(&rsv->lock);
	rsv_ranges_remove(rsv, (uintptr_t)addr);
	rsv->nparked--;
	if (rsv->deleted)
		map_unmap(addr, map->reserved_len);
	else
		map_mend(addr, map->reserved_len);
	pthread_mutex_unlock(&rsv->lock);
	map->rsv = NULL;
	rsv_record_put(rsv);
}

/* Delete's system part: unmap now without a live ArrayBuffer, else park the range. */
int
map_record_delete(struct map_record *map)
{
	if (map->share)
		return shared_map_delete(map);
	if (map->users)
		return park(map);
	int ret = map_record_release(map, map->addr);
	if (ret == 0)
		map->addr = NULL;
	return ret;
}

/* A live ArrayBuffer object of the mapping appeared. */
void
map_record_user_new(struct map_record *map)
{
	if (map->share) {
		shared_map_user_new(map->share);
		return;
	}
	map->users++;
}

/* A live ArrayBuffer object was collected: the last one returns a parked range. */
void
map_record_user_gone(struct map_record *map)
{
	if (map->share) {
		shared_map_user_gone(map->share);
		return;
	}
	if (--map->users == 0 && map->parked)
		unpark(map);
}
