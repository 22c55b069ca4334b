/* guarded_call.c -- one operation on mapped memory, run under the SIGBUS guard when it touches it */

#include <string.h>

#include "guarded_call.h"
#include "guard.h"
#include "memops.h"
#include "persist.h"

/* Runs the operation (inside guard_run when it touches mapped memory). */
void
run_op(void *ctx)
{
	struct guarded_call *c = ctx;
	switch (c->op) {
	case OP_PERSIST:
		c->result = c->fns->persist(c->dst, c->len);
		break;
	case OP_FLUSH:
		c->result = c->fns->flush(c->dst, c->len);
		break;
	case OP_MSYNC:
		c->result = msync_op(c->dst, c->len);
		break;
	case OP_MOVE:
		c->result = c->fns->move(c->dst, c->src, c->len, c->flags);
		break;
	case OP_SET:
		c->result = c->fns->set(c->dst, c->value, c->len, c->flags);
		break;
	case OP_READ:
		memmove(c->dst, c->src, c->len); /* SAFETY: both ranges checked by the caller */
		c->result = 0;
		break;
	}
}

/* Runs the call under the SIGBUS/SIGSEGV guard of the map's range. */
int
guarded(struct map_record *map, struct guarded_call *c)
{
	int st = guard_run(map->addr, map->reserved_len, run_op, c);
	return st ? st : c->result;
}

