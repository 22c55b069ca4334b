/* persist.h -- pmem2_persist_fn / pmem2_flush_fn / pmem2_drain_fn by granularity (persist.c) */

#ifndef PMEM2_NATIVE_PERSIST_H
#define PMEM2_NATIVE_PERSIST_H

#include <stddef.h>

/* pmem2_persist_fn of a map with `granularity` over a checked range; 0 or -errno. */
int persist_range(int granularity, char *addr, size_t len);

/* pmem2_flush_fn of a map with `granularity` over a checked range; 0 or -errno. */
int flush_range(int granularity, char *addr, size_t len);

/* Whether persist/flush at `granularity` runs flush instructions over the mapped lines. */
int persist_touches_lines(int granularity);

/* msync(MS_SYNC) of a checked range whatever the granularity; noted in Last_op. */
int msync_op(char *addr, size_t len);

/* pmem2_drain_fn (the caller decides that PAGE needs none). */
void drain(void);

#endif
