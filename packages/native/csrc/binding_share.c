/* binding_share.c -- mapShare, mapOpenShared, mapSharers: one mapping in several realms */

#include <string.h>

#include "bindings.h"
#include "handles.h"
#include "napi_args.h"
#include "persist.h"
#include "shared_maps.h"
#include "status.h"

/* The slots of mapOpenShared's result, as share-types.ts SharedMapSlot numbers them. */
enum {
	SLOT_ADDRESS,
	SLOT_SIZE,
	SLOT_PROTECTION,
	SLOT_MAP_SYNC,
	SLOT_GRANULARITY,
	SLOT_PERSIST_KIND,
	SLOT_REFUSAL,
	SHARED_SLOTS
};

/* The bytes of a Uint8Array of exactly SHARE_TOKEN_BYTES; NULL after a TypeError. */
static uint8_t *
token_arg(napi_env env, napi_value v)
{
	return arg_typed_array(env, v, napi_uint8_array, SHARE_TOKEN_BYTES, SHARE_TOKEN_BYTES,
			"expected a share token: a Uint8Array of 32 bytes");
}

/* mapShare(map, token): writes a new single-use token of the mapping; a status. */
napi_value
js_map_share(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct map_record *map;
	uint8_t *out;
	if (get_args(env, info, 2, argv) || !(map = handle_map(env, argv[0])) ||
			!(out = token_arg(env, argv[1])))
		return NULL;
	uint8_t token[SHARE_TOKEN_BYTES];
	int st = shared_map_share(map, token);
	if (st == 0)
		memcpy(out, token, sizeof(token));
	return status(env, st);
}

/*
 * mapOpenShared(token, result): this realm's view of the shared mapping (a new handle), or a
 * status; `result` (Float64Array of 7) gets the view's facts, or why the token was refused.
 */
napi_value
js_map_open_shared(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	uint8_t *bytes;
	double *slots;
	if (get_args(env, info, 2, argv) || !(bytes = token_arg(env, argv[0])) ||
			!(slots = arg_typed_array(env, argv[1], napi_float64_array, SHARED_SLOTS,
					  SIZE_MAX, "expected result: a Float64Array of 7 elements")))
		return NULL;
	uint8_t token[SHARE_TOKEN_BYTES];
	memcpy(token, bytes, sizeof(token));
	struct map_record *view = NULL;
	enum share_refusal why = SHARE_OPENED;
	int st = shared_map_open(token, &view, &why);
	memset(slots, 0, SHARED_SLOTS * sizeof(*slots));
	slots[SLOT_REFUSAL] = why;
	if (st)
		return status(env, st);
	slots[SLOT_ADDRESS] = (double)(uintptr_t)view->addr;
	slots[SLOT_SIZE] = (double)view->content_len;
	slots[SLOT_PROTECTION] = view->protection;
	slots[SLOT_MAP_SYNC] = view->map_sync;
	slots[SLOT_GRANULARITY] = view->granularity;
	slots[SLOT_PERSIST_KIND] = view->fns->kind;
	return handle_new_map(env, view);
}

/* mapSharers(map): how many realms' views hold the mapping (0 once this one deleted it). */
napi_value
js_map_sharers(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? number(env, shared_map_holders(map)) : NULL;
}
