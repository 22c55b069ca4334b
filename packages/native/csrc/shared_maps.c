/* shared_maps.c -- one mapping shared by several realms (worker threads): views and tokens */

#include "shared_maps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "status.h"

/* A token not opened yet, in its shared range's list. */
struct pending_token {
	uint64_t id;
	uint64_t secret;
	struct pending_token *next;
};

/*
 * The shared ranges that some view still holds, by id, with their tokens not opened yet;
 * everything here is under Shares_lock (lock order: Shares_lock, then a range's lock). A
 * range leaves the table, and its pending tokens are freed, when its last holder goes
 * (before its last reference can), so memory is bounded by the live ranges' tokens.
 */
#define SHARE_BUCKETS 64
static pthread_mutex_t Shares_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_map *Live[SHARE_BUCKETS]; /* by id % SHARE_BUCKETS */
static uint64_t Next_share_id = 1;
static uint64_t Process_key;

/* Fills buf with random bytes: getrandom, else /dev/urandom. 0 or -errno. */
static int
random_bytes(void *buf, size_t len)
{
	if (getrandom(buf, len, 0) == (ssize_t)len)
		return 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t got = read(fd, buf, len);
	int err = errno;
	close(fd);
	return got == (ssize_t)len ? 0 : -(got < 0 ? err : EIO);
}

/* Reads/writes the i-th little-endian u64 of a token. */
static uint64_t
token_word(const uint8_t *token, int i)
{
	uint64_t v = 0;
	for (int b = 7; b >= 0; b--)
		v = v << 8 | token[i * 8 + b];
	return v;
}

static void
set_token_word(uint8_t *token, int i, uint64_t v)
{
	for (int b = 0; b < 8; b++)
		token[i * 8 + b] = (uint8_t)(v >> (8 * b));
}

/* A new view record of the range (refs 1), copied from the range's record; NULL: no memory. */
static struct map_record *
new_view(const struct map_record *range, struct shared_map *share)
{
	struct map_record *view = calloc(1, sizeof(*view));
	if (!view)
		return NULL;
	view->addr = range->addr;
	view->content_len = range->content_len;
	view->reserved_len = range->reserved_len;
	view->protection = range->protection;
	view->map_sync = range->map_sync;
	view->granularity = range->granularity;
	view->fns = range->fns;
	view->fault = range->fault; /* read by the view's calls while the range is held */
	view->refs = 1;
	view->share = share;
	pthread_mutex_init(&view->pin_lock, NULL);
	pthread_cond_init(&view->unpinned, NULL);
	return view;
}

/* The live shared range with that id, or NULL. Caller holds Shares_lock. */
static struct shared_map *
find_live(uint64_t id)
{
	struct shared_map *share = Live[id % SHARE_BUCKETS];
	while (share && share->id != id)
		share = share->next_live;
	return share;
}

/*
 * Turns a live, unshared record into the first view of a new shared range, entered in the
 * table: the range gets a record of its own that takes over the fault slot and the count of
 * live buffers (moved on the record's realm thread, the only one that changes them). 0 or
 * -ENOMEM. Caller holds Shares_lock.
 */
static int
make_shared(struct map_record *map)
{
	struct shared_map *share = calloc(1, sizeof(*share));
	struct map_record *range = new_view(map, NULL);
	if (!share || !range) {
		free(share);
		if (range) {
			pthread_cond_destroy(&range->unpinned);
			pthread_mutex_destroy(&range->pin_lock);
		}
		free(range);
		return -ENOMEM;
	}
	range->users = map->users;
	pthread_mutex_init(&share->lock, NULL);
	share->range = range;
	share->holders = 1;
	share->refs = 1;
	share->id = Next_share_id++;
	share->next_token = 1;
	share->next_live = Live[share->id % SHARE_BUCKETS];
	Live[share->id % SHARE_BUCKETS] = share;
	map->users = 0;
	map->share = share;
	return 0;
}

/* Makes a single-use token for another view of the mapping. */
int
shared_map_share(struct map_record *map, uint8_t token[SHARE_TOKEN_BYTES])
{
	if (!map->addr)
		return PMEM2_E_MAPPING_NOT_FOUND;
	if (map->rsv)
		return PMEM2_E_NOSUPP;
	struct pending_token *pending = calloc(1, sizeof(*pending));
	if (!pending)
		return -ENOMEM;
	int ret = random_bytes(&pending->secret, sizeof(pending->secret));
	pthread_mutex_lock(&Shares_lock);
	while (ret == 0 && Process_key == 0)
		ret = random_bytes(&Process_key, sizeof(Process_key));
	if (ret == 0 && !map->share)
		ret = make_shared(map);
	if (ret) {
		pthread_mutex_unlock(&Shares_lock);
		free(pending);
		return ret;
	}
	struct shared_map *share = map->share; /* live: this view holds it */
	pending->id = share->next_token++;
	pending->next = share->pending;
	share->pending = pending;
	set_token_word(token, 0, Process_key);
	set_token_word(token, 1, share->id);
	set_token_word(token, 2, pending->id);
	set_token_word(token, 3, pending->secret);
	pthread_mutex_unlock(&Shares_lock);
	return 0;
}

/* Takes a hold on the range for a new view; PMEM2_E_MAPPING_NOT_FOUND once none is left. */
static int
take_hold(struct shared_map *share, struct map_record **out)
{
	int ret = PMEM2_E_MAPPING_NOT_FOUND;
	pthread_mutex_lock(&share->lock);
	if (share->holders) {
		*out = new_view(share->range, share);
		ret = -ENOMEM;
		if (*out) {
			share->holders++;
			share->refs++;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&share->lock);
	return ret;
}

/*
 * Opens a token once: finds its range and pending entry, checks the secret, consumes it and
 * takes a hold. Caller holds Shares_lock.
 */
static int
open_locked(const uint8_t *token, struct map_record **out, enum share_refusal *why)
{
	uint64_t share_id = token_word(token, 1), id = token_word(token, 2);
	if (Process_key == 0 || token_word(token, 0) != Process_key) {
		*why = SHARE_FOREIGN;
		return -EINVAL;
	}
	struct shared_map *share = find_live(share_id);
	if (!share) {
		/* an id this process issued: every view of that range is gone */
		*why = share_id == 0 || share_id >= Next_share_id ? SHARE_FORGED : SHARE_GONE;
		return *why == SHARE_FORGED ? -EINVAL : PMEM2_E_MAPPING_NOT_FOUND;
	}
	struct pending_token **link = &share->pending;
	while (*link && (*link)->id != id)
		link = &(*link)->next;
	struct pending_token *pending = *link;
	if (!pending) {
		*why = id == 0 || id >= share->next_token ? SHARE_FORGED : SHARE_SPENT;
		return *why == SHARE_FORGED ? -EINVAL : PMEM2_E_MAPPING_NOT_FOUND;
	}
	if (pending->secret != token_word(token, 3)) {
		*why = SHARE_FORGED; /* the real token stays valid */
		return -EINVAL;
	}
	int ret = take_hold(share, out);
	*why = ret == PMEM2_E_MAPPING_NOT_FOUND ? SHARE_GONE : SHARE_OPENED;
	if (ret != -ENOMEM) { /* out of memory: nothing opened, the token stays valid */
		*link = pending->next;
		free(pending);
	}
	return ret;
}

/* Opens a token once. */
int
shared_map_open(const uint8_t token[SHARE_TOKEN_BYTES], struct map_record **out,
		enum share_refusal *why)
{
	pthread_mutex_lock(&Shares_lock);
	int ret = open_locked(token, out, why);
	pthread_mutex_unlock(&Shares_lock);
	return ret;
}

/* The range lost its last holder: it leaves the table and its pending tokens are freed. */
static void
forget_range(struct shared_map *share)
{
	pthread_mutex_lock(&Shares_lock);
	struct shared_map **link = &Live[share->id % SHARE_BUCKETS];
	while (*link && *link != share)
		link = &(*link)->next_live;
	if (*link)
		*link = share->next_live;
	while (share->pending) {
		struct pending_token *next = share->pending->next;
		free(share->pending);
		share->pending = next;
	}
	pthread_mutex_unlock(&Shares_lock);
}

/*
 * Drops the view's hold: the last one deletes the range (unmaps it, or parks it while an
 * ArrayBuffer object of any realm is alive). When that fails nothing changed and `force`
 * decides: a delete reports it, a freed view drops its hold anyway (the range record is
 * then unmapped by its last reference, as an undeleted record is).
 */
static int
drop_hold(struct map_record *view, int force)
{
	struct shared_map *share = view->share;
	pthread_mutex_lock(&share->lock);
	int ret = share->holders == 1 ? map_record_delete(share->range) : 0;
	if (ret == 0 || force)
		share->holders--;
	int last = share->holders == 0;
	pthread_mutex_unlock(&share->lock);
	if (ret && !force)
		return ret;
	view->addr = NULL;
	if (last)
		forget_range(share);
	return ret;
}

/* Delete of a view: drops its hold. */
int
shared_map_delete(struct map_record *view)
{
	return drop_hold(view, 0);
}

/* The view's last reference is gone: drops its hold (unless deleted) and its reference. */
void
shared_map_leave(struct map_record *view)
{
	struct shared_map *share = view->share;
	if (view->addr)
		drop_hold(view, 1);
	pthread_mutex_lock(&share->lock);
	unsigned left = --share->refs;
	pthread_mutex_unlock(&share->lock);
	if (left)
		return;
	map_record_put(share->range);
	pthread_mutex_destroy(&share->lock);
	free(share);
}

/* An ArrayBuffer object of a view appeared. */
void
shared_map_user_new(struct shared_map *share)
{
	pthread_mutex_lock(&share->lock);
	map_record_user_new(share->range);
	pthread_mutex_unlock(&share->lock);
}

/* An ArrayBuffer object of a view was collected: the last one of every realm unparks. */
void
shared_map_user_gone(struct shared_map *share)
{
	pthread_mutex_lock(&share->lock);
	map_record_user_gone(share->range);
	pthread_mutex_unlock(&share->lock);
}

/* How many views hold the range. */
unsigned
shared_map_holders(const struct map_record *map)
{
	if (!map->share)
		return map->addr ? 1 : 0;
	pthread_mutex_lock(&map->share->lock);
	unsigned n = map->addr ? map->share->holders : 0;
	pthread_mutex_unlock(&map->share->lock);
	return n;
}
