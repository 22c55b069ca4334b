/* binding_persist.c -- persist, flush, drain, msync and msyncAsync calls */

#include <errno.h>
#include <stdlib.h>

#include "binding_persist.h"
#include "bindings.h"
#include "guarded_call.h"
#include "handles.h"
#include "mmap.h"
#include "napi_args.h"
#include "persist.h"
#include "records.h"
#include "status.h"

/* The shared part of persist/flush/msync: map, offset, length. */
static int
range_args(napi_env env, napi_callback_info info, struct map_record **map, uint64_t *off,
		uint64_t *len)
{
	napi_value argv[3];
	if (get_args(env, info, 3, argv) || !(*map = handle_map(env, argv[0])))
		return THROWN;
	int st = arg_index(env, argv[1], off);
	if (st == 0)
		st = arg_index(env, argv[2], len);
	if (st == 0)
		st = map_record_check_range(*map, *off, *len);
	return st;
}

/*
 * Runs persist, flush or msync over a checked range with the map's routines, then reports the
 * pages lost on the range (an msync or a bare fence does not fault, but a loss is reported
 * all the same).
 */
int
run_range(struct map_record *map, enum guarded_op op, uint64_t off, uint64_t len)
{
	/* a cache-line flush reads like a load: it would fault (SIGSEGV) without READ */
	if (op != OP_MSYNC && map->fns->touches_lines && !(map->protection & PMEM2_PROT_READ))
		return PMEM2_E_NO_ACCESS;
	struct guarded_call c = {.op = op, .fns = map->fns, .dst = map->addr + off,
			.len = (size_t)len};
	return guarded(map, &c);
}

/* persist, flush or msync of (map, offset, length). */
static napi_value
range_op(napi_env env, napi_callback_info info, enum guarded_op op)
{
	struct map_record *map;
	uint64_t off, len;
	int st = range_args(env, info, &map, &off, &len);
	if (st)
		return status_or_thrown(env, st);
	return status(env, run_range(map, op, off, len));
}

/* persist(map, offset, length). */
napi_value
js_persist(napi_env env, napi_callback_info info)
{
	return range_op(env, info, OP_PERSIST);
}

/* flush(map, offset, length). */
napi_value
js_flush(napi_env env, napi_callback_info info)
{
	return range_op(env, info, OP_FLUSH);
}

/* msync(map, offset, length) whatever the granularity (deep flush of regular files). */
napi_value
js_msync(napi_env env, napi_callback_info info)
{
	return range_op(env, info, OP_MSYNC);
}

/* One msyncAsync call: the pinned range, the promise, and msync's result. */
struct msync_work {
	napi_async_work work;
	napi_deferred deferred;
	struct map_record *map;
	char *addr;
	size_t len;
	int result;
};

/*
 * On a thread-pool thread: pin the mapping and msync, then release the pin so a waiting
 * delete may go on. A mapping deleted before this started is never touched: the msync is
 * skipped and the promise gets PMEM2_E_MAPPING_NOT_FOUND.
 */
static void
msync_work_execute(napi_env env, void *data)
{
	(void)env;
	struct msync_work *w = data;
	if (map_record_pin(w->map)) {
		w->result = PMEM2_E_MAPPING_NOT_FOUND;
		return;
	}
	w->result = msync_range(w->addr, w->len);
	map_record_unpin(w->map);
}

/* Back on the main thread: resolve with the status and drop the work's reference. */
static void
msync_work_complete(napi_env env, napi_status status, void *data)
{
	struct msync_work *w = data;
	int result = status == napi_ok ? w->result : -ECANCELED;
	if (result == 0 && w->map->addr)
		result = report_losses(w->map, w->addr, NULL, w->len);
	napi_value value;
	if (napi_create_double(env, result, &value) == napi_ok)
		napi_resolve_deferred(env, w->deferred, value);
	napi_delete_async_work(env, w->work);
	map_record_put(w->map);
	free(w);
}

/*
 * msyncAsync(map, offset, length): a Promise of msync's status, msync running on the libuv
 * thread pool under a pin taken when it starts; a status number when the arguments are
 * refused.
 */
napi_value
js_msync_async(napi_env env, napi_callback_info info)
{
	struct map_record *map;
	uint64_t off, len;
	int st = range_args(env, info, &map, &off, &len);
	if (st)
		return status_or_thrown(env, st);
	struct msync_work *w = calloc(1, sizeof(*w));
	if (!w)
		return status(env, -ENOMEM);
	w->map = map;
	w->addr = map->addr + off;
	w->len = (size_t)len;
	napi_value promise, name;
	if (napi_create_promise(env, &w->deferred, &promise) != napi_ok ||
			napi_create_string_utf8(env, "pmem2:msync", NAPI_AUTO_LENGTH, &name) != napi_ok ||
			napi_create_async_work(env, NULL, name, msync_work_execute, msync_work_complete, w,
					&w->work) != napi_ok) {
		/* a created deferred is dropped with the promise, never settled */
		return free_and_throw(env, w, "napi_create_async_work");
	}
	map->refs++;
	if (napi_queue_async_work(env, w->work) != napi_ok) {
		map->refs--;
		napi_delete_async_work(env, w->work);
		return free_and_throw(env, w, "napi_queue_async_work");
	}
	return promise;
}

/* drain(). */
napi_value
js_drain(napi_env env, napi_callback_info info)
{
	(void)info;
	drain();
	napi_value undefined;
	napi_get_undefined(env, &undefined);
	return undefined;
}
