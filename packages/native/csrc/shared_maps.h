/* shared_maps.h -- one mapping shared by several realms (worker threads): views and tokens */

#ifndef PMEM2_NATIVE_SHARED_MAPS_H
#define PMEM2_NATIVE_SHARED_MAPS_H

#include <stdint.h>

#include "records.h"

/*
 * A shared range: the mapping's own record (address, fault slot, live buffers, parked range;
 * no handle, in no realm) and the realms' views of it. Every view is a map_record of its own
 * (handle, ArrayBuffer, msync pins, used on its realm's thread only) with `share` set; it
 * holds the range while it is not deleted. The range is unmapped (or parked, while any
 * realm's ArrayBuffer object is alive) when the last holder deletes it or is freed (its
 * realm exited). Counters live under `lock`, taken from any realm's thread.
 */
struct pending_token;

struct shared_map {
	pthread_mutex_t lock;
	struct map_record *range; /* users: live ArrayBuffer objects of every realm */
	unsigned holders;	  /* views not deleted */
	unsigned refs;		  /* views not freed */
	/* shared_maps.c's table (under its lock), while some view holds the range: */
	uint64_t id;
	uint64_t next_token;	      /* the id of the next token */
	struct pending_token *pending; /* tokens not opened yet */
	struct shared_map *next_live;
};

/* The bytes of a share token: process key, range id, token id, secret (four LE u64). */
#define SHARE_TOKEN_BYTES 32

/* Why shared_map_open refused a token (binding_share.c reports it to TypeScript). */
enum share_refusal {
	SHARE_OPENED = 0,
	SHARE_FOREIGN = 1, /* made in another process (or not a token at all) */
	SHARE_FORGED = 2,  /* this process's key, but no token with these ids and secret was made */
	SHARE_SPENT = 3,   /* opened already: a token opens one view */
	SHARE_GONE = 4,	   /* every realm deleted the mapping (opened or not, it opens nothing) */
};

/*
 * Makes a single-use token for another view of `map` (turning the record into the first view
 * of a shared range on first use). 0, PMEM2_E_MAPPING_NOT_FOUND (deleted), PMEM2_E_NOSUPP
 * (inside a reservation), -ENOMEM or -errno of getrandom.
 */
int shared_map_share(struct map_record *map, uint8_t token[SHARE_TOKEN_BYTES]);

/*
 * Opens a token: a new view (refs 1) of the shared range, or a status with *why set:
 * -EINVAL (SHARE_FOREIGN, SHARE_FORGED), PMEM2_E_MAPPING_NOT_FOUND (SHARE_SPENT, SHARE_GONE),
 * -ENOMEM. Never trusts the bytes: only an id and secret this process issued open anything.
 */
int shared_map_open(const uint8_t token[SHARE_TOKEN_BYTES], struct map_record **out,
		enum share_refusal *why);

/* Delete of a view (map_record_delete): drops its hold; the last one deletes the range. */
int shared_map_delete(struct map_record *view);

/* The last reference of a view is gone (map_record_put): drop its hold and reference. */
void shared_map_leave(struct map_record *view);

/* An ArrayBuffer object of a view appeared / was collected (map_record_user_new/gone). */
void shared_map_user_new(struct shared_map *share);
void shared_map_user_gone(struct shared_map *share);

/* How many views hold the range (1 for a live mapping never shared, 0 once deleted). */
unsigned shared_map_holders(const struct map_record *map);

#endif
