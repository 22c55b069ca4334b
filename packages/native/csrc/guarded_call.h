/* guarded_call.h -- one operation on mapped memory, run under the SIGBUS guard when it touches it */

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

/* Runs the operation directly (for the calls that touch no mapped memory). */
void run_op(void *ctx);

/* Runs the call under the SIGBUS/SIGSEGV guard of the map's range; the guard's or op's status. */
int guarded(struct map_record *map, struct guarded_call *c);

#endif
