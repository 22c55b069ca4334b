/* binding.c -- N-API registration and argument unwrapping of @pmem2/native */

#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "file_ops.h"
#include "guard.h"
#include "handles.h"
#include "memops.h"
#include "mmap.h"
#include "persist.h"
#include "records.h"
#include "status.h"

/* An argument conversion threw (or an N-API call failed and threw). */
#define THROWN 1
/* Largest integer a double holds exactly: 2^53 - 1. */
#define MAX_SAFE_INTEGER 9007199254740991.0

/* Throws the last N-API error unless an exception is already pending. */
static void
throw_napi(napi_env env, const char *what)
{
	bool pending = false;
	napi_is_exception_pending(env, &pending);
	if (pending)
		return;
	const napi_extended_error_info *info = NULL;
	napi_get_last_error_info(env, &info);
	char msg[256];
	const char *detail = info && info->error_message ? info->error_message : "unknown error";
	strncpy(msg, what, sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	size_t used = strlen(msg);
	if (used + 2 < sizeof(msg)) {
		strncat(msg, ": ", sizeof(msg) - used - 1);
		strncat(msg, detail, sizeof(msg) - strlen(msg) - 1);
	}
	napi_throw_error(env, NULL, msg);
}

/* Reads exactly `n` arguments (missing ones are undefined); THROWN on failure. */
static int
get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv)
{
	size_t argc = n;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
		throw_napi(env, "napi_get_cb_info");
		return THROWN;
	}
	return 0;
}

/*
 * A `number` offset or length: NaN, negative, fractional or above 2^53 - 1 give
 * PMEM2_E_MAP_RANGE (never coerced); a non-number throws TypeError.
 */
static int
arg_index(napi_env env, napi_value v, uint64_t *out)
{
	double d;
	if (napi_get_value_double(env, v, &d) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected a number");
		return THROWN;
	}
	if (!(d >= 0) || d > MAX_SAFE_INTEGER || d != (double)(uint64_t)d)
		return PMEM2_E_MAP_RANGE;
	*out = (uint64_t)d;
	return 0;
}

/* A `bigint` offset or size that must be a lossless uint64; else PMEM2_E_MAP_RANGE. */
static int
arg_u64(napi_env env, napi_value v, uint64_t *out)
{
	bool lossless = false;
	if (napi_get_value_bigint_uint64(env, v, out, &lossless) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected a bigint");
		return THROWN;
	}
	return lossless ? 0 : PMEM2_E_MAP_RANGE;
}

/* An int32 (fd, flags, byte value); a non-number throws TypeError. */
static int
arg_i32(napi_env env, napi_value v, int32_t *out)
{
	if (napi_get_value_int32(env, v, out) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected a number");
		return THROWN;
	}
	return 0;
}

/* The bytes of an ArrayBufferView or ArrayBuffer (a detached one has length 0). */
static int
arg_bytes(napi_env env, napi_value v, char **data, size_t *len)
{
	bool is = false;
	void *p = NULL;
	size_t n = 0;
	if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
		napi_typedarray_type type;
		size_t count;
		if (napi_get_typedarray_info(env, v, &type, &count, &p, NULL, NULL) != napi_ok)
			goto fail;
		size_t elem = 1;
		switch (type) {
		case napi_int16_array:
		case napi_uint16_array:
			elem = 2;
			break;
		case napi_int32_array:
		case napi_uint32_array:
		case napi_float32_array:
			elem = 4;
			break;
		case napi_float64_array:
		case napi_bigint64_array:
		case napi_biguint64_array:
			elem = 8;
			break;
		default:
			elem = 1;
		}
		n = count * elem;
	} else if (napi_is_dataview(env, v, &is) == napi_ok && is) {
		if (napi_get_dataview_info(env, v, &n, &p, NULL, NULL) != napi_ok)
			goto fail;
	} else if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
		if (napi_get_arraybuffer_info(env, v, &p, &n) != napi_ok)
			goto fail;
	} else {
		napi_throw_type_error(env, NULL, "expected an ArrayBufferView or ArrayBuffer");
		return THROWN;
	}
	*data = p;
	*len = p ? n : 0;
	return 0;
fail:
	throw_napi(env, "reading the buffer argument");
	return THROWN;
}

/* The value an N-API call made into *out, or NULL after throwing that call's error. */
static napi_value
made(napi_env env, napi_status s, const napi_value *out, const char *call)
{
	if (s != napi_ok) {
		throw_napi(env, call);
		return NULL;
	}
	return *out;
}

/* A JS number. */
static napi_value
number(napi_env env, double v)
{
	napi_value out = NULL;
	return made(env, napi_create_double(env, v, &out), &out, "napi_create_double");
}

/* A JS boolean. */
static napi_value
boolean(napi_env env, int v)
{
	napi_value out = NULL;
	return made(env, napi_get_boolean(env, v != 0, &out), &out, "napi_get_boolean");
}

/* A JS bigint. */
static napi_value
bigint(napi_env env, uint64_t v)
{
	napi_value out = NULL;
	return made(env, napi_create_bigint_uint64(env, v, &out), &out,
			"napi_create_bigint_uint64");
}

/* A JS string. */
static napi_value
string(napi_env env, const char *s)
{
	napi_value out = NULL;
	return made(env, napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out), &out,
			"napi_create_string_utf8");
}

/* A status (0, PMEM2_E_*, -errno) as a number: an int32, the cheapest number to make. */
static napi_value
status(napi_env env, int st)
{
	napi_value out = NULL;
	return made(env, napi_create_int32(env, st, &out), &out, "napi_create_int32");
}

/* Sets obj[key] = value, or throws. */
static int
set_prop(napi_env env, napi_value obj, const char *key, napi_value value)
{
	if (value == NULL || napi_set_named_property(env, obj, key, value) != napi_ok) {
		throw_napi(env, "napi_set_named_property");
		return THROWN;
	}
	return 0;
}

/* A status as a number, unless something threw. */
static napi_value
status_or_thrown(napi_env env, int st)
{
	return st == THROWN ? NULL : status(env, st);
}

/* pageSize(): sysconf(_SC_PAGESIZE). */
static napi_value
js_page_size(napi_env env, napi_callback_info info)
{
	(void)info;
	return number(env, (double)page_size());
}

/* fcntlGetFl(fd): the flags or -errno. */
static napi_value
js_fcntl_get_fl(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	int32_t fd;
	if (get_args(env, info, 1, argv) || arg_i32(env, argv[0], &fd))
		return NULL;
	int flags = fcntl(fd, F_GETFL);
	return number(env, flags < 0 ? -errno : flags);
}

/* persistInfo(): the load-time selection. */
static napi_value
js_persist_info(napi_env env, napi_callback_info info)
{
	(void)info;
	const struct persist_info *p = &Persist_info;
	napi_value obj, cpu;
	if (napi_create_object(env, &obj) != napi_ok || napi_create_object(env, &cpu) != napi_ok) {
		throw_napi(env, "napi_create_object");
		return NULL;
	}
	if (set_prop(env, cpu, "clflush", boolean(env, p->cpu.clflush)) ||
			set_prop(env, cpu, "clflushopt", boolean(env, p->cpu.clflushopt)) ||
			set_prop(env, cpu, "clwb", boolean(env, p->cpu.clwb)) ||
			set_prop(env, cpu, "avx", boolean(env, p->cpu.avx)) ||
			set_prop(env, cpu, "avx512f", boolean(env, p->cpu.avx512f)) ||
			set_prop(env, cpu, "movdir64b", boolean(env, p->cpu.movdir64b)) ||
			set_prop(env, obj, "arch", string(env, p->arch)) ||
			set_prop(env, obj, "cpu", cpu) ||
			set_prop(env, obj, "flush", string(env, flush_kind_name(p->flush))) ||
			set_prop(env, obj, "memcpy", string(env, memcpy_routine_name(p->memcpy))) ||
			set_prop(env, obj, "movntThreshold", number(env, (double)p->movnt_threshold)) ||
			set_prop(env, obj, "wcWorkaround", boolean(env, p->wc_workaround)))
		return NULL;
	return obj;
}

/* lastOp(): what the last persist/flush/drain/mem call on this thread did. */
static napi_value
js_last_op(napi_env env, napi_callback_info info)
{
	(void)info;
	napi_value obj;
	if (napi_create_object(env, &obj) != napi_ok) {
		throw_napi(env, "napi_create_object");
		return NULL;
	}
	if (set_prop(env, obj, "store", string(env, Last_op.store ? Last_op.store : "none")) ||
			set_prop(env, obj, "flushed", boolean(env, Last_op.flushed)) ||
			set_prop(env, obj, "ntFence", boolean(env, Last_op.nt_fence)) ||
			set_prop(env, obj, "drained", boolean(env, Last_op.drained)) ||
			set_prop(env, obj, "msynced", boolean(env, Last_op.msynced)))
		return NULL;
	return obj;
}

/* reservationNew(size, address | null): a handle or a status. */
static napi_value
js_reservation_new(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	uint64_t size, address = 0;
	if (get_args(env, info, 2, argv))
		return NULL;
	int st = arg_u64(env, argv[0], &size);
	napi_valuetype t;
	if (st == 0 && napi_typeof(env, argv[1], &t) == napi_ok && t != napi_null &&
			t != napi_undefined)
		st = arg_u64(env, argv[1], &address);
	if (st == 0 && (size > SIZE_MAX || address > UINTPTR_MAX))
		st = PMEM2_E_MAP_RANGE;
	struct rsv_record *rsv = NULL;
	if (st == 0)
		st = rsv_record_new((size_t)size, (char *)(uintptr_t)address, &rsv);
	if (st)
		return status_or_thrown(env, st);
	return handle_new_rsv(env, rsv);
}

/* The single argument of a one-argument call (undefined when missing); NULL after a throw. */
static napi_value
only_arg(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	return get_args(env, info, 1, argv) ? NULL : argv[0];
}

/* Unwraps the single reservation-handle argument of the getters and of delete. */
static struct rsv_record *
only_rsv_arg(napi_env env, napi_callback_info info)
{
	napi_value v = only_arg(env, info);
	return v ? handle_rsv(env, v) : NULL;
}

/* reservationAddress(rsv): the user-visible address (0n once deleted). */
static napi_value
js_reservation_address(napi_env env, napi_callback_info info)
{
	struct rsv_record *rsv = only_rsv_arg(env, info);
	if (!rsv)
		return NULL;
	pthread_mutex_lock(&rsv->lock);
	uint64_t addr = rsv->deleted ? 0 : (uintptr_t)rsv->addr;
	pthread_mutex_unlock(&rsv->lock);
	return bigint(env, addr);
}

/* reservationSize(rsv): the user-visible size (0n once deleted). */
static napi_value
js_reservation_size(napi_env env, napi_callback_info info)
{
	struct rsv_record *rsv = only_rsv_arg(env, info);
	if (!rsv)
		return NULL;
	pthread_mutex_lock(&rsv->lock);
	uint64_t size = rsv->deleted ? 0 : rsv->size;
	pthread_mutex_unlock(&rsv->lock);
	return bigint(env, size);
}

/* reservationExtend(rsv, size). */
static napi_value
js_reservation_extend(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct rsv_record *rsv;
	uint64_t size;
	if (get_args(env, info, 2, argv) || !(rsv = handle_rsv(env, argv[0])))
		return NULL;
	int st = arg_u64(env, argv[1], &size);
	if (st == 0)
		st = size > SIZE_MAX ? PMEM2_E_MAP_RANGE : rsv_record_extend(rsv, (size_t)size);
	return status_or_thrown(env, st);
}

/* reservationShrink(rsv, offset, size). */
static napi_value
js_reservation_shrink(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct rsv_record *rsv;
	uint64_t offset, size;
	if (get_args(env, info, 3, argv) || !(rsv = handle_rsv(env, argv[0])))
		return NULL;
	int st = arg_u64(env, argv[1], &offset);
	if (st == 0)
		st = arg_u64(env, argv[2], &size);
	if (st == 0)
		st = (offset > SIZE_MAX || size > SIZE_MAX)
				? PMEM2_E_MAP_RANGE
				: rsv_record_shrink(rsv, (size_t)offset, (size_t)size);
	return status_or_thrown(env, st);
}

/* reservationDelete(rsv). */
static napi_value
js_reservation_delete(napi_env env, napi_callback_info info)
{
	struct rsv_record *rsv = only_rsv_arg(env, info);
	if (!rsv)
		return NULL;
	return status(env, rsv_record_delete(rsv));
}

/* mapNew(fd, offset, length, protection, privateMapping, alignment, rsv, rsvOffset). */
static napi_value
js_map_new(napi_env env, napi_callback_info info)
{
	napi_value argv[8];
	int32_t fd;
	uint64_t offset, length, alignment, rsv_offset;
	uint32_t protection;
	bool private_mapping;
	if (get_args(env, info, 8, argv) || arg_i32(env, argv[0], &fd))
		return NULL;
	if (napi_get_value_uint32(env, argv[3], &protection) != napi_ok ||
			napi_get_value_bool(env, argv[4], &private_mapping) != napi_ok) {
		napi_throw_type_error(env, NULL, "expected protection: number, privateMapping: boolean");
		return NULL;
	}
	int st = arg_u64(env, argv[1], &offset);
	if (st == 0)
		st = arg_u64(env, argv[2], &length);
	if (st == 0)
		st = arg_index(env, argv[5], &alignment);
	if (st == 0)
		st = arg_u64(env, argv[7], &rsv_offset);
	if (st == THROWN)
		return NULL;
	struct rsv_record *rsv = NULL;
	napi_valuetype t;
	if (napi_typeof(env, argv[6], &t) != napi_ok) {
		throw_napi(env, "napi_typeof");
		return NULL;
	}
	if (t != napi_null && t != napi_undefined && !(rsv = handle_rsv(env, argv[6])))
		return NULL;
	if (st == 0 && (length > SIZE_MAX || rsv_offset > SIZE_MAX || alignment > SIZE_MAX))
		st = PMEM2_E_MAP_RANGE;
	struct map_record *map = NULL;
	if (st == 0)
		st = map_record_new(fd, offset, (size_t)length, protection, private_mapping,
				(size_t)alignment, rsv, (size_t)rsv_offset, &map);
	if (st)
		return status(env, st);
	return handle_new_map(env, map);
}

/* mapNewFailedStep(): which mmap of the last failed mapNew on this thread failed. */
static napi_value
js_map_new_failed_step(napi_env env, napi_callback_info info)
{
	(void)info;
	static const char *const names[] = {"none", "placeholder", "mmap", "placeholder-trim"};
	return string(env, names[Map_new_failed_step]);
}

/* Unwraps the single map-handle argument of the getters. */
static struct map_record *
only_map_arg(napi_env env, napi_callback_info info)
{
	napi_value v = only_arg(env, info);
	return v ? handle_map(env, v) : NULL;
}

/* mapSyncTaken(map). */
static napi_value
js_map_sync_taken(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? boolean(env, map->addr && map->map_sync) : NULL;
}

/* mapAddress(map): 0n after delete. */
static napi_value
js_map_address(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? bigint(env, (uintptr_t)map->addr) : NULL;
}

/* mapSize(map): 0 after delete. */
static napi_value
js_map_size(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? number(env, map->addr ? (double)map->content_len : 0) : NULL;
}

/* mapSetGranularity(map, granularity). */
static napi_value
js_map_set_granularity(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct map_record *map;
	int32_t g;
	if (get_args(env, info, 2, argv) || !(map = handle_map(env, argv[0])) ||
			arg_i32(env, argv[1], &g))
		return NULL;
	if (!map->addr)
		return status(env, PMEM2_E_MAPPING_NOT_FOUND);
	if (g < GRANULARITY_BYTE || g > GRANULARITY_PAGE)
		return status(env, -EINVAL);
	map->granularity = g;
	return status(env, 0);
}

/* mapBuffer(map): the one external ArrayBuffer, or a status. */
static napi_value
js_map_buffer(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	if (!map)
		return NULL;
	napi_value ab;
	int st = handle_map_buffer(env, map, &ab);
	if (st == HANDLE_NAPI_FAILED) {
		throw_napi(env, "napi_create_external_arraybuffer");
		return NULL;
	}
	return st ? status(env, st) : ab;
}

/* mapDelete(map). */
static napi_value
js_map_delete(napi_env env, napi_callback_info info)
{
	struct map_record *map = only_map_arg(env, info);
	return map ? status(env, handle_map_delete(env, map)) : NULL;
}

/* The operation a guarded call performs on mapped memory. */
enum guarded_op { OP_PERSIST, OP_FLUSH, OP_MSYNC, OP_MOVE, OP_SET, OP_READ };

struct guarded_call {
	enum guarded_op op;
	int granularity;
	char *dst;
	const char *src;
	size_t len;
	int value;
	unsigned flags;
	int result;
};

/* Runs the operation (inside guard_run when it touches mapped memory). */
static void
run_op(void *ctx)
{
	struct guarded_call *c = ctx;
	switch (c->op) {
	case OP_PERSIST:
		c->result = persist_range(c->granularity, c->dst, c->len);
		break;
	case OP_FLUSH:
		c->result = flush_range(c->granularity, c->dst, c->len);
		break;
	case OP_MSYNC:
		c->result = msync_op(c->dst, c->len);
		break;
	case OP_MOVE:
		c->result = mem_move(c->granularity, c->dst, c->src, c->len, c->flags);
		break;
	case OP_SET:
		c->result = mem_set(c->granularity, c->dst, c->value, c->len, c->flags);
		break;
	case OP_READ:
		memmove(c->dst, c->src, c->len); /* SAFETY: both ranges checked by the caller */
		c->result = 0;
		break;
	}
}

/* Runs the call under the SIGBUS/SIGSEGV guard of the map's range. */
static int
guarded(struct map_record *map, struct guarded_call *c)
{
	int st = guard_run(map->addr, map->reserved_len, run_op, c);
	return st ? st : c->result;
}

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
 * persist, flush or msync of (map, offset, length). Guarded only when it runs flush
 * instructions over the mapped lines: an msync (PAGE) or a bare sfence (BYTE) cannot fault
 * on the mapping.
 */
static napi_value
range_op(napi_env env, napi_callback_info info, enum guarded_op op)
{
	struct map_record *map;
	uint64_t off, len;
	int st = range_args(env, info, &map, &off, &len);
	if (st)
		return status_or_thrown(env, st);
	struct guarded_call c = {.op = op, .granularity = map->granularity,
			.dst = map->addr + off, .len = (size_t)len};
	if (op != OP_MSYNC && persist_touches_lines(map->granularity))
		return status(env, guarded(map, &c));
	run_op(&c);
	return status(env, c.result);
}

/* persist(map, offset, length). */
static napi_value
js_persist(napi_env env, napi_callback_info info)
{
	return range_op(env, info, OP_PERSIST);
}

/* flush(map, offset, length). */
static napi_value
js_flush(napi_env env, napi_callback_info info)
{
	return range_op(env, info, OP_FLUSH);
}

/* msync(map, offset, length) whatever the granularity (deep flush of regular files). */
static napi_value
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
static napi_value
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
static napi_value
js_drain(napi_env env, napi_callback_info info)
{
	(void)info;
	drain();
	napi_value undefined;
	napi_get_undefined(env, &undefined);
	return undefined;
}

/*
 * Flags outside PMEM2_F_MEM_VALID_FLAGS are undefined behaviour in C (logged only in debug
 * builds); here they give -EINVAL.
 */
static int
check_flags(int32_t flags)
{
	return ((uint32_t)flags & ~PMEM2_F_MEM_VALID_FLAGS) ? -EINVAL : 0;
}

/* Whether the mapping's protection has every bit of `need`. */
static int
check_access(const struct map_record *map, unsigned need)
{
	return (map->protection & need) == need ? 0 : PMEM2_E_NO_ACCESS;
}

/* memcpy(map, dstOffset, src, flags): memmove semantics, src may alias the mapping. */
static napi_value
js_memcpy(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	struct map_record *map;
	uint64_t off;
	int32_t flags;
	char *src;
	size_t len;
	if (get_args(env, info, 4, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &off);
	if (st == THROWN || arg_bytes(env, argv[2], &src, &len) || arg_i32(env, argv[3], &flags))
		return NULL;
	if (st == 0)
		st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, off, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_MOVE, .granularity = map->granularity,
				.dst = map->addr + off, .src = src, .len = len,
				.flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* memmove(map, dstOffset, srcOffset, length, flags): within the mapping. */
static napi_value
js_memmove(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	struct map_record *map;
	uint64_t dst, src, len;
	int32_t flags;
	if (get_args(env, info, 5, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &dst);
	if (st == 0)
		st = arg_index(env, argv[2], &src);
	if (st == 0)
		st = arg_index(env, argv[3], &len);
	if (st == THROWN || arg_i32(env, argv[4], &flags))
		return NULL;
	if (st == 0)
		st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, dst, len);
	if (st == 0)
		st = map_record_check_range(map, src, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_MOVE, .granularity = map->granularity,
				.dst = map->addr + dst, .src = map->addr + src, .len = (size_t)len,
				.flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* memset(map, dstOffset, value, length, flags). */
static napi_value
js_memset(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	struct map_record *map;
	uint64_t dst, len;
	int32_t value, flags;
	if (get_args(env, info, 5, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &dst);
	if (st == THROWN || arg_i32(env, argv[2], &value))
		return NULL;
	if (st == 0)
		st = arg_index(env, argv[3], &len);
	if (st == THROWN || arg_i32(env, argv[4], &flags))
		return NULL;
	if (st == 0)
		st = check_flags(flags);
	if (st == 0)
		st = map_record_check_range(map, dst, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_WRITE);
	if (st == 0) {
		struct guarded_call c = {.op = OP_SET, .granularity = map->granularity,
				.dst = map->addr + dst, .len = (size_t)len, .value = value,
				.flags = (unsigned)flags};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/* read(map, srcOffset, dst): copies mapping bytes out. */
static napi_value
js_read(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct map_record *map;
	uint64_t off;
	char *dst;
	size_t len;
	if (get_args(env, info, 3, argv) || !(map = handle_map(env, argv[0])))
		return NULL;
	int st = arg_index(env, argv[1], &off);
	if (st == THROWN || arg_bytes(env, argv[2], &dst, &len))
		return NULL;
	if (st == 0)
		st = map_record_check_range(map, off, len);
	if (st == 0)
		st = check_access(map, PMEM2_PROT_READ);
	if (st == 0) {
		struct guarded_call c = {.op = OP_READ, .dst = dst, .src = map->addr + off,
				.len = len};
		st = guarded(map, &c);
	}
	return status(env, st);
}

/*
 * The once-per-process state of init_process. A statically initialised mutex and a flag,
 * not pthread_once: glibc 2.34 moved pthread_once into libc under the new version
 * GLIBC_2.34, which would raise the prebuild's glibc floor above Node 20's 2.28.
 */
static pthread_mutex_t Init_lock = PTHREAD_MUTEX_INITIALIZER;
static bool Init_done;

/*
 * Reads the CPU and the PMEM_* environment and installs the guard, once per process (the
 * initialiser runs again for every worker thread's environment, possibly concurrently).
 */
static void
init_process(void)
{
	pthread_mutex_lock(&Init_lock);
	if (!Init_done) {
		persist_info_init();
		guard_install();
		Init_done = true;
	}
	pthread_mutex_unlock(&Init_lock);
}

#define FN(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}

/* The module initialiser: the functions of types.ts NativeBinding. */
static napi_value
init(napi_env env, napi_value exports)
{
	init_process();
	napi_value version = number(env, NAPI_VERSION);
	if (!version)
		return NULL;
	napi_property_descriptor props[] = {
		{"napiVersion", NULL, NULL, NULL, NULL, version, napi_enumerable, NULL},
		FN("pageSize", js_page_size),
		FN("fcntlGetFl", js_fcntl_get_fl),
		FN("persistInfo", js_persist_info),
		FN("reservationNew", js_reservation_new),
		FN("reservationAddress", js_reservation_address),
		FN("reservationSize", js_reservation_size),
		FN("reservationExtend", js_reservation_extend),
		FN("reservationShrink", js_reservation_shrink),
		FN("reservationDelete", js_reservation_delete),
		FN("mapNew", js_map_new),
		FN("mapSyncTaken", js_map_sync_taken),
		FN("mapSetGranularity", js_map_set_granularity),
		FN("mapAddress", js_map_address),
		FN("mapSize", js_map_size),
		FN("mapBuffer", js_map_buffer),
		FN("mapDelete", js_map_delete),
		FN("persist", js_persist),
		FN("flush", js_flush),
		FN("drain", js_drain),
		FN("msync", js_msync),
		FN("msyncAsync", js_msync_async),
		FN("mapNewFailedStep", js_map_new_failed_step),
		FN("memcpy", js_memcpy),
		FN("memmove", js_memmove),
		FN("memset", js_memset),
		FN("read", js_read),
		FN("lastOp", js_last_op),
		FN("fallocate", js_fallocate),
		FN("fiemap", js_fiemap),
	};
	if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) !=
			napi_ok) {
		throw_napi(env, "napi_define_properties");
		return NULL;
	}
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
