/* binding.c -- N-API module registration of @pmem2/native (the calls live in binding_*.c) */

#include <node_api.h>
#include <pthread.h>
#include <stdbool.h>

#include "bindings.h"
#include "cpu.h"
#include "crc32.h"
#include "file_ops.h"
#include "guard.h"
#include "napi_args.h"

/*
 * The once-per-process state of init_process. A statically initialised mutex and a flag,
 * not pthread_once: glibc 2.34 moved pthread_once into libc under the new version
 * GLIBC_2.34, which would raise the prebuild's glibc floor above Node 20's 2.28.
 */
static pthread_mutex_t Init_lock = PTHREAD_MUTEX_INITIALIZER;
static bool Init_done;

/*
 * Reads the CPU and the PMEM_* environment, fills the CRC-32 tables and installs the guard,
 * once per process (the initialiser runs again for every worker thread's environment,
 * possibly concurrently).
 */
static void
init_process(void)
{
	pthread_mutex_lock(&Init_lock);
	if (!Init_done) {
		persist_info_init();
		crc32_init();
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
		FN("granularityDecide", js_granularity_decide),
		FN("forceGranularity", js_force_granularity),
		FN("mapSize", js_map_size),
		FN("mapBuffer", js_map_buffer),
		FN("mapDelete", js_map_delete),
		FN("mapLost", js_map_lost),
		FN("mapShare", js_map_share),
		FN("mapOpenShared", js_map_open_shared),
		FN("mapSharers", js_map_sharers),
		FN("persist", js_persist),
		FN("flush", js_flush),
		FN("drain", js_drain),
		FN("mapPersistOps", js_map_persist_ops),
		FN("persistRanges", js_persist_ranges),
		FN("flushRanges", js_flush_ranges),
		FN("crc32", js_crc32),
		FN("msync", js_msync),
		FN("msyncAsync", js_msync_async),
		FN("memcpy", js_memcpy),
		FN("memmove", js_memmove),
		FN("memset", js_memset),
		FN("read", js_read),
		FN("lastOp", js_last_op),
		FN("madvise", js_madvise),
		FN("populate", js_populate),
		FN("scheduleWriteback", js_schedule_writeback),
		FN("mincore", js_mincore),
		FN("mlock", js_mlock),
		FN("fallocate", js_fallocate),
		FN("fiemap", js_fiemap),
	};
	if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) !=
			napi_ok) {
		throw_napi(env, "napi_define_properties");
		return NULL;
	}
	if (persist_define_args(env, exports) || faults_define_counter(env, exports))
		return NULL;
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

