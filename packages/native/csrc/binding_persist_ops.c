/* binding_persist_ops.c -- argument-free persist/flush bound to a map, persistRanges/flushRanges */

#include <errno.h>
#include <stdlib.h>

#include "binding_persist.h"
#include "bindings.h"
#include "cpu.h"
#include "flush.h"
#include "guarded_call.h"
#include "handles.h"
#include "memops.h"
#include "napi_args.h"
#include "persist.h"
#include "records.h"
#include "status.h"

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
	/* signed conversions: one instruction each (the unsigned ones branch), exact below 2^53 */
	if (!(v >= 0 && v <= 9007199254740991.0) || v != (double)(int64_t)v)
		return PMEM2_E_MAP_RANGE;
	*out = (uint64_t)(int64_t)v;
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

/* One checked range of a batch. */
struct checked_range {
	uint64_t off, len;
};

/* A batch of checked ranges and what its flushes did. */
struct ranges_call {
	struct map_record *map;
	const struct checked_range *ranges;
	size_t n;
	int result;
	int flushed;
};

/* The map's flush over every checked range; stops at the first failing msync. */
static void
flush_ranges(void *ctx)
{
	struct ranges_call *rc = ctx;
	const struct map_record *map = rc->map;
	/* a map whose flush is the instruction loop runs that loop directly: no per-range call
	 * into the table's routine and its Last_op bookkeeping (a TLS lookup each) */
	flush_fn lines = map->fns->touches_lines ? flush_fn_for(Persist_info.flush) : NULL;
	rc->result = 0;
	for (size_t i = 0; i < rc->n; i++) {
		char *addr = map->addr + rc->ranges[i].off;
		size_t len = (size_t)rc->ranges[i].len;
		if (lines && len) {
			lines(addr, len);
			rc->flushed = 1;
		} else if (!lines && (rc->result = map->fns->flush(addr, len))) {
			return;
		}
	}
}

/* Batches up to this many ranges are checked into the stack; bigger ones into the heap. */
#define STACK_RANGES 64

/*
 * Checks every pair into `out` (the values JavaScript may still change are read once), or
 * returns the first refusal's status.
 */
static int
check_pairs(const struct map_record *map, const double *pairs, size_t n,
		struct checked_range *out)
{
	for (size_t i = 0; i < n; i++) {
		int st = pair_range(map, pairs[2 * i], pairs[2 * i + 1], &out[i].off, &out[i].len);
		if (st)
			return st;
	}
	return 0;
}

/* The losses a batch reports: one on any of its ranges, or one not reported yet. */
static int
batch_losses(const struct ranges_call *rc)
{
	int st = report_losses(rc->map, NULL, NULL, 0);
	for (size_t i = 0; st == 0 && i < rc->n; i++)
		st = report_losses(rc->map, rc->map->addr + rc->ranges[i].off, NULL,
				(size_t)rc->ranges[i].len);
	return st;
}

/* Runs the checked batch: the flushes, the report of lost pages, the drain. */
static int
run_ranges(struct ranges_call *rc, int persist)
{
	const struct map_fns *fns = rc->map->fns;
	/* a cache-line flush reads like a load: it would fault (SIGSEGV) without READ */
	if (fns->touches_lines && !(rc->map->protection & PMEM2_PROT_READ))
		return PMEM2_E_NO_ACCESS;
	last_op_reset();
	flush_ranges(rc);
	int st = batch_losses(rc);
	if (st == 0)
		st = rc->result;
	if (st == 0 && persist)
		fns->drain();
	Last_op.flushed = rc->flushed;
	return st;
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
	n /= 2;
	struct checked_range stack[STACK_RANGES];
	struct checked_range *ranges = n <= STACK_RANGES ? stack : malloc(n * sizeof(*ranges));
	if (!ranges)
		return status(env, -ENOMEM);
	int st = check_pairs(map, data, n, ranges);
	if (st == 0) {
		struct ranges_call rc = {.map = map, .ranges = ranges, .n = n};
		st = run_ranges(&rc, persist);
	}
	if (ranges != stack)
		free(ranges);
	return status(env, st);
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
