/* binding_crc.c -- the CRC-32 of a range of a mapping (zlib's crc32), under the loss report */

#include <errno.h>

#include "binding_persist.h"
#include "bindings.h"
#include "crc32.h"
#include "guarded_call.h"
#include "handles.h"
#include "napi_args.h"
#include "records.h"
#include "status.h"

/*
 * The CRC-32 of [off, off + len) of the map, a checked range, continuing from `seed`: the
 * CRC (0 to 2^32 - 1), or a status below 0. The mapping needs READ (the loads would raise
 * SIGSEGV, which nothing catches); a page lost under the range (SIGBUS, repaired by guard.c
 * with zeros) gives PMEM2_E_IO_FAIL instead of a CRC of those zeros.
 */
int64_t
crc_range(struct map_record *map, uint64_t off, uint64_t len, uint32_t seed)
{
	if (!(map->protection & PMEM2_PROT_READ))
		return PMEM2_E_NO_ACCESS;
	const char *p = map->addr + off; /* SAFETY: off + len checked against the record */
	uint32_t crc = crc32_ieee(seed, (const unsigned char *)p, (size_t)len);
	int st = report_losses(map, p, NULL, (size_t)len);
	return st ? st : (int64_t)crc;
}

/* A crc_range result as a number: the CRC as a uint32, a status as an int32. */
napi_value
crc_value(napi_env env, int64_t v)
{
	if (v < 0)
		return status(env, (int)v);
	napi_value out;
	return made(env, napi_create_uint32(env, (uint32_t)v, &out), &out, "napi_create_uint32");
}

/*
 * crc32(map, offset, length, seed): the argument form of the bound crc32 of mapPersistOps,
 * for runtimes without persistArgs. A seed that is not an integer in [0, 2^32) gives -EINVAL.
 */
napi_value
js_crc32(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	struct map_record *map;
	uint64_t arg[3]; /* offset, length, seed */
	if (get_args(env, info, 4, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_indexes(env, &argv[1], 2, arg);
	if (st == 0)
		st = map_record_check_range(map, arg[0], arg[1]);
	if (st == THROWN)
		return NULL;
	if (st == 0) {
		int seed_st = arg_index(env, argv[3], &arg[2]);
		if (seed_st == THROWN)
			return NULL;
		if (seed_st || arg[2] > UINT32_MAX)
			st = -EINVAL;
	}
	return st ? status(env, st) : crc_value(env, crc_range(map, arg[0], arg[1], (uint32_t)arg[2]));
}
