/* flush.h -- cache-line flush and drain of the current architecture (x86_64/flush.h) */

#ifndef PMEM2_NATIVE_FLUSH_H
#define PMEM2_NATIVE_FLUSH_H

#include <stddef.h>

#include "cpu.h"

#define FLUSH_ALIGN ((size_t)64)

typedef void (*flush_fn)(const void *addr, size_t len);

/* The loop over 64-byte lines for `kind` (a no-op for FLUSH_NONE). */
flush_fn flush_fn_for(enum flush_kind kind);

/* pmem2_drain: sfence (x86_64), dmb ishst (aarch64, libpmem2's fence), a full fence elsewhere. */
void flush_drain(void);

/* The "empty" flush of libpmem2's eADR routines. */
void flush_empty(const void *addr, size_t len);

#endif
