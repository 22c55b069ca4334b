/* binding_map.c -- pmem2_map_new / pmem2_map_delete calls and the mapping getters */

#include <errno.h>

#include "bindings.h"
#include "granularity.h"
#include "handles.h"
#include "napi_args.h"
#include "persist.h"
#include "records.h"
#include "status.h"

/* The slots of the Float64Array that mapNew and granularityDecide fill (types.ts MapNewSlot). */
enum map_new_slot {
	SLOT_ADDRESS = 0,
	SLOT_MAP_SYNC = 1,
	SLOT_GRANULARITY = 2,
	SLOT_REASON = 3,
	SLOT_PERSIST_KIND = 4,
	SLOT_FAILED_STEP = 5,
	MAP_NEW_SLOTS = 6,
};

/* The slots of a Float64Array of at least MAP_NEW_SLOTS elements; NULL after throwing. */
static double *
result_slots(napi_env env, napi_value v)
{
	return arg_typed_array(env, v, napi_float64_array, MAP_NEW_SLOTS, SIZE_MAX,
			"expected result: a Float64Array of 6 elements");
}

/* The eADR question of one call: a JavaScript function, asked at most once. */
struct eadr_question {
	napi_env env;
	napi_value fn; /* NULL: no eADR */
	bool asked;
};

/* The eADR argument: a function, or null/undefined for "no eADR"; THROWN otherwise. */
static int
arg_eadr(napi_env env, napi_value v, struct eadr_question *q)
{
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok) {
		throw_napi(env, "napi_typeof");
		return THROWN;
	}
	*q = (struct eadr_question){.env = env, .fn = t == napi_function ? v : NULL};
	if (t != napi_function && t != napi_null && t != napi_undefined) {
		napi_throw_type_error(env, NULL, "expected eADR: a function returning a boolean, or null");
		return THROWN;
	}
	return 0;
}

/* Calls the eADR function: 1, 0, or EADR_FAILED with its exception (or a TypeError) pending. */
static int
ask_eadr(void *ctx)
{
	struct eadr_question *q = ctx;
	if (!q->fn)
		return 0;
	q->asked = true;
	napi_value recv, answer;
	bool yes;
	if (napi_get_undefined(q->env, &recv) != napi_ok ||
			napi_call_function(q->env, recv, q->fn, 0, NULL, &answer) != napi_ok) {
		throw_napi(q->env, "napi_call_function");
		return EADR_FAILED;
	}
	if (napi_get_value_bool(q->env, answer, &yes) != napi_ok) {
		napi_throw_type_error(q->env, NULL, "the eADR function must return a boolean");
		return EADR_FAILED;
	}
	return yes;
}

/* A granularity argument: enum granularity, or `allow_none` -1; else -EINVAL. */
static int
check_granularity(int32_t g, bool allow_none)
{
	return (g >= GRANULARITY_BYTE && g <= GRANULARITY_PAGE) || (allow_none && g == -1)
			? 0
			: -EINVAL;
}

/* parse_force_granularity of a JavaScript string (longer than any value: -1); THROWN on failure. */
static int
parse_js_force_granularity(napi_env env, napi_value v, int *forced)
{
	size_t len;
	char buf[12];
	if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
		throw_napi(env, "napi_get_value_string_utf8");
		return THROWN;
	}
	if (len >= sizeof(buf)) {
		*forced = -1;
		return 0;
	}
	if (napi_get_value_string_utf8(env, v, buf, sizeof(buf), &len) != napi_ok) {
		throw_napi(env, "napi_get_value_string_utf8");
		return THROWN;
	}
	*forced = parse_force_granularity(buf, len);
	return 0;
}

/*
 * mapNew's PMEM2_FORCE_GRANULARITY argument: a string to parse, undefined/null for unset;
 * not passed at all (`passed` false): the process environment now. THROWN otherwise.
 */
static int
arg_force_granularity(napi_env env, napi_value v, bool passed, int *forced)
{
	if (!passed) {
		*forced = forced_granularity_now();
		return 0;
	}
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok) {
		throw_napi(env, "napi_typeof");
		return THROWN;
	}
	if (t == napi_string)
		return parse_js_force_granularity(env, v, forced);
	if (t != napi_null && t != napi_undefined) {
		napi_throw_type_error(env, NULL,
				"expected PMEM2_FORCE_GRANULARITY: a string, undefined or null");
		return THROWN;
	}
	*forced = -1;
	return 0;
}

/*
 * mapNew(fd, offset, length, protection, privateMapping, alignment, rsv, rsvOffset,
 * requiredGranularity, eADR, result[, forceGranularity]): the handle or a status; `result`
 * tells the rest. Without a 12th argument PMEM2_FORCE_GRANULARITY comes from getenv.
 */
napi_value
js_map_new(napi_env env, napi_callback_info info)
{
	napi_value argv[12];
	size_t passed;
	int32_t fd, required;
	int forced;
	uint64_t offset, length, alignment, rsv_offset;
	uint32_t protection;
	bool private_mapping;
	struct eadr_question eadr;
	if (get_args_passed(env, info, 12, argv, &passed) || arg_i32(env, argv[0], &fd) ||
			arg_i32(env, argv[8], &required) || arg_eadr(env, argv[9], &eadr) ||
			arg_force_granularity(env, argv[11], passed >= 12, &forced))
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
	double *slots = result_slots(env, argv[10]);
	if (!slots)
		return NULL;
	if (st == 0 && (length > SIZE_MAX || rsv_offset > SIZE_MAX || alignment > SIZE_MAX))
		st = PMEM2_E_MAP_RANGE;
	if (st == 0)
		st = check_granularity(required, false);
	struct map_new_outcome outcome = {.failed_step = MAP_NEW_STEP_NONE};
	struct map_record *map = NULL;
	if (st == 0) {
		struct map_new_request req = {
			.fd = fd,
			.offset = offset,
			.length = (size_t)length,
			.protection = protection,
			.private_mapping = private_mapping,
			.alignment = (size_t)alignment,
			.rsv = rsv,
			.rsv_offset = (size_t)rsv_offset,
			.required_granularity = required,
			.forced_granularity = forced,
			.eadr = ask_eadr,
			.eadr_ctx = &eadr,
		};
		st = map_record_new(&req, &outcome, &map);
	}
	if (st == MAP_NEW_EADR_FAILED)
		return NULL;
	/* the eADR function may have detached or resized the result's buffer: look again */
	if (eadr.asked && !(slots = result_slots(env, argv[10]))) {
		if (st == 0)
			map_record_put(map);
		return NULL;
	}
	slots[SLOT_ADDRESS] = st ? 0 : (double)(uintptr_t)map->addr;
	slots[SLOT_MAP_SYNC] = outcome.map_sync;
	slots[SLOT_GRANULARITY] = outcome.granularity;
	slots[SLOT_REASON] = outcome.reason;
	slots[SLOT_PERSIST_KIND] = st ? 0 : map->fns->kind;
	slots[SLOT_FAILED_STEP] = outcome.failed_step;
	if (st)
		return status(env, st);
	return handle_new_map(env, map);
}

/*
 * granularityDecide(anonymous, privateMapping, forced, mapSync, eADR, result): the rule of
 * mapNew alone, for a mapping described by facts; fills the granularity slots of `result`.
 */
napi_value
js_granularity_decide(napi_env env, napi_callback_info info)
{
	napi_value argv[6];
	bool anonymous, private_mapping, map_sync;
	int32_t forced;
	struct eadr_question eadr;
	if (get_args(env, info, 6, argv) || arg_i32(env, argv[2], &forced) ||
			arg_eadr(env, argv[4], &eadr))
		return NULL;
	if (napi_get_value_bool(env, argv[0], &anonymous) != napi_ok ||
			napi_get_value_bool(env, argv[1], &private_mapping) != napi_ok ||
			napi_get_value_bool(env, argv[3], &map_sync) != napi_ok) {
		napi_throw_type_error(env, NULL,
				"expected anonymous, privateMapping and mapSync: boolean");
		return NULL;
	}
	if (!result_slots(env, argv[5]))
		return NULL;
	int st = check_granularity(forced, true);
	if (st)
		return status(env, st);
	struct granularity_facts facts = {
		.anonymous = anonymous,
		.private_mapping = private_mapping,
		.forced = forced,
		.map_sync = map_sync,
		.eadr = ask_eadr,
		.eadr_ctx = &eadr,
	};
	int granularity, reason;
	if (granularity_decide(&facts, &granularity, &reason) == EADR_FAILED)
		return NULL;
	double *slots = result_slots(env, argv[5]);
	if (!slots)
		return NULL;
	slots[SLOT_GRANULARITY] = granularity;
	slots[SLOT_REASON] = reason;
	slots[SLOT_PERSIST_KIND] = map_fns_for(granularity)->kind;
	return status(env, 0);
}

/* forceGranularity(value?): parse_force_granularity of a string, or of the environment now. */
napi_value
js_force_granularity(napi_env env, napi_callback_info info)
{
	napi_value v = only_arg(env, info);
	napi_valuetype t;
	if (!v || napi_typeof(env, v, &t) != napi_ok) {
		throw_napi(env, "napi_typeof");
		return NULL;
	}
	if (t == napi_undefined)
		return number(env, forced_granularity_now());
	if (t != napi_string) {
		napi_throw_type_error(env, NULL, "expected value: a string or undefined");
		return NULL;
	}
	int forced;
	return parse_js_force_granularity(env, v, &forced) ? NULL : number(env, forced);
}

/* mapSize(map): 0 after delete. */
napi_value
js_map_size(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? number(env, map->addr ? (double)map->content_len : 0) : NULL;
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

