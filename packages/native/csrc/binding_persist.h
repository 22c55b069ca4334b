/* binding_persist.h -- what binding_persist.c and binding_crc.c share with binding_persist_ops.c */

#ifndef PMEM2_NATIVE_BINDING_PERSIST_H
#define PMEM2_NATIVE_BINDING_PERSIST_H

#include <node_api.h>
#include <stdint.h>

#include "guarded_call.h"
#include "records.h"

/*
 * Runs persist, flush or msync over a checked range with the map's routines, under the
 * report of the pages lost on the range (guarded_call.c); the status.
 */
int run_range(struct map_record *map, enum guarded_op op, uint64_t off, uint64_t len);

/*
 * The CRC-32 (zlib's crc32) of a checked range continuing from `seed`, as binding_crc.c
 * computes it: the CRC, or a status below 0 (PMEM2_E_NO_ACCESS, PMEM2_E_IO_FAIL).
 */
int64_t crc_range(struct map_record *map, uint64_t off, uint64_t len, uint32_t seed);

/* A crc_range result as a JS number; NULL after throwing. */
napi_value crc_value(napi_env env, int64_t v);

#endif
