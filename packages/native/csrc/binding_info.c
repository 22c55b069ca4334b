/* binding_info.c -- pageSize, fcntlGetFl, persistInfo and lastOp: what the addon chose and did */

#include <errno.h>
#include <fcntl.h>

#include "bindings.h"
#include "cpu.h"
#include "crc32.h"
#include "memops.h"
#include "mmap.h"
#include "napi_args.h"

/* pageSize(): sysconf(_SC_PAGESIZE). */
napi_value
js_page_size(napi_env env, napi_callback_info info)
{
	(void)info;
	return number(env, (double)page_size());
}

/* fcntlGetFl(fd): the flags or -errno. */
napi_value
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
napi_value
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
			set_prop(env, obj, "crc32", string(env, crc32_routine_name())) ||
			set_prop(env, obj, "wcWorkaround", boolean(env, p->wc_workaround)))
		return NULL;
	return obj;
}

/* lastOp(): what the last persist/flush/drain/mem call on this thread did. */
napi_value
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
