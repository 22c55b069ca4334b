/* handles.c -- type-tagged N-API handles for records, and the mapping's one ArrayBuffer */

#include "handles.h"

#include <stddef.h>

#include "status.h"

/* Random 128-bit tags: a reservation handle is never taken for a map handle and back. */
static const napi_type_tag Map_tag = {0x5f0d8e2a7c3b4e19ULL, 0x9a61c2f4d8b7e035ULL};
static const napi_type_tag Rsv_tag = {0x2b7e91c46f0a3d58ULL, 0xe4c0a7195d3f826bULL};

/* Finalizer of a map handle: drops the handle's reference. */
static void
finalize_map(napi_env env, void *data, void *hint)
{
	(void)hint;
	struct map_record *map = data;
	if (map->buffer_ref) {
		napi_delete_reference(env, (napi_ref)map->buffer_ref);
		map->buffer_ref = NULL;
	}
	map_record_put(map);
}

/*
 * Finalizer of the mapping's ArrayBuffer: drops the buffer's reference. Node runs it after
 * the buffer is collected; bun and deno run it synchronously inside napi_detach_arraybuffer,
 * so it touches nothing but the reference count (toolchain.md G8).
 */
static void
finalize_buffer(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)data;
	map_record_put(hint);
}

/*
 * Finalizer of the ArrayBuffer OBJECT (not its backing store): runs when the object is
 * collected, which Node's asynchronous APIs (zlib, crypto, fs on the thread pool) prevent
 * while they hold a view of it. So the last one gone is the last external user: a mapping
 * deleted meanwhile returns its parked range to the system here.
 */
static void
finalize_buffer_object(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	struct map_record *map = data;
	map_record_user_gone(map);
	map_record_put(map);
}

/* Finalizer of a reservation handle: drops the handle's reference. */
static void
finalize_rsv(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	rsv_record_put(data);
}

/*
 * Wraps a record in an external tagged with `tag`, or returns NULL after throwing. The record's
 * reference passes to the external: when the external cannot be made, `fin` drops it at once,
 * and an external that cannot be tagged drops it when collected. So the caller never puts it.
 */
static napi_value
new_tagged(napi_env env, void *record, napi_finalize fin, const napi_type_tag *tag)
{
	napi_value out;
	if (napi_create_external(env, record, fin, NULL, &out) != napi_ok) {
		fin(env, record, NULL);
		napi_throw_error(env, NULL, "napi_create_external failed");
		return NULL;
	}
	if (napi_type_tag_object(env, out, tag) != napi_ok) {
		napi_throw_error(env, NULL, "napi_type_tag_object failed");
		return NULL;
	}
	return out;
}

/* Wraps a new map record in a tagged external; NULL after throwing. */
napi_value
handle_new_map(napi_env env, struct map_record *map)
{
	return new_tagged(env, map, finalize_map, &Map_tag);
}

/* Wraps a new reservation record in a tagged external; NULL after throwing. */
napi_value
handle_new_rsv(napi_env env, struct rsv_record *rsv)
{
	return new_tagged(env, rsv, finalize_rsv, &Rsv_tag);
}

/*
 * The last handle of this thread that passed its tag check: the record, its tag, and
 * record_frees() at the time. napi_check_object_type_tag reads a private property of the
 * external, which costs about 100 ns when the call sits between system calls (a page-granular
 * persist, in this VM). Only native code can make an external, and only this file makes
 * externals around our records, so an external that carries the remembered record pointer is
 * the same handle, as long as no record has been freed since (then the memory could belong to
 * someone else). In that case the tag is not read again.
 */
static _Thread_local struct {
	void *record;
	const napi_type_tag *tag;
	unsigned long frees;
} Checked;

/* The record behind a handle tagged `tag`; NULL with a TypeError pending otherwise. */
static void *
unwrap_tagged(napi_env env, napi_value value, const napi_type_tag *tag, const char *what)
{
	bool tagged = false;
	void *record = NULL;
	/* napi_get_value_external refuses every non-external (napi_invalid_arg), so the tag is
	 * only ever read from an external; the record is used only once the tag matched. */
	if (napi_get_value_external(env, value, &record) != napi_ok || record == NULL) {
		napi_throw_type_error(env, NULL, what);
		return NULL;
	}
	unsigned long frees = record_frees();
	if (record == Checked.record && tag == Checked.tag && frees == Checked.frees)
		return record;
	if (napi_check_object_type_tag(env, value, tag, &tagged) != napi_ok || !tagged) {
		napi_throw_type_error(env, NULL, what);
		return NULL;
	}
	Checked.record = record;
	Checked.tag = tag;
	Checked.frees = frees;
	return record;
}

/* The map record behind a handle; NULL with a pending TypeError for anything else. */
struct map_record *
handle_map(napi_env env, napi_value value)
{
	return unwrap_tagged(env, value, &Map_tag, "expected a @pmem2/native map handle");
}

/* The reservation record behind a handle; NULL with a pending TypeError otherwise. */
struct rsv_record *
handle_rsv(napi_env env, napi_value value)
{
	return unwrap_tagged(env, value, &Rsv_tag, "expected a @pmem2/native reservation handle");
}

/* The buffer the weak reference still reaches and nobody detached (transferred), or NULL. */
static napi_value
live_buffer(napi_env env, struct map_record *map)
{
	napi_value value = NULL;
	bool detached = false;
	if (map->buffer_ref &&
			(napi_get_reference_value(env, (napi_ref)map->buffer_ref, &value) != napi_ok ||
					(value && (napi_is_detached_arraybuffer(env, value, &detached) !=
									napi_ok ||
							  detached))))
		value = NULL;
	return value;
}

/*
 * The mapping's one external ArrayBuffer: created on the first call and returned again while
 * alive. It holds a reference on the record, so the mapping outlives a collected handle.
 */
int
handle_map_buffer(napi_env env, struct map_record *map, napi_value *out)
{
	if (!map->addr)
		return PMEM2_E_MAPPING_NOT_FOUND;
	if ((map->protection & (PMEM2_PROT_READ | PMEM2_PROT_WRITE)) !=
			(PMEM2_PROT_READ | PMEM2_PROT_WRITE))
		return PMEM2_E_NO_ACCESS;
	napi_value existing = live_buffer(env, map);
	if (existing) {
		*out = existing;
		return 0;
	}
	if (map->buffer_ref) {
		napi_delete_reference(env, (napi_ref)map->buffer_ref);
		map->buffer_ref = NULL;
	}
	napi_value ab;
	/* SAFETY: [addr, addr+content_len) stays mapped while this buffer holds its reference */
	napi_status s = napi_create_external_arraybuffer(env, map->addr, map->content_len,
			finalize_buffer, map, &ab);
	if (s == napi_no_external_buffers_allowed)
		return PMEM2_E_NOSUPP;
	if (s != napi_ok)
		return HANDLE_NAPI_FAILED;
	map->refs++;
	if (napi_add_finalizer(env, ab, map, finalize_buffer_object, NULL, NULL) != napi_ok)
		return HANDLE_NAPI_FAILED;
	map->refs++;
	map_record_user_new(map);
	napi_ref ref;
	if (napi_create_reference(env, ab, 0, &ref) != napi_ok)
		return HANDLE_NAPI_FAILED;
	map->buffer_ref = ref;
	*out = ab;
	return 0;
}

/*
 * Closes the mapping to msyncs that have not started and waits for those that have, then
 * unmaps, mends or parks FIRST (map_record_delete): when that fails the record, its buffer
 * and (inside a reservation) its occupancy are untouched and a later delete can succeed, as
 * libpmem2 re-registers the map. Only after it succeeded is the buffer detached (no
 * JavaScript runs in between; a finalizer run inside napi_detach_arraybuffer only drops a
 * reference, and the handle still holds one). A thread-pool task that took the buffer's
 * pointer before finishes on the parked anonymous memory (it reads zeros, its stores are
 * dropped) until the buffer object is collected.
 */
int
handle_map_delete(napi_env env, struct map_record *map)
{
	if (!map->addr)
		return PMEM2_E_MAPPING_NOT_FOUND;
	map_record_close_msyncs(map);
	int ret = map_record_delete(map);
	if (ret) {
		map_record_reopen_msyncs(map);
		return ret;
	}
	napi_value ab = live_buffer(env, map);
	if (map->buffer_ref) {
		napi_delete_reference(env, (napi_ref)map->buffer_ref);
		map->buffer_ref = NULL;
	}
	if (ab)
		napi_detach_arraybuffer(env, ab);
	return 0;
}
