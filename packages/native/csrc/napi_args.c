/* napi_args.c -- argument unwrapping and value making shared by every binding_*.c */

#include "napi_args.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "status.h"

/* Largest integer a double holds exactly: 2^53 - 1. */
#define MAX_SAFE_INTEGER 9007199254740991.0

/* Throws the last N-API error unless an exception is already pending. */
void
throw_napi(napi_env env, const char *what)
{
	bool pending = false;
	napi_is_exception_pending(env, &pending);
	if (pending)
		return;
	const napi_extended_error_info *info = NULL;
	napi_get_last_error_info(env, &info);
	char msg[256];
	const char *detail = info && info->error_message ? info->error_message : "unknown error";
	strncpy(msg, what, sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	size_t used = strlen(msg);
	if (used + 2 < sizeof(msg)) {
		strncat(msg, ": ", sizeof(msg) - used - 1);
		strncat(msg, detail, sizeof(msg) - strlen(msg) - 1);
	}
	napi_throw_error(env, NULL, msg);
}

/* Frees what a failed N-API call was to own, then throws its error. */
void *
free_and_throw(napi_env env, void *owned, const char *what)
{
	free(owned);
	throw_napi(env, what);
	return NULL;
}

/* get_args that also tells how many arguments the caller passed (*passed, may exceed n). */
int
get_args_passed(napi_env env, napi_callback_info info, size_t n, napi_value *argv,
		size_t *passed)
{
	*passed = n;
	if (napi_get_cb_info(env, info, passed, argv, NULL, NULL) != napi_ok) {
		throw_napi(env, "napi_get_cb_info");
		return THROWN;
	}
	return 0;
}

/* Reads exactly `n` arguments (missing ones are undefined); THROWN on failure. */
int
get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv)
{
	size_t passed;
	return get_args_passed(env, info, n, argv, &passed);
}

/*
 * A `number` offset or length: NaN, negative, fractional or above 2^53 - 1 give
 * PMEM2_E_MAP_RANGE (never coerced); a non-number throws TypeError.
 */
int
arg_index(napi_env env, napi_value v, uint64_t *out)
{
	double d;
	if (napi_get_value_double(env, v, &d) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected a number");
		return THROWN;
	}
	if (!(d >= 0) || d > MAX_SAFE_INTEGER || d != (double)(uint64_t)d)
		return PMEM2_E_MAP_RANGE;
	*out = (uint64_t)d;
	return 0;
}

/* A `bigint` offset or size that must be a lossless uint64; else PMEM2_E_MAP_RANGE. */
int
arg_u64(napi_env env, napi_value v, uint64_t *out)
{
	bool lossless = false;
	if (napi_get_value_bigint_uint64(env, v, out, &lossless) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected a bigint");
		return THROWN;
	}
	return lossless ? 0 : PMEM2_E_MAP_RANGE;
}

/* A `bigint` as arg_u64 that must also be at most `max`; else PMEM2_E_MAP_RANGE. */
int
arg_u64_max(napi_env env, napi_value v, uint64_t max, uint64_t *out)
{
	int st = arg_u64(env, v, out);
	return st == 0 && *out > max ? PMEM2_E_MAP_RANGE : st;
}

/* `n` consecutive arg_index arguments into out[0..n); the first non-zero status, or 0. */
int
arg_indexes(napi_env env, const napi_value *argv, size_t n, uint64_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int st = arg_index(env, argv[i], &out[i]);
		if (st)
			return st;
	}
	return 0;
}

/* An int32 (fd, flags, byte value); a non-number throws TypeError. */
int
arg_i32(napi_env env, napi_value v, int32_t *out)
{
	if (napi_get_value_int32(env, v, out) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected a number");
		return THROWN;
	}
	return 0;
}

/* The bytes of an ArrayBufferView or ArrayBuffer (a detached one has length 0). */
int
arg_bytes(napi_env env, napi_value v, char **data, size_t *len)
{
	bool is = false;
	void *p = NULL;
	size_t n = 0;
	if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
		napi_typedarray_type type;
		size_t count;
		if (napi_get_typedarray_info(env, v, &type, &count, &p, NULL, NULL) != napi_ok)
			goto fail;
		size_t elem = 1;
		switch (type) {
		case napi_int16_array:
		case napi_uint16_array:
			elem = 2;
			break;
		case napi_int32_array:
		case napi_uint32_array:
		case napi_float32_array:
			elem = 4;
			break;
		case napi_float64_array:
		case napi_bigint64_array:
		case napi_biguint64_array:
			elem = 8;
			break;
		default:
			elem = 1;
		}
		n = count * elem;
	} else if (napi_is_dataview(env, v, &is) == napi_ok && is) {
		if (napi_get_dataview_info(env, v, &n, &p, NULL, NULL) != napi_ok)
			goto fail;
	} else if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
		if (napi_get_arraybuffer_info(env, v, &p, &n) != napi_ok)
			goto fail;
	} else {
		napi_throw_type_error(env, NULL, "expected an ArrayBufferView or ArrayBuffer");
		return THROWN;
	}
	*data = p;
	*len = p ? n : 0;
	return 0;
fail:
	throw_napi(env, "reading the buffer argument");
	return THROWN;
}

/* The value an N-API call made into *out, or NULL after throwing that call's error. */
napi_value
made(napi_env env, napi_status s, const napi_value *out, const char *call)
{
	if (s != napi_ok) {
		throw_napi(env, call);
		return NULL;
	}
	return *out;
}

/* A JS number. */
napi_value
number(napi_env env, double v)
{
	napi_value out = NULL;
	return made(env, napi_create_double(env, v, &out), &out, "napi_create_double");
}

/* A JS boolean. */
napi_value
boolean(napi_env env, int v)
{
	napi_value out = NULL;
	return made(env, napi_get_boolean(env, v != 0, &out), &out, "napi_get_boolean");
}

/* A JS bigint. */
napi_value
bigint(napi_env env, uint64_t v)
{
	napi_value out = NULL;
	return made(env, napi_create_bigint_uint64(env, v, &out), &out,
			"napi_create_bigint_uint64");
}

/* A JS string. */
napi_value
string(napi_env env, const char *s)
{
	napi_value out = NULL;
	return made(env, napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out), &out,
			"napi_create_string_utf8");
}

/* A status (0, PMEM2_E_*, -errno) as a number: an int32, the cheapest number to make. */
napi_value
status(napi_env env, int st)
{
	napi_value out = NULL;
	return made(env, napi_create_int32(env, st, &out), &out, "napi_create_int32");
}

/* Sets obj[key] = value, or throws. */
int
set_prop(napi_env env, napi_value obj, const char *key, napi_value value)
{
	if (value == NULL || napi_set_named_property(env, obj, key, value) != napi_ok) {
		throw_napi(env, "napi_set_named_property");
		return THROWN;
	}
	return 0;
}

/* Sets obj[key] to a typed array over native memory, or to null without external buffers. */
int
set_external_view(napi_env env, napi_value obj, const char *key, void *data, size_t bytes,
		napi_typedarray_type type, size_t count)
{
	napi_value ab, view;
	napi_status s = napi_create_external_arraybuffer(env, data, bytes, NULL, NULL, &ab);
	if (s == napi_no_external_buffers_allowed) {
		if (napi_get_null(env, &view) != napi_ok)
			return THROWN;
	} else if (s != napi_ok || napi_create_typedarray(env, type, count, ab, 0, &view) != napi_ok) {
		throw_napi(env, "napi_create_typedarray");
		return THROWN;
	}
	return set_prop(env, obj, key, view);
}

/* A status as a number, unless something threw. */
napi_value
status_or_thrown(napi_env env, int st)
{
	return st == THROWN ? NULL : status(env, st);
}

/* The single argument of a one-argument call (undefined when missing); NULL after a throw. */
napi_value
only_arg(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	return get_args(env, info, 1, argv) ? NULL : argv[0];
}

/* Unwraps the single reservation-handle argument of the getters and of delete. */
struct rsv_record *
only_rsv_arg(napi_env env, napi_callback_info info)
{
	napi_value v = only_arg(env, info);
	return v ? handle_rsv(env, v) : NULL;
}


/* Unwraps the single map-handle argument of the getters. */
struct map_record *
only_map_arg(napi_env env, napi_callback_info info)
{
	napi_value v = only_arg(env, info);
	return v ? handle_map(env, v) : NULL;
}


/* The data of a typed array of `type` with `min` to `max` elements, or NULL after a TypeError. */
void *
arg_typed_array(napi_env env, napi_value v, napi_typedarray_type type, size_t min, size_t max,
		const char *what)
{
	bool is_typedarray;
	napi_typedarray_type got;
	size_t length = 0;
	void *data = NULL;
	if (napi_is_typedarray(env, v, &is_typedarray) != napi_ok || !is_typedarray ||
			napi_get_typedarray_info(env, v, &got, &length, &data, NULL, NULL) != napi_ok ||
			got != type || length < min || length > max || !data) {
		napi_throw_type_error(env, NULL, what);
		return NULL;
	}
	return data;
}
