/* binding_persist.c -- persist, flush, drain, msync and msyncAsync calls */

#include <errno.h>
#include <stdlib.h>

#include "bindings.h"
#include "guarded_call.h"
#include "handles.h"
#include "memops.h"
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
 * Runs persist, flush or msync over a checked range with the map's routines. Guarded only
 * when it runs flush instructions over the mapped lines: an msync (PAGE) or a bare fence
 * (BYTE) cannot fault on the mapping.
 */
static int
run_range(struct map_record *map, enum guarded_op op, uint64_t off, uint64_t len)
{
	struct guarded_call c = {.op = op, .fns = map->fns, .dst = map->addr + off,
			.len = (size_t)len};
	if (op != OP_MSYNC && map->fns->touches_lines)
		return guarded(map, &c);
	run_op(&c);
	return c.result;
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

/* On a thread-pool thread: msync, then release the pin so a waiting delete may unmap. */
static void
msync_work_execute(napi_env env, void *data)
{
	(void)env;
	struct msync_work *w = data;
	w->result = msync_range(w->addr, w->len);
	map_record_unpin(w->map);
}

/* Back on the main thread: resolve with the status and drop the work's reference. */
static void
msync_work_complete(napi_env env, napi_status status, void *data)
{
	struct msync_work *w = data;
	if (status == napi_cancelled)
		map_record_unpin(w->map); /* never ran (environment teardown) */
	napi_value result;
	if (napi_create_double(env, status == napi_ok ? w->result : -ECANCELED, &result) ==
			napi_ok)
		napi_resolve_deferred(env, w->deferred, result);
	napi_delete_async_work(env, w->work);
	map_record_put(w->map);
	free(w);
}

/*
 * msyncAsync(map, offset, length): a Promise of msync's status, msync running on the libuv
 * thread pool under a pin; a status number when the arguments are refused.
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
		free(w); /* a created deferred is dropped with the promise, never settled */
		throw_napi(env, "napi_create_async_work");
		return NULL;
	}
	map->refs++;
	map_record_pin(map);
	if (napi_queue_async_work(env, w->work) != napi_ok) {
		map_record_unpin(map);
		map->refs--;
		napi_delete_async_work(env, w->work);
		free(w);
		throw_napi(env, "napi_queue_async_work");
		return NULL;
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


/*
 * The argument cell of one environment's bound persist and flush functions: JavaScript
 * writes (offset, length) into it through binding.persistArgs, a Float64Array, and calls
 * without arguments. That saves the napi_get_value_* of each argument (about 10 ns each);
 * native code still reads both values and checks them against the record before it forms a
 * pointer. The cell is instance data, so it lives as long as the environment: the external
 * ArrayBuffer over it never frees it, and a detached buffer only stops JavaScript writing.
 */
struct persist_cell {
	double args[2];
};

/* Frees the cell with the environment. */
static void
finalize_cell(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	free(data);
}

/* This environment's cell, made on first use; NULL after throwing. */
static struct persist_cell *
env_cell(napi_env env)
{
	struct persist_cell *cell = NULL;
	if (napi_get_instance_data(env, (void **)&cell) != napi_ok) {
		throw_napi(env, "napi_get_instance_data");
		return NULL;
	}
	if (cell)
		return cell;
	cell = calloc(1, sizeof(*cell));
	if (!cell || napi_set_instance_data(env, cell, finalize_cell, NULL) != napi_ok) {
		free(cell);
		throw_napi(env, "napi_set_instance_data");
		return NULL;
	}
	return cell;
}

/*
 * Defines exports.persistArgs: the Float64Array over the cell, or null where the runtime
 * forbids external buffers (then @pmem2/map passes the range as arguments). THROWN on failure.
 */
int
persist_define_args(napi_env env, napi_value exports)
{
	struct persist_cell *cell = env_cell(env);
	if (!cell)
		return THROWN;
	napi_value ab, view;
	napi_status s = napi_create_external_arraybuffer(env, cell->args, sizeof(cell->args), NULL,
			NULL, &ab);
	if (s == napi_no_external_buffers_allowed) {
		if (napi_get_null(env, &view) != napi_ok)
			return THROWN;
	} else if (s != napi_ok ||
			napi_create_typedarray(env, napi_float64_array, 2, ab, 0, &view) != napi_ok) {
		throw_napi(env, "napi_create_typedarray");
		return THROWN;
	}
	return set_prop(env, exports, "persistArgs", view);
}

/* What a bound function carries in its data pointer: its record and the cell. */
struct bound_map {
	struct map_record *map;
	const struct persist_cell *cell;
};

/* Finalizer of a bound function: drops its reference on the record. */
static void
finalize_bound(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	struct bound_map *b = data;
	map_record_put(b->map);
	free(b);
}

/*
 * An offset or length read from memory JavaScript writes: a non-negative integer double
 * below 2^53 (NaN fails every comparison), as arg_index accepts; else PMEM2_E_MAP_RANGE.
 */
static int
index_of(double v, uint64_t *out)
{
	if (!(v >= 0 && v <= 9007199254740991.0) || v != (double)(uint64_t)v)
		return PMEM2_E_MAP_RANGE;
	*out = (uint64_t)v;
	return 0;
}

/* The range pair (off, len) checked against the live record. */
static int
pair_range(const struct map_record *map, double off_v, double len_v, uint64_t *off,
		uint64_t *len)
{
	int st = index_of(off_v, off);
	if (st == 0)
		st = index_of(len_v, len);
	if (st == 0)
		st = map_record_check_range(map, *off, *len);
	return st;
}

/* The bound call: the range from the cell, checked, then the op. */
static napi_value
bound_op(napi_env env, napi_callback_info info, enum guarded_op op)
{
	struct bound_map *b;
	if (napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&b) != napi_ok) {
		throw_napi(env, "napi_get_cb_info");
		return NULL;
	}
	uint64_t off, len;
	int st = pair_range(b->map, b->cell->args[0], b->cell->args[1], &off, &len);
	return status(env, st ? st : run_range(b->map, op, off, len));
}

/* persist() bound to a map: the range in persistArgs. */
static napi_value
js_bound_persist(napi_env env, napi_callback_info info)
{
	return bound_op(env, info, OP_PERSIST);
}

/* flush() bound to a map: the range in persistArgs. */
static napi_value
js_bound_flush(napi_env env, napi_callback_info info)
{
	return bound_op(env, info, OP_FLUSH);
}

/* A function named `name` bound to the map, holding a reference on it; NULL after throwing. */
static napi_value
bound_function(napi_env env, struct map_record *map, const struct persist_cell *cell,
		const char *name, napi_callback cb)
{
	struct bound_map *b = malloc(sizeof(*b));
	napi_value fn;
	if (!b || napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, b, &fn) != napi_ok) {
		free(b);
		throw_napi(env, "napi_create_function");
		return NULL;
	}
	b->map = map;
	b->cell = cell;
	map->refs++;
	if (napi_add_finalizer(env, fn, b, finalize_bound, NULL, NULL) != napi_ok) {
		map_record_put(map);
		free(b);
		throw_napi(env, "napi_add_finalizer");
		return NULL;
	}
	return fn;
}

/*
 * mapPersistOps(map): {kind, persist, flush}, the persist kind of the map's routine table
 * and argument-free persist/flush functions bound to it that read persistArgs.
 */
napi_value
js_map_persist_ops(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	struct persist_cell *cell = map ? env_cell(env) : NULL;
	if (!cell)
		return NULL;
	napi_value obj, persist, flush;
	if (napi_create_object(env, &obj) != napi_ok) {
		throw_napi(env, "napi_create_object");
		return NULL;
	}
	if (!(persist = bound_function(env, map, cell, "persist", js_bound_persist)) ||
			!(flush = bound_function(env, map, cell, "flush", js_bound_flush)) ||
			set_prop(env, obj, "kind", string(env, persist_kind_name(map->fns->kind))) ||
			set_prop(env, obj, "persist", persist) || set_prop(env, obj, "flush", flush))
		return NULL;
	return obj;
}

/*
 * persistRanges(map, ranges) / flushRanges(map, ranges): every (offset, length) pair of a
 * Float64Array checked first (nothing runs when one is refused), then the map's flush over
 * each range and, for persist, one drain at the end: what a C loop of pmem2_flush_fn calls
 * followed by pmem2_drain_fn does. An msync failure stops the loop with its status.
 */
static napi_value
ranges_op(napi_env env, napi_callback_info info, int persist)
{
	napi_value argv[2];
	struct map_record *map;
	if (get_args(env, info, 2, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	bool is_view = false;
	napi_typedarray_type type;
	size_t n;
	void *data;
	if (napi_is_typedarray(env, argv[1], &is_view) != napi_ok || !is_view ||
			napi_get_typedarray_info(env, argv[1], &type, &n, &data, NULL, NULL) !=
					napi_ok ||
			type != napi_float64_array) {
		napi_throw_type_error(env, NULL, "expected ranges: a Float64Array");
		return NULL;
	}
	if (n % 2)
		return status(env, -EINVAL);
	const double *pairs = data;
	uint64_t off, len;
	for (size_t i = 0; i < n; i += 2) {
		int st = pair_range(map, pairs[i], pairs[i + 1], &off, &len);
		if (st)
			return status(env, st);
	}
	int flushed = 0;
	last_op_reset();
	for (size_t i = 0; i < n; i += 2) {
		/* checked again: a shared buffer may change under us (then this stops half-way) */
		int st = pair_range(map, pairs[i], pairs[i + 1], &off, &len);
		if (st == 0)
			st = run_range(map, OP_FLUSH, off, len);
		if (st)
			return status(env, st);
		flushed |= Last_op.flushed;
	}
	if (persist)
		map->fns->drain();
	Last_op.flushed = flushed;
	return status(env, 0);
}

/* persistRanges(map, ranges). */
napi_value
js_persist_ranges(napi_env env, napi_callback_info info)
{
	return ranges_op(env, info, 1);
}

/* flushRanges(map, ranges). */
napi_value
js_flush_ranges(napi_env env, napi_callback_info info)
{
	return ranges_op(env, info, 0);
}
