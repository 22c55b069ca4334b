/* binding_advice.c -- madvise, populate, MS_ASYNC msync, mincore and mlock calls on a mapping */

#include "advice.h"
#include "bindings.h"
#include "handles.h"
#include "napi_args.h"
#include "records.h"

/*
 * Unwraps (map, offset, length, <int32 extra>) and the page span of the range; the status
 * of the range check (0 when the span is good) or THROWN.
 */
static int
span_args(napi_env env, napi_callback_info info, size_t argc, struct map_record **map,
		struct page_span *span, napi_value *extra)
{
	napi_value argv[4];
	uint64_t off = 0, len = 0;
	if (get_args(env, info, argc, argv) || !(*map = handle_map(env, argv[0])))
		return THROWN;
	int st = arg_index(env, argv[1], &off);
	if (st == 0)
		st = arg_index(env, argv[2], &len);
	if (st == THROWN)
		return THROWN;
	if (extra)
		*extra = argv[3];
	return st ? st : advice_span(*map, off, len, span);
}

/* The int32 fourth argument, or THROWN. */
static int
i32_arg(napi_env env, napi_value v, int32_t *out)
{
	return arg_i32(env, v, out) ? THROWN : 0;
}

/* madvise(map, offset, length, advice): an advice code of advice.h. */
napi_value
js_madvise(napi_env env, napi_callback_info info)
{
	struct map_record *map;
	struct page_span span;
	napi_value extra;
	int32_t advice;
	int st = span_args(env, info, 4, &map, &span, &extra);
	if (st == THROWN || i32_arg(env, extra, &advice))
		return NULL;
	return status(env, st ? st : advice_apply(span, advice));
}

/* populate(map, offset, length, write): 1 prefaults for writing, 0 for reading. */
napi_value
js_populate(napi_env env, napi_callback_info info)
{
	struct map_record *map;
	struct page_span span;
	napi_value extra;
	int32_t write;
	int st = span_args(env, info, 4, &map, &span, &extra);
	if (st == THROWN || i32_arg(env, extra, &write))
		return NULL;
	return status(env, st ? st : advice_populate(map, span, write != 0));
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
	struct map_record *map;
	struct page_span span;
	napi_value extra;
	int32_t lock;
	int st = span_args(env, info, 4, &map, &span, &extra);
	if (st == THROWN || i32_arg(env, extra, &lock))
		return NULL;
	return status(env, st ? st : advice_lock(span, lock != 0));
}
