/* binding_persist.h -- what binding_persist.c shares with binding_persist_ops.c */

#ifndef PMEM2_NATIVE_BINDING_PERSIST_H
#define PMEM2_NATIVE_BINDING_PERSIST_H

#include <stdint.h>

#include "guarded_call.h"
#include "records.h"

/*
 * Runs persist, flush or msync over a checked range with the map's routines, under the
 * report of the pages lost on the range (guarded_call.c); the status.
 */
int run_range(struct map_record *map, enum guarded_op op, uint64_t off, uint64_t len);

#endif
