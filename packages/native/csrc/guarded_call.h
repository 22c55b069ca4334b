/* guarded_call.h -- one operation on mapped memory, and the report of pages lost under it */

#ifndef PMEM2_NATIVE_GUARDED_CALL_H
#define PMEM2_NATIVE_GUARDED_CALL_H

#include <stddef.h>

#include "persist.h"
#include "records.h"

/* The operation a guarded call performs on mapped memory. */
enum guarded_op { OP_PERSIST, OP_FLUSH, OP_MSYNC, OP_MOVE, OP_SET, OP_READ };

struct guarded_call {
	enum guarded_op op;
	const struct map_fns *fns; /* the map's routine table (persist.h) */
	char *dst;
	const char *src;
	size_t len;
	int value;
	unsigned flags;
	int result;
};

/* Runs the operation. */
void run_op(void *ctx);

/*
 * After a call over the mapping ([a or b, +len) where inside it): 0, or PMEM2_E_IO_FAIL for a
 * loss not reported yet or a range over a lost page.
 */
int report_losses(struct map_record *map, const char *a, const char *b, size_t len);

/* Runs the call, then reports losses; the loss's or the op's status. */
int guarded(struct map_record *map, struct guarded_call *c);

#endif
