/* binding_persist_ops.c -- persist, flush, crc32 and batches bound to a map; batches with an array */

#include <errno.h>
#include <stdlib.h>

#include "binding_persist.h"
#include "bindings.h"
#include "cpu.h"
#include "fault_table.h"
#include "flush.h"
#include "guarded_call.h"
#include "handles.h"
#include "memops.h"
#include "napi_args.h"
#include "persist.h"
#include "records.h"
#include "status.h"

/* The most pairs a bound persistRanges/flushRanges takes (binding.rangesArgs holds twice this). */
#define CELL_PAIRS 256

/*
 * The argument cell of one environment's bound persist, flush, crc32, persistRanges and
 * flushRanges functions: JavaScript writes (offset, length), and for crc32 the seed, into it
 * through binding.persistArgs, a Float64Array, or a batch's pairs through binding.rangesArgs
 * and their count into persistArgs[0], and calls without arguments. That saves the
 * napi_get_value_* of each argument (about 10 ns each), and for a batch the handle's unwrap
 * and napi_get_typedarray_info (about 50 ns: V8 tests the array's type one kind at a time);
 * native code still reads every value and checks it against the record before it forms a
 * pointer. The cell is instance data, so it lives as long as the environment: the external
 * ArrayBuffer over it never frees it, and a detached buffer only stops JavaScript writing.
 */
struct persist_cell {
	double args[3]; /* offset, length, seed (crc32 only); the pair count of a bound batch */
	double pairs[2 * CELL_PAIRS]; /* the (offset, length) pairs of a bound batch */
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
		return free_and_throw(env, cell, "napi_set_instance_data");
	}
	return cell;
}

/*
 * Defines exports.persistArgs and exports.rangesArgs: the Float64Arrays over the cell, and
 * exports.fenceStops: a Uint8Array over the fault table's stop bytes (fault_stops); each null
 * where the runtime forbids external buffers (then @pmem2/map passes the range as arguments
 * and makes every persist natively). THROWN on failure.
 */
int
persist_define_args(napi_env env, napi_value exports)
{
	struct persist_cell *cell = env_cell(env);
	if (!cell)
		return THROWN;
	if (set_external_view(env, exports, "persistArgs", cell->args, sizeof(cell->args),
			napi_float64_array, 3) ||
			set_external_view(env, exports, "rangesArgs", cell->pairs, sizeof(cell->pairs),
					napi_float64_array, 2 * CELL_PAIRS))
		return THROWN;
	return set_external_view(env, exports, "fenceStops", fault_stops(), FAULT_STOP_ALWAYS + 1,
			napi_uint8_array, FAULT_STOP_ALWAYS + 1);
}

/* What a bound function carries in its data pointer: its record and the cell. */
struct bound_map {
	struct map_record *map;
	const struct persist_cell *cell;
};

/* The map and cell a bound function carries; NULL after throwing. */
static struct bound_map *
bound_of(napi_env env, napi_callback_info info)
{
	struct bound_map *b = NULL;
	if (napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&b) != napi_ok) {
		throw_napi(env, "napi_get_cb_info");
		return NULL;
	}
	return b;
}

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

/* One checked range of a batch. */
struct checked_range {
	uint64_t off, len;
};

/*
 * An offset or length read from memory JavaScript writes, as an index: the integer, or
 * UINT64_MAX for NaN, a negative, a fraction or a value above `limit`.
 */
static inline uint64_t
index_upto(double v, double limit)
{
	if (!(v >= 0 && v <= limit)) /* NaN fails too */
		return UINT64_MAX;
	int64_t i = (int64_t)v; /* in range: the signed conversion is one instruction, exact */
	return (double)i == v ? (uint64_t)i : UINT64_MAX;
}

/*
 * One (offset, length) pair at `pair`, each value read once, checked against a mapping of
 * `size` bytes (`limit` is size as a double) into `out`: 0, or PMEM2_E_MAP_RANGE.
 */
static inline int
check_pair(uint64_t size, double limit, const double *pair, struct checked_range *out)
{
	uint64_t off = index_upto(pair[0], limit);
	uint64_t len = index_upto(pair[1], limit);
	out->off = off;
	out->len = len;
	/* UINT64_MAX (refused) exceeds size; past `off > size`, size - off cannot wrap */
	return (off > size) | (len > size) | (len > size - off) ? PMEM2_E_MAP_RANGE : 0;
}

/* The bound call: the range from the cell, checked, then the op. */
static napi_value
bound_op(napi_env env, napi_callback_info info, enum guarded_op op)
{
	struct bound_map *b = bound_of(env, info);
	if (!b)
		return NULL;
	const struct map_record *map = b->map;
	if (!map->addr)
		return status(env, PMEM2_E_MAPPING_NOT_FOUND);
	struct checked_range r;
	int st = check_pair(map->content_len, (double)map->content_len, b->cell->args, &r);
	return status(env, st ? st : run_range(b->map, op, r.off, r.len));
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

/*
 * crc32() bound to the map: the CRC-32 of the range in persistArgs continuing from the seed
 * after it (an integer in [0, 2^32), else -EINVAL); the CRC, or a status below 0.
 */
static napi_value
js_bound_crc32(napi_env env, napi_callback_info info)
{
	struct bound_map *b = bound_of(env, info);
	if (!b)
		return NULL;
	struct map_record *map = b->map;
	if (!map->addr)
		return status(env, PMEM2_E_MAPPING_NOT_FOUND);
	struct checked_range r;
	int st = check_pair(map->content_len, (double)map->content_len, b->cell->args, &r);
	if (st)
		return status(env, st);
	uint64_t seed = index_upto(b->cell->args[2], (double)UINT32_MAX);
	if (seed == UINT64_MAX)
		return status(env, -EINVAL);
	return crc_value(env, crc_range(map, r.off, r.len, (uint32_t)seed));
}

/* A function named `name` bound to the map, holding a reference on it; NULL after throwing. */
static napi_value
bound_function(napi_env env, struct map_record *map, const struct persist_cell *cell,
		const char *name, napi_callback cb)
{
	struct bound_map *b = malloc(sizeof(*b));
	napi_value fn;
	if (!b || napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, b, &fn) != napi_ok) {
		return free_and_throw(env, b, "napi_create_function");
	}
	b->map = map;
	b->cell = cell;
	map->refs++;
	if (napi_add_finalizer(env, fn, b, finalize_bound, NULL, NULL) != napi_ok) {
		map_record_put(map);
		return free_and_throw(env, b, "napi_add_finalizer");
	}
	return fn;
}

/* A batch: the map, its pairs where JavaScript wrote them, and what ran of it. */
struct ranges_call {
	struct map_record *map;
	const double *pairs;
	size_t n;
	struct checked_range *done; /* room for n: the pairs checked and flushed so far */
	size_t ndone;
	int flushed;
};

/*
 * Each pair in order: checked against the live record, copied into `done`, then flushed
 * with the map's routine (for a flush-instruction map, the instruction loop itself, as C's
 * loop of pmem2_flush_fn calls runs it, without the routine's Last_op bookkeeping). The
 * check sits in the flush loop, not in a pass before it, so that it runs while the earlier
 * lines are written back: a separate pass cost 6-10% of a 64-line batch here. Stops at the
 * first refused pair (PMEM2_E_MAP_RANGE) or failing msync; the ranges before it stay
 * flushed, which only writes their lines back earlier than a cache eviction might.
 */
static int
flush_pairs(struct ranges_call *rc)
{
	const struct map_record *map = rc->map;
	char *const base = map->addr;
	const uint64_t size = map->content_len;
	const double limit = (double)size; /* rounded above 2^53 only: check_pair tests `off > size` */
	const double *const pairs = rc->pairs;
	struct checked_range *const done = rc->done;
	const size_t n = rc->n;
	flush_fn lines = map->fns->touches_lines ? flush_fn_for(Persist_info.flush) : NULL;
	int st = 0, flushed = 0;
	size_t i = 0;
	/* locals, not rc's fields: a store into `done` or a flush call may alias them */
	for (; i < n && st == 0; i++) {
		struct checked_range *r = &done[i];
		if ((st = check_pair(size, limit, &pairs[2 * i], r)))
			break;
		if (!lines) {
			st = map->fns->flush(base + r->off, (size_t)r->len);
		} else if (r->len) { /* as flush_lines: an empty range flushes nothing */
			lines(base + r->off, (size_t)r->len);
			flushed = 1;
		}
	}
	rc->ndone = i; /* the pairs checked, the refused one not among them */
	rc->flushed = flushed;
	return st;
}

/* Batches up to this many ranges are checked into the stack; bigger ones into the heap. */
#define STACK_RANGES 64

/*
 * The losses a batch reports: none while the mapping never lost a page (one load, as
 * report_losses begins); else one on any range that ran, or one not reported yet.
 */
static int
batch_losses(const struct ranges_call *rc)
{
	if (__builtin_expect(fault_slot_nlost(rc->map->fault) == 0, 1))
		return 0;
	int st = report_losses(rc->map, NULL, NULL, 0);
	for (size_t i = 0; st == 0 && i < rc->ndone; i++)
		st = report_losses(rc->map, rc->map->addr + rc->done[i].off, NULL,
				(size_t)rc->done[i].len);
	return st;
}

/*
 * Runs the batch: the checks and flushes, the report of lost pages (which wins over the
 * batch's own status, as for every call), then the drain when all of it ran.
 */
static int
run_ranges(struct ranges_call *rc, int persist)
{
	const struct map_record *map = rc->map;
	if (!map->addr)
		return PMEM2_E_MAPPING_NOT_FOUND;
	/* a cache-line flush reads like a load: it would fault (SIGSEGV) without READ */
	if (map->fns->touches_lines && !(map->protection & PMEM2_PROT_READ))
		return PMEM2_E_NO_ACCESS;
	last_op_reset();
	int st = flush_pairs(rc);
	int lost = batch_losses(rc);
	if (lost)
		st = lost;
	if (st == 0 && persist)
		map->fns->drain();
	Last_op.flushed = rc->flushed;
	return st;
}

/*
 * The bound batch: the first persistArgs[0] pairs of rangesArgs (a count that is not an
 * integer in [0, CELL_PAIRS] is -EINVAL), run as ranges_op runs a Float64Array's.
 */
static napi_value
bound_ranges(napi_env env, napi_callback_info info, int persist)
{
	struct bound_map *b = bound_of(env, info);
	if (!b)
		return NULL;
	uint64_t n = index_upto(b->cell->args[0], CELL_PAIRS);
	if (n == UINT64_MAX)
		return status(env, -EINVAL);
	struct checked_range done[CELL_PAIRS];
	struct ranges_call rc = {.map = b->map, .pairs = b->cell->pairs, .n = n, .done = done};
	return status(env, run_ranges(&rc, persist));
}

/* persistRanges() bound to a map: the batch in rangesArgs, then one drain. */
static napi_value
js_bound_persist_ranges(napi_env env, napi_callback_info info)
{
	return bound_ranges(env, info, 1);
}

/* flushRanges() bound to a map: the batch in rangesArgs, without the drain. */
static napi_value
js_bound_flush_ranges(napi_env env, napi_callback_info info)
{
	return bound_ranges(env, info, 0);
}

/*
 * persistRanges(map, ranges) / flushRanges(map, ranges): for each (offset, length) pair of a
 * Float64Array in order, the pair checked natively and the map's flush over it; for persist,
 * one drain at the end: what a C loop of pmem2_flush_fn calls followed by pmem2_drain_fn
 * does. A refused pair or an msync failure stops the batch with its status, before the drain.
 */
static napi_value
ranges_op(napi_env env, napi_callback_info info, int persist)
{
	napi_value argv[2];
	struct map_record *map;
	if (get_args(env, info, 2, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	napi_typedarray_type type;
	size_t n;
	void *data;
	/* napi_invalid_arg for anything but a typed array */
	if (napi_get_typedarray_info(env, argv[1], &type, &n, &data, NULL, NULL) != napi_ok ||
			type != napi_float64_array) {
		napi_throw_type_error(env, NULL, "expected ranges: a Float64Array");
		return NULL;
	}
	if (n % 2)
		return status(env, -EINVAL);
	n /= 2;
	struct checked_range stack[STACK_RANGES];
	struct checked_range *done = n <= STACK_RANGES ? stack : malloc(n * sizeof(*done));
	if (!done)
		return status(env, -ENOMEM);
	struct ranges_call rc = {.map = map, .pairs = data, .n = n, .done = done};
	int st = run_ranges(&rc, persist);
	if (done != stack)
		free(done);
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

/*
 * mapPersistOps(map): {kind, persist, flush, crc32, persistRanges, flushRanges, stop}, the
 * persist kind of the map's routine table, argument-free functions bound to it that read
 * persistArgs (and rangesArgs), and the index of its fault slot's byte in fenceStops
 * (FAULT_STOP_ALWAYS without a slot).
 */
napi_value
js_map_persist_ops(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	struct persist_cell *cell = map ? env_cell(env) : NULL;
	if (!cell)
		return NULL;
	napi_value obj, persist, flush, crc32, persist_ranges, flush_ranges, stop;
	if (napi_create_object(env, &obj) != napi_ok ||
			napi_create_uint32(env, fault_slot_stop_index(map->fault), &stop) != napi_ok) {
		throw_napi(env, "napi_create_object");
		return NULL;
	}
	if (!(persist = bound_function(env, map, cell, "persist", js_bound_persist)) ||
			!(flush = bound_function(env, map, cell, "flush", js_bound_flush)) ||
			!(crc32 = bound_function(env, map, cell, "crc32", js_bound_crc32)) ||
			!(persist_ranges = bound_function(env, map, cell, "persistRanges",
					  js_bound_persist_ranges)) ||
			!(flush_ranges = bound_function(env, map, cell, "flushRanges",
					  js_bound_flush_ranges)) ||
			set_prop(env, obj, "kind", string(env, persist_kind_name(map->fns->kind))) ||
			set_prop(env, obj, "persist", persist) || set_prop(env, obj, "flush", flush) ||
			set_prop(env, obj, "crc32", crc32) ||
			set_prop(env, obj, "persistRanges", persist_ranges) ||
			set_prop(env, obj, "flushRanges", flush_ranges) ||
			set_prop(env, obj, "stop", stop))
		return NULL;
	return obj;
}
