/* binding_rsv.c -- pmem2_vm_reservation_* calls: new, address, size, extend, shrink, delete */

#include <pthread.h>

#include "bindings.h"
#include "handles.h"
#include "napi_args.h"
#include "records.h"
#include "status.h"

/* reservationNew(size, address | null): a handle or a status. */
napi_value
js_reservation_new(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	uint64_t size, address = 0;
	if (get_args(env, info, 2, argv))
		return NULL;
	int st = arg_u64_max(env, argv[0], SIZE_MAX, &size);
	napi_valuetype t;
	if (st == 0 && napi_typeof(env, argv[1], &t) == napi_ok && t != napi_null &&
			t != napi_undefined)
		st = arg_u64_max(env, argv[1], UINTPTR_MAX, &address);
	struct rsv_record *rsv = NULL;
	if (st == 0)
		st = rsv_record_new((size_t)size, (char *)(uintptr_t)address, &rsv);
	if (st)
		return status_or_thrown(env, st);
	return handle_new_rsv(env, rsv);
}

/* The user-visible size (`size`) or address of a reservation, read under its lock; 0 once deleted. */
static uint64_t
visible(struct rsv_record *rsv, bool size)
{
	pthread_mutex_lock(&rsv->lock);
	uint64_t value = rsv->deleted ? 0 : size ? rsv->size : (uintptr_t)rsv->addr;
	pthread_mutex_unlock(&rsv->lock);
	return value;
}

/* reservationAddress(rsv): the user-visible address (0n once deleted). */
napi_value
js_reservation_address(napi_env env, napi_callback_info info)
{
	struct rsv_record *rsv = only_rsv_arg(env, info);
	return rsv ? bigint(env, visible(rsv, false)) : NULL;
}

/* reservationSize(rsv): the user-visible size (0n once deleted). */
napi_value
js_reservation_size(napi_env env, napi_callback_info info)
{
	struct rsv_record *rsv = only_rsv_arg(env, info);
	return rsv ? bigint(env, visible(rsv, true)) : NULL;
}

/* reservationExtend(rsv, size). */
napi_value
js_reservation_extend(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct rsv_record *rsv;
	uint64_t size;
	if (get_args(env, info, 2, argv) || !(rsv = handle_rsv(env, argv[0])))
		return NULL;
	int st = arg_u64_max(env, argv[1], SIZE_MAX, &size);
	if (st == 0)
		st = rsv_record_extend(rsv, (size_t)size);
	return status_or_thrown(env, st);
}

/* reservationShrink(rsv, offset, size). */
napi_value
js_reservation_shrink(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct rsv_record *rsv;
	uint64_t offset, size;
	if (get_args(env, info, 3, argv) || !(rsv = handle_rsv(env, argv[0])))
		return NULL;
	int st = arg_u64_max(env, argv[1], SIZE_MAX, &offset);
	if (st == 0)
		st = arg_u64_max(env, argv[2], SIZE_MAX, &size);
	if (st == 0)
		st = rsv_record_shrink(rsv, (size_t)offset, (size_t)size);
	return status_or_thrown(env, st);
}
/* reservationDelete(rsv). */
napi_value
js_reservation_delete(napi_env env, napi_callback_info info)
{
	struct rsv_record *rsv = only_rsv_arg(env, info);
	if (!rsv)
		return NULL;
	return status(env, rsv_record_delete(rsv));
}

