/* binding_faults.c -- mapLost: the pages of a mapping the SIGBUS handler replaced with zeros */

#include "bindings.h"
#include "fault_table.h"
#include "handles.h"
#include "napi_args.h"
#include "records.h"
#include "status.h"

/* The cause names of enum fault_cause, as types.ts LostRange['cause'] spells them. */
static const char *const Cause_names[] = {"no-space", "truncated", "no-space", "media-error"};

/* Sets obj[key] = a double; 0, or -1 when an N-API call failed. */
static int
set_number(napi_env env, napi_value obj, const char *key, double v)
{
	napi_value n;
	if (napi_create_double(env, v, &n) != napi_ok ||
			napi_set_named_property(env, obj, key, n) != napi_ok)
		return -1;
	return 0;
}

/*
 * mapLost(map): the lost ranges as [{offset, length, cause}] sorted by offset (empty when
 * none); PMEM2_E_MAPPING_NOT_FOUND once deleted.
 */
napi_value
js_map_lost(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	struct map_record *map;
	if (get_args(env, info, 1, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	if (!map->addr)
		return status(env, PMEM2_E_MAPPING_NOT_FOUND);
	struct fault_lost lost[FAULT_LOST_MAX + 1];
	size_t n = map->fault ? fault_slot_lost(map->fault, lost, FAULT_LOST_MAX + 1) : 0;
	napi_value out;
	if (napi_create_array_with_length(env, n, &out) != napi_ok) {
		throw_napi(env, "napi_create_array_with_length");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		napi_value obj, cause;
		if (napi_create_object(env, &obj) != napi_ok ||
				set_number(env, obj, "offset", (double)lost[i].offset) ||
				set_number(env, obj, "length", (double)lost[i].length) ||
				napi_create_string_utf8(env, Cause_names[lost[i].cause], NAPI_AUTO_LENGTH,
						&cause) != napi_ok ||
				napi_set_named_property(env, obj, "cause", cause) != napi_ok ||
				napi_set_element(env, out, (uint32_t)i, obj) != napi_ok) {
			throw_napi(env, "mapLost");
			return NULL;
		}
	}
	return out;
}

/*
 * Defines exports.faultRepairs: a Uint32Array of one element over the process-wide repair
 * counter (read-only for JavaScript by contract: native never reads it back), or null where
 * the runtime forbids external buffers. THROWN on failure.
 */
int
faults_define_counter(napi_env env, napi_value exports)
{
	return set_external_view(env, exports, "faultRepairs", fault_repairs_counter(),
			sizeof(uint32_t), napi_uint32_array, 1);
}
