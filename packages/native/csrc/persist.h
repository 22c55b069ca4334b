/* persist.h -- the routine table of a map (persist.c pmem2_set_flush_fns, pmem2_set_mem_fns) */

#ifndef PMEM2_NATIVE_PERSIST_H
#define PMEM2_NATIVE_PERSIST_H

#include <stddef.h>

/*
 * How a map's persist works, reported to TypeScript (types.ts PersistKind):
 * msync (PAGE, or CACHE_LINE on a CPU without a flush instruction), flush (CACHE_LINE: the
 * flush instruction over the lines, then the drain), fence (BYTE on x86_64: a store fence
 * only, which JavaScript may issue itself as a locked instruction) and drain (BYTE elsewhere:
 * the architecture's drain, which only native code can issue).
 */
enum persist_kind { PERSIST_MSYNC, PERSIST_FLUSH, PERSIST_FENCE, PERSIST_DRAIN };

/*
 * The routines of one map, chosen once from its granularity and the CPU's flush instruction,
 * as libpmem2's pmem2_set_flush_fns and pmem2_set_mem_fns choose them in pmem2_map_new.
 * Every range is already checked against the map by the caller.
 */
struct map_fns {
	enum persist_kind kind;
	/* pmem2_persist_fn / pmem2_flush_fn: 0 or -errno (msync) */
	int (*persist)(char *addr, size_t len);
	int (*flush)(char *addr, size_t len);
	/* pmem2_drain_fn (a no-op for msync) */
	void (*drain)(void);
	/* pmem2_memmove_fn / pmem2_memset_fn: 0 or -errno (msync) */
	int (*move)(char *dst, const char *src, size_t len, unsigned flags);
	int (*set)(char *dst, int c, size_t len, unsigned flags);
	/* persist and flush run flush instructions over the mapped lines (they can fault) */
	int touches_lines;
};

/* The table of a map with `granularity` (enum granularity) on this CPU. */
const struct map_fns *map_fns_for(int granularity);

/* The name of a persist kind, as types.ts PersistKind spells it. */
const char *persist_kind_name(enum persist_kind kind);

/* msync(MS_SYNC) of a checked range whatever the granularity; noted in Last_op. */
int msync_op(char *addr, size_t len);

/* pmem2_drain of CACHE_LINE and BYTE maps: sfence / dmb ishst; noted in Last_op. */
void drain(void);

#endif
