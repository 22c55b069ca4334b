/* records.h -- native mapping and reservation records: bounds, occupancy and lifetime */

#ifndef PMEM2_NATIVE_RECORDS_H
#define PMEM2_NATIVE_RECORDS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct map_fns;
struct shared_map;

/* One map inside a reservation: [start, end) in absolute addresses. */
struct occupied_range {
	uintptr_t start;
	uintptr_t end;
};

/* A pmem2_vm_reservation: the user-visible range and the really reserved (padded) one. */
struct rsv_record {
	pthread_mutex_t lock;
	char *addr;	 /* user-visible address */
	size_t size;	 /* user-visible size */
	char *raddr;	 /* really reserved address */
	size_t rsize;	 /* really reserved size */
	size_t align;	 /* alignment predicted at creation */
	int deleted;
	struct occupied_range *ranges; /* sorted by start, never overlapping */
	size_t nranges;
	size_t ranges_cap;
	size_t nparked; /* ranges held by deleted maps parked under a live ArrayBuffer */
	unsigned refs; /* the handle + one per map inside */
};

/* A pmem2_map: what the mapping handle and its ArrayBuffer point at. */
struct map_record {
	char *addr;	      /* NULL once deleted */
	size_t content_len;   /* pmem2_map_get_size */
	size_t reserved_len;  /* roundup(content_len, page) */
	unsigned protection;  /* PMEM2_PROT_* bits */
	int map_sync;
	int granularity;      /* enum granularity, decided once by map_record_new */
	const struct map_fns *fns; /* persist.h: the routines of that granularity */
	struct rsv_record *rsv;
	void *buffer_ref;     /* napi_ref (weak) to the external ArrayBuffer, owned by handles.c */
	unsigned refs;	      /* the handle + the ArrayBuffer + one per pin (its realm's thread only) */
	pthread_mutex_t pin_lock;
	pthread_cond_t unpinned;
	unsigned pins;	      /* async msyncs running on the thread pool over the mapping */
	int msyncs_closed;    /* set by delete: an msync not started yet is skipped */
	struct fault_slot *fault; /* the mapping's entry in the SIGBUS fault table, or NULL */
	unsigned users;	      /* live ArrayBuffer objects (they may lend the memory to threads) */
	char *parked;	      /* deleted under a live ArrayBuffer: the anonymous range kept */
	struct shared_map *share; /* shared_maps.h: one realm's view of a shared range, or NULL */
};

/* Which system call of a failed map_record_new failed. */
enum map_new_step {
	MAP_NEW_STEP_NONE = 0,
	MAP_NEW_STEP_PLACEHOLDER = 1, /* the anonymous placeholder mmap (map_reserve) */
	MAP_NEW_STEP_MMAP = 2,	      /* the mmap of the source (file_map) */
	MAP_NEW_STEP_PLACEHOLDER_TRIM = 3, /* map_reserve's munmap of the head or tail */
};

/* What pmem2_map_new's system part maps, once TypeScript has run every check. */
struct map_new_request {
	int fd; /* -1: anonymous */
	uint64_t offset;
	size_t length;
	unsigned protection; /* PMEM2_PROT_* bits */
	int private_mapping;
	size_t alignment;
	struct rsv_record *rsv; /* NULL: a placeholder of its own */
	size_t rsv_offset;
	int required_granularity; /* enum granularity: the coarsest one accepted */
	int forced_granularity;	  /* PMEM2_FORCE_GRANULARITY parsed: enum granularity, or -1 */
	int (*eadr)(void *ctx);	  /* pmem2_auto_flush() == 1, as granularity_facts.eadr */
	void *eadr_ctx;
};

/* What map_record_new found out, on success and on failure. */
struct map_new_outcome {
	enum map_new_step failed_step; /* MAP_NEW_STEP_NONE unless a system call failed */
	int map_sync;
	int granularity; /* the available granularity, also when it was refused */
	int reason;	 /* enum granularity_reason */
};

/* map_record_new's status when the eADR question failed (its JavaScript exception is pending). */
#define MAP_NEW_EADR_FAILED 1

/*
 * Counts the records freed so far in the process. A handle check that remembers a validated
 * record trusts that memory only while no record has been freed since.
 */
unsigned long record_frees(void);

int rsv_record_new(size_t size, char *hint, struct rsv_record **out);
int rsv_record_extend(struct rsv_record *rsv, size_t size);
int rsv_record_shrink(struct rsv_record *rsv, size_t offset, size_t size);
int rsv_record_delete(struct rsv_record *rsv);
void rsv_record_put(struct rsv_record *rsv);

/*
 * pmem2_map_new's system part: refuses a range past the end of a regular file, maps, decides
 * the granularity (PMEM2_E_GRANULARITY_NOT_SUPPORTED, mapping undone, when it is coarser than
 * required) and the persist kind. 0, a negative status or MAP_NEW_EADR_FAILED; *outcome is
 * filled in every case.
 */
int map_record_new(const struct map_new_request *req, struct map_new_outcome *outcome,
		struct map_record **out);
int map_record_unmap(struct map_record *map, char *addr, size_t len);

/* Unmaps or mends [addr, +reserved_len), then leaves the fault table; 0 or a status. */
int map_record_release(struct map_record *map, char *addr);

/* Removes the occupied range of a reservation starting at `start` (caller holds rsv->lock). */
void rsv_ranges_remove(struct rsv_record *rsv, uintptr_t start);
void map_record_put(struct map_record *map);

/*
 * Pins: an async msync takes a reference on the main thread when it is queued, and a pin on
 * the thread-pool thread when it starts (map_record_pin fails once delete closed the
 * mapping: that msync is skipped); it releases the pin once msync returned. Delete closes
 * the mapping and waits only for the pins of msyncs that started, so memory is never
 * unmapped under a running msync and a queued one never blocks delete.
 */
int map_record_pin(struct map_record *map);
void map_record_unpin(struct map_record *map);
void map_record_close_msyncs(struct map_record *map);
void map_record_reopen_msyncs(struct map_record *map);

/*
 * Delete's system part (after map_record_close_msyncs): without a live ArrayBuffer, unmap or
 * mend at once; with one (a thread-pool task may still hold a pointer into it), the file
 * mapping is replaced by zeroed anonymous memory in one mmap (no gap) and the range is
 * returned to the system by map_record_user_gone. 0 or a status; on failure nothing changed.
 * A shared view drops its realm's hold instead, and the last holder does this to the range.
 */
int map_record_delete(struct map_record *map);

/*
 * A live ArrayBuffer object of the mapping appeared (users++) / was collected (users--). A
 * shared view counts them on its shared range, across every realm (shared_maps.h).
 */
void map_record_user_new(struct map_record *map);
void map_record_user_gone(struct map_record *map);

/*
 * Checks [offset, offset+len) against the live content length without overflow; 0 or
 * PMEM2_E_MAP_RANGE (PMEM2_E_MAPPING_NOT_FOUND once deleted).
 */
int map_record_check_range(const struct map_record *map, uint64_t offset, uint64_t len);

#endif
