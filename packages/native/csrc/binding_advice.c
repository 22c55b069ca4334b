/* binding_advice.c -- madvise, populate, MS_ASYNC msync, mincore and mlock calls on a mapping */

#include "advice.h"
#include "bindings.h"
#include "handles.h"
#include "napi_args.h"
#include "records.h"

/*
 * Unwraps (map, offset, length, <extra>) and the page span of the range; the status of the
 * range check (0 when the span is good) or THROWN.
 */
static int
span_args(napi_env env, napi_callback_info info, size_t argc, struct map_record **map,
		struct page_span *span, napi_value *extra)
{
	napi_value argv[4];
	uint64_t range[2] = {0, 0};
	if (get_args(env, info, argc, argv) || !(*map = handle_map(env, argv[0])))
		return THROWN;
	int st = arg_indexes(env, &argv[1], 2, range);
	if (st == THROWN)
		return THROWN;
	if (extra)
		*extra = argv[3];
	return st ? st : advice_span(*map, range[0], range[1], span);
}

/* The arguments of a (map, offset, length, int32) call, unwrapped by span_i32_args. */
struct span_i32 {
	int st; /* the range check: 0 when the span is good */
	struct map_record *map;
	struct page_span span;
	int32_t value;
};

/* Unwraps a (map, offset, length, int32) call into *a; THROWN, or 0 with a->st set. */
static int
span_i32_args(napi_env env, napi_callback_info info, struct span_i32 *a)
{
	napi_value extra;
	a->st = span_args(env, info, 4, &a->map, &a->span, &extra);
	return a->st == THROWN || arg_i32(env, extra, &a->value) ? THROWN : 0;
}

/* madvise(map, offset, length, advice): an advice code of advice.h. */
napi_value
js_madvise(napi_env env, napi_callback_info info)
{
	struct span_i32 a;
	if (span_i32_args(env, info, &a))
		return NULL;
	return status(env, a.st ? a.st : advice_apply(a.span, a.value));
}

/* populate(map, offset, length, write): 1 prefaults for writing, 0 for reading. */
napi_value
js_populate(napi_env env, napi_callback_info info)
{
	struct span_i32 a;
	if (span_i32_args(env, info, &a))
		return NULL;
	return status(env, a.st ? a.st : advice_populate(a.map, a.span, a.value != 0));
}

/* scheduleWriteback(map, offset, length): msync(MS_ASYNC). */
napi_value
js_schedule_writeback(napi_env env, napi_callback_info info)
{
	struct map_record *map;
	struct page_span span;
	int st = span_args(env, info, 3, &map, &span, NULL);
	if (st == THROWN)
		return NULL;
	return status(env, st ? st : advice_msync_async(span));
}

/* mincore(map, offset, length, vec): the count of resident pages, or a negative status. */
napi_value
js_mincore(napi_env env, napi_callback_info info)
{
	struct map_record *map;
	struct page_span span;
	napi_value extra;
	char *vec;
	size_t vec_len, resident = 0;
	int st = span_args(env, info, 4, &map, &span, &extra);
	if (st == THROWN || arg_bytes(env, extra, &vec, &vec_len))
		return NULL;
	if (st == 0)
		st = advice_mincore(span, (unsigned char *)vec, vec_len, &resident);
	return st ? status(env, st) : number(env, (double)resident);
}

/* mlock(map, offset, length, lock): 1 mlock, 0 munlock. */
napi_value
js_mlock(napi_env env, napi_callback_info info)
{
	struct span_i32 a;
	if (span_i32_args(env, info, &a))
		return NULL;
	return status(env, a.st ? a.st : advice_lock(a.span, a.value != 0));
}
