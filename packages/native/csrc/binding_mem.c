/* binding_mem.c -- memcpy, memmove, memset and read calls on mapped memory */

#include <errno.h>

#include "bindings.h"
#include "flush.h"
#include "guarded_call.h"
#include "handles.h"
#include "memops.h"
#include "mmap.h"
#include "napi_args.h"
#include "records.h"
#include "status.h"

/*
 * Flags outside PMEM2_F_MEM_VALID_FLAGS are undefined behaviour in C (logged only in debug
 * builds); here they give -EINVAL.
 */
static int
check_flags(int32_t flags)
{
	return ((uint32_t)flags & ~PMEM2_F_MEM_VALID_FLAGS) ? -EINVAL : 0;
}

/* Whether the mapping's protection has every bit of `need`. */
static int
check_access(const struct map_record *map, unsigned need)
{
	return (map->protection & need) == need ? 0 : PMEM2_E_NO_ACCESS;
}

/*
 * The flags a store into the map runs with. A mapping without PROT_READ (write-only) takes
 * stores but no flush instruction: CLFLUSH/CLFLUSHOPT/CLWB are permission-checked as loads,
 * and so is DC CVAC/CVAP at EL0, so flushing lines that may not be read could fault. Its
 * stores therefore run as NOFLUSH (temporal stores, nothing touches the lines again) and
 * persist_unreadable makes them persistent without reading them.
 */
static unsigned
store_flags(const struct map_record *map, int32_t flags)
{
	if (map->protection & PMEM2_PROT_READ)
		return (unsigned)flags;
	return (unsigned)flags | PMEM2_F_MEM_NOFLUSH;
}

/*
 * What pmem2_memmove's final step would have made persistent on a write-only mapping, done
 * without touching its lines: msync (MS_SYNC) for PAGE and CACHE_LINE (on DAX the kernel
 * writes the lines back through its own mapping), the drain for BYTE. Nothing when the map
 * is readable (the routine flushed itself) or the caller asked for NOFLUSH.
 */
static int
persist_unreadable(const struct map_record *map, char *dst, size_t len, int32_t flags)
{
	if ((map->protection & PMEM2_PROT_READ) || (flags & PMEM2_F_MEM_NOFLUSH) || len == 0)
		return 0;
	if (map->granularity == GRANULARITY_BYTE) {
		if (!(flags & PMEM2_F_MEM_NODRAIN)) {
			flush_drain();
			Last_op.drained = 1;
		}
		return 0;
	}
	Last_op.msynced = 1;
	return msync_range(dst, len); /* touches no mapped memory: no guard needed */
}

/*
 * The checks of a mem call, in order: its flags, the destination range, the source range
 * (`src`, inside the mapping, or NULL), then the protection bits it `need`s.
 */
static int
check_call(const struct map_record *map, int32_t flags, uint64_t dst, const uint64_t *src,
		uint64_t len, unsigned need)
{
	int st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, dst, len);
	if (st == 0 && src)
		st = map_record_check_range(map, *src, len);
	return st ? st : check_access(map, need);
}

/*
 * The stores of memcpy or memset into [off, off + len) of the map (`c` holds the op, the
 * routines and the source or value): the checks, the guarded stores, persist_unreadable.
 */
static int
store(struct map_record *map, struct guarded_call *c, uint64_t off, uint64_t len,
		int32_t flags)
{
	int st = check_call(map, flags, off, NULL, len, PMEM2_PROT_WRITE);
	if (st)
		return st;
	c->dst = map->addr + off;
	c->len = (size_t)len;
	c->flags = store_flags(map, flags);
	st = guarded(map, c);
	return st ? st : persist_unreadable(map, c->dst, c->len, flags);
}

/* The leading (map, offset, bytes) arguments of memcpy and read. */
struct map_bytes_args {
	struct map_record *map;
	uint64_t off;
	int st; /* the offset's status: 0, or the range error to return */
	char *bytes;
	size_t len;
};

/* Reads `argc` arguments into argv and unwraps the first three into *a; THROWN on a throw. */
static int
map_bytes_args(napi_env env, napi_callback_info info, size_t argc, napi_value *argv,
		struct map_bytes_args *a)
{
	if (get_args(env, info, argc, argv) || !(a->map = handle_map(env, argv[0])))
		return THROWN;
	a->st = arg_index(env, argv[1], &a->off);
	if (a->st == THROWN || arg_bytes(env, argv[2], &a->bytes, &a->len))
		return THROWN;
	return 0;
}

/*
 * memcpy(map, dstOffset, src, flags): memmove semantics, src may alias the mapping. Needs
 * WRITE only: the stores never read the destination (a write-only map has no view, so src
 * cannot alias it).
 */
napi_value
js_memcpy(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	struct map_bytes_args a;
	int32_t flags;
	if (map_bytes_args(env, info, 4, argv, &a) || arg_i32(env, argv[3], &flags))
		return NULL;
	struct guarded_call c = {.op = OP_MOVE, .fns = a.map->fns, .src = a.bytes};
	return status(env, a.st ? a.st : store(a.map, &c, a.off, a.len, flags));
}

/* memmove(map, dstOffset, srcOffset, length, flags): inside the mapping, so READ|WRITE. */
napi_value
js_memmove(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	struct map_record *map;
	uint64_t arg[3]; /* dst, src, len */
	int32_t flags;
	if (get_args(env, info, 5, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_indexes(env, &argv[1], 3, arg);
	if (st == THROWN || arg_i32(env, argv[4], &flags))
		return NULL;
	if (st == 0)
		st = check_call(map, flags, arg[0], &arg[1], arg[2],
				PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_MOVE, .fns = map->fns,
				.dst = map->addr + arg[0], .src = map->addr + arg[1],
				.len = (size_t)arg[2], .flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* memset(map, dstOffset, value, length, flags): needs WRITE only, as memcpy. */
napi_value
js_memset(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	struct map_record *map;
	uint64_t dst, len;
	int32_t value, flags;
	if (get_args(env, info, 5, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &dst);
	if (st == THROWN || arg_i32(env, argv[2], &value))
		return NULL;
	if (st == 0)
		st = arg_index(env, argv[3], &len);
	if (st == THROWN || arg_i32(env, argv[4], &flags))
		return NULL;
	struct guarded_call c = {.op = OP_SET, .fns = map->fns, .value = value};
	return status(env, st ? st : store(map, &c, dst, len, flags));
}

/* read(map, srcOffset, dst): copies mapping bytes out. */
napi_value
js_read(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct map_bytes_args a;
	if (map_bytes_args(env, info, 3, argv, &a))
		return NULL;
	int st = a.st ? a.st : check_call(a.map, 0, a.off, NULL, a.len, PMEM2_PROT_READ);
	if (st == 0) {
		struct guarded_call c = {.op = OP_READ, .dst = a.bytes, .src = a.map->addr + a.off,
				.len = a.len};
		st = guarded(a.map, &c);
	}
	return status(env, st);
}
