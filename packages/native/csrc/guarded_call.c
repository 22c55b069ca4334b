/* guarded_call.c -- one operation on mapped memory, and the report of pages lost under it */

#include <string.h>

#include "guarded_call.h"
#include "fault_table.h"
#include "memops.h"
#include "persist.h"

/* Runs the operation. */
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

/* Whether p lies inside the mapping's address range. */
static int
inside(const struct map_record *map, const char *p)
{
	return p >= map->addr && p < map->addr + map->reserved_len;
}

/*
 * The losses a call over the mapping reports, after it ran: none while the mapping never
 * faulted (one load); else PMEM2_E_IO_FAIL once for every new loss, and for every call whose
 * range of the mapping overlaps a lost page.
 */
int
report_losses(struct map_record *map, const char *a, const char *b, size_t len)
{
	if (__builtin_expect(fault_slot_nlost(map->fault) == 0, 1))
		return 0;
	int st = 0;
	if (a && inside(map, a))
		st = fault_slot_check(map->fault, a, len);
	if (st == 0 && b && inside(map, b))
		st = fault_slot_check(map->fault, b, len);
	if (st == 0 && !(a && inside(map, a)) && !(b && inside(map, b)))
		st = fault_slot_check(map->fault, map->addr, 0);
	return st;
}

/*
 * Runs the call. A SIGBUS it raises on the mapping is repaired by the process handler
 * (guard.c), so no per-call guard is needed; the loss is reported after the operation.
 */
int
guarded(struct map_record *map, struct guarded_call *c)
{
	run_op(c);
	int st = report_losses(map, c->dst, c->src, c->len);
	return st ? st : c->result;
}
