/* binding_map.c -- pmem2_map_new / pmem2_map_delete calls and the mapping getters */

#include <errno.h>

#include "bindings.h"
#include "handles.h"
#include "napi_args.h"
#include "persist.h"
#include "records.h"
#include "status.h"

/* mapNew(fd, offset, length, protection, privateMapping, alignment, rsv, rsvOffset). */
napi_value
js_map_new(napi_env env, napi_callback_info info)
{
	napi_value argv[8];
	int32_t fd;
	uint64_t offset, length, alignment, rsv_offset;
	uint32_t protection;
	bool private_mapping;
	if (get_args(env, info, 8, argv) || arg_i32(env, argv[0], &fd))
		return NULL;
	if (napi_get_value_uint32(env, argv[3], &protection) != napi_ok ||
			napi_get_value_bool(env, argv[4], &private_mapping) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected protection: number, privateMapping: boolean");
		return NULL;
	}
	int st = arg_u64(env, argv[1], &offset);
	if (st == 0)
		st = arg_u64(env, argv[2], &length);
	if (st == 0)
		st = arg_index(env, argv[5], &alignment);
	if (st == 0)
		st = arg_u64(env, argv[7], &rsv_offset);
	if (st == THROWN)
		return NULL;
	struct rsv_record *rsv = NULL;
	napi_valuetype t;
	if (napi_typeof(env, argv[6], &t) != napi_ok) {
		throw_napi(env, "napi_typeof");
		return NULL;
	}
	if (t != napi_null && t != napi_undefined && !(rsv = handle_rsv(env, argv[6])))
		return NULL;
	if (st == 0 && (length > SIZE_MAX || rsv_offset > SIZE_MAX || alignment > SIZE_MAX))
		st = PMEM2_E_MAP_RANGE;
	struct map_record *map = NULL;
	if (st == 0)
		st = map_record_new(fd, offset, (size_t)length, protection, private_mapping,
				(size_t)alignment, rsv, (size_t)rsv_offset, &map);
	if (st)
		return status(env, st);
	return handle_new_map(env, map);
}

/* mapNewFailedStep(): which mmap of the last failed mapNew on this thread failed. */
napi_value
js_map_new_failed_step(napi_env env, napi_callback_info info)
{
	(void)info;
	static const char *const names[] = {"none", "placeholder", "mmap", "placeholder-trim"};
	return string(env, names[Map_new_failed_step]);
}

/* mapSyncTaken(map). */
napi_value
js_map_sync_taken(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? boolean(env, map->addr && map->map_sync) : NULL;
}

/* mapAddress(map): 0n after delete. */
napi_value
js_map_address(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? bigint(env, (uintptr_t)map->addr) : NULL;
}

/* mapSize(map): 0 after delete. */
napi_value
js_map_size(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? number(env, map->addr ? (double)map->content_len : 0) : NULL;
}

/* mapSetGranularity(map, granularity). */
napi_value
js_map_set_granularity(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct map_record *map;
	int32_t g;
	if (get_args(env, info, 2, argv) || !(map = handle_map(env, argv[0])) ||
			arg_i32(env, argv[1], &g))
		return NULL;
	if (!map->addr)
		return status(env, PMEM2_E_MAPPING_NOT_FOUND);
	if (g < GRANULARITY_BYTE || g > GRANULARITY_PAGE)
		return status(env, -EINVAL);
	map->granularity = g;
	map->fns = map_fns_for(g);
	return status(env, 0);
}

/* mapBuffer(map): the one external ArrayBuffer, or a status. */
napi_value
js_map_buffer(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	if (!map)
		return NULL;
	napi_value ab;
	int st = handle_map_buffer(env, map, &ab);
	if (st == HANDLE_NAPI_FAILED) {
		throw_napi(env, "napi_create_external_arraybuffer");
		return NULL;
	}
	return st ? status(env, st) : ab;
}

/* mapDelete(map). */
napi_value
js_map_delete(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? status(env, handle_map_delete(env, map)) : NULL;
}

