/* handles.h -- type-tagged N-API handles for records, and the mapping's one ArrayBuffer */

#ifndef PMEM2_NATIVE_HANDLES_H
#define PMEM2_NATIVE_HANDLES_H

#include <node_api.h>

#include "records.h"

/*
 * Wraps a new map record in a tagged external that takes over its reference (also on failure);
 * NULL after throwing.
 */
napi_value handle_new_map(napi_env env, struct map_record *map);

/* Wraps a new reservation record as handle_new_map does. */
napi_value handle_new_rsv(napi_env env, struct rsv_record *rsv);

/* The map record behind a handle; NULL with a pending TypeError for anything else. */
struct map_record *handle_map(napi_env env, napi_value value);

/* The reservation record behind a handle; NULL with a pending TypeError otherwise. */
struct rsv_record *handle_rsv(napi_env env, napi_value value);

/* handle_map_buffer's "an N-API call failed" result: the binding throws. */
#define HANDLE_NAPI_FAILED 1

/* The mapping's one external ArrayBuffer; 0, a negative status or HANDLE_NAPI_FAILED. */
int handle_map_buffer(napi_env env, struct map_record *map, napi_value *out);

/* pmem2_map_delete's system part: wait for pins, unmap or mend, then clear and detach. */
int handle_map_delete(napi_env env, struct map_record *map);

#endif
