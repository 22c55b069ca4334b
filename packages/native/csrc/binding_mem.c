/* binding_mem.c -- memcpy, memmove, memset and read calls on mapped memory */

#include <errno.h>

#include "bindings.h"
#include "guarded_call.h"
#include "handles.h"
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

/* memcpy(map, dstOffset, src, flags): memmove semantics, src may alias the mapping. */
napi_value
js_memcpy(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	struct map_record *map;
	uint64_t off;
	int32_t flags;
	char *src;
	size_t len;
	if (get_args(env, info, 4, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &off);
	if (st == THROWN || arg_bytes(env, argv[2], &src, &len) || arg_i32(env, argv[3], &flags))
		return NULL;
	if (st == 0)
		st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, off, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_MOVE, .granularity = map->granularity,
				.dst = map->addr + off, .src = src, .len = len,
				.flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* memmove(map, dstOffset, srcOffset, length, flags): within the mapping. */
napi_value
js_memmove(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	struct map_record *map;
	uint64_t dst, src, len;
	int32_t flags;
	if (get_args(env, info, 5, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &dst);
	if (st == 0)
		st = arg_index(env, argv[2], &src);
	if (st == 0)
		st = arg_index(env, argv[3], &len);
	if (st == THROWN || arg_i32(env, argv[4], &flags))
		return NULL;
	if (st == 0)
		st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, dst, len);
	if (st == 0)
		st = map_record_check_range(map, src, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_MOVE, .granularity = map->granularity,
				.dst = map->addr + dst, .src = map->addr + src, .len = (size_t)len,
				.flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* memset(map, dstOffset, value, length, flags). */
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
	if (st == 0)
		st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, dst, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_SET, .granularity = map->granularity,
				.dst = map->addr + dst, .len = (size_t)len, .value = value,
				.flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* read(map, srcOffset, dst): copies mapping bytes out. */
napi_value
js_read(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct map_record *map;
	uint64_t off;
	char *dst;
	size_t len;
	if (get_args(env, info, 3, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &off);
	if (st == THROWN || arg_bytes(env, argv[2], &dst, &len))
		return NULL;
	if (st == 0)
		st = map_record_check_range(map, off, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_READ);
	if (st == 0) {
		struct guarded_call c = {.op = OP_READ, .dst = dst, .src = map->addr + off,
				.len = len};
		st = guarded(map, &c);
	}
	return status(env, st);
}

