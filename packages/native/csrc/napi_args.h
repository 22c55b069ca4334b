/* napi_args.h -- argument unwrapping and value making shared by every binding_*.c */

#ifndef PMEM2_NATIVE_NAPI_ARGS_H
#define PMEM2_NATIVE_NAPI_ARGS_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

/* An argument conversion threw (or an N-API call failed and threw). */
#define THROWN 1

/* Throws the last N-API error unless an exception is already pending. */
void throw_napi(napi_env env, const char *what);

/*
 * Frees `owned`, the allocation a failed N-API call was to take over, and throws that call's
 * error (throw_napi); NULL, for the caller to return.
 */
void *free_and_throw(napi_env env, void *owned, const char *what);

/* Reads exactly `n` arguments (missing ones are undefined); THROWN on failure. */
int get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv);

/* get_args that also tells how many arguments the caller passed (*passed, may exceed n). */
int get_args_passed(napi_env env, napi_callback_info info, size_t n, napi_value *argv,
		size_t *passed);

/*
 * A `number` offset or length: NaN, negative, fractional or above 2^53 - 1 give
 * PMEM2_E_MAP_RANGE (never coerced); a non-number throws TypeError.
 */
int arg_index(napi_env env, napi_value v, uint64_t *out);

/* A `bigint` offset or size that must be a lossless uint64; else PMEM2_E_MAP_RANGE. */
int arg_u64(napi_env env, napi_value v, uint64_t *out);

/* A `bigint` as arg_u64 that must also be at most `max`; else PMEM2_E_MAP_RANGE. */
int arg_u64_max(napi_env env, napi_value v, uint64_t max, uint64_t *out);

/* `n` consecutive arg_index arguments into out[0..n); the first non-zero status, or 0. */
int arg_indexes(napi_env env, const napi_value *argv, size_t n, uint64_t *out);

/* An int32 (fd, flags, byte value); a non-number throws TypeError. */
int arg_i32(napi_env env, napi_value v, int32_t *out);

/* The bytes of an ArrayBufferView or ArrayBuffer (a detached one has length 0). */
int arg_bytes(napi_env env, napi_value v, char **data, size_t *len);

/*
 * The data of a typed array of `type` with `min` to `max` elements; NULL after throwing a
 * TypeError saying `what` for anything else.
 */
void *arg_typed_array(napi_env env, napi_value v, napi_typedarray_type type, size_t min,
		size_t max, const char *what);

/* The value an N-API call made into *out, or NULL after throwing that call's error. */
napi_value made(napi_env env, napi_status s, const napi_value *out, const char *call);

/* JS values, or NULL after throwing. */
napi_value number(napi_env env, double v);
napi_value boolean(napi_env env, int v);
napi_value bigint(napi_env env, uint64_t v);
napi_value string(napi_env env, const char *s);

/* A status (0, PMEM2_E_*, -errno) as a number: an int32, the cheapest number to make. */
napi_value status(napi_env env, int st);

/* A status as a number, unless something threw (st == THROWN). */
napi_value status_or_thrown(napi_env env, int st);

/* Sets obj[key] = value, or throws; THROWN on failure. */
int set_prop(napi_env env, napi_value obj, const char *key, napi_value value);

/*
 * Sets obj[key] to a typed array of `type` with `count` elements over the native memory
 * `data` (`bytes` long, never freed through it), or to null where the runtime forbids
 * external buffers; THROWN on failure.
 */
int set_external_view(napi_env env, napi_value obj, const char *key, void *data, size_t bytes,
		napi_typedarray_type type, size_t count);

/* The single argument of a one-argument call (undefined when missing); NULL after a throw. */
napi_value only_arg(napi_env env, napi_callback_info info);

/* The single map-handle argument of a one-argument call; NULL after a throw. */
struct map_record *only_map_arg(napi_env env, napi_callback_info info);

/* The single reservation-handle argument of a one-argument call; NULL after a throw. */
struct rsv_record *only_rsv_arg(napi_env env, napi_callback_info info);

#endif
