/* granularity.h -- the store granularity of a new mapping and why (map.c: get_min_granularity) */

#ifndef PMEM2_NATIVE_GRANULARITY_H
#define PMEM2_NATIVE_GRANULARITY_H

/* The rule of get_min_granularity that decided (types.ts GranularityReason, same order). */
enum granularity_reason {
	REASON_ANONYMOUS = 0,	/* anonymous memory: BYTE */
	REASON_PRIVATE = 1,	/* a private mapping never writes back: BYTE, even over the force */
	REASON_FORCED = 2,	/* PMEM2_FORCE_GRANULARITY */
	REASON_NO_MAP_SYNC = 3, /* mmap refused MAP_SYNC: PAGE */
	REASON_NO_EADR = 4,	/* MAP_SYNC, no eADR: CACHE_LINE */
	REASON_EADR = 5,	/* MAP_SYNC and eADR: BYTE */
};

/* The answer of an eADR question that failed (a JavaScript exception is pending). */
#define EADR_FAILED (-1)

/* What get_min_granularity decides on. */
struct granularity_facts {
	int anonymous;
	int private_mapping;
	int forced; /* enum granularity, or -1 when PMEM2_FORCE_GRANULARITY is unset or invalid */
	int map_sync;
	/* pmem2_auto_flush() == 1; asked only when it decides; 1, 0 or EADR_FAILED */
	int (*eadr)(void *ctx);
	void *eadr_ctx;
};

/*
 * parse_force_granularity over `value` of `len` bytes (NULL: unset): BYTE, CACHE_LINE,
 * CACHELINE or PAGE in any ASCII case, at most 10 bytes; otherwise -1.
 */
int parse_force_granularity(const char *value, size_t len);

/* PMEM2_FORCE_GRANULARITY of the process environment, read now as libpmem2 does per map. */
int forced_granularity_now(void);

/*
 * get_min_granularity in libpmem2's order: anonymous -> BYTE; private -> BYTE; the forced
 * value; no MAP_SYNC -> PAGE; no eADR -> CACHE_LINE; else BYTE. Sets *granularity and
 * *reason; returns 0, or EADR_FAILED when the eADR question failed.
 */
int granularity_decide(const struct granularity_facts *facts, int *granularity, int *reason);

#endif
