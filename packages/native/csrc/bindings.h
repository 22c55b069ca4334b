/* bindings.h -- the N-API functions of types.ts NativeBinding, registered by binding.c */

#ifndef PMEM2_NATIVE_BINDINGS_H
#define PMEM2_NATIVE_BINDINGS_H

#include <node_api.h>

napi_value js_page_size(napi_env env, napi_callback_info info);
napi_value js_fcntl_get_fl(napi_env env, napi_callback_info info);
napi_value js_persist_info(napi_env env, napi_callback_info info);
napi_value js_reservation_new(napi_env env, napi_callback_info info);
napi_value js_reservation_address(napi_env env, napi_callback_info info);
napi_value js_reservation_size(napi_env env, napi_callback_info info);
napi_value js_reservation_extend(napi_env env, napi_callback_info info);
napi_value js_reservation_shrink(napi_env env, napi_callback_info info);
napi_value js_reservation_delete(napi_env env, napi_callback_info info);
napi_value js_map_new(napi_env env, napi_callback_info info);
napi_value js_granularity_decide(napi_env env, napi_callback_info info);
napi_value js_force_granularity(napi_env env, napi_callback_info info);
napi_value js_map_size(napi_env env, napi_callback_info info);
napi_value js_map_buffer(napi_env env, napi_callback_info info);
napi_value js_map_delete(napi_env env, napi_callback_info info);
napi_value js_persist(napi_env env, napi_callback_info info);
napi_value js_flush(napi_env env, napi_callback_info info);
napi_value js_drain(napi_env env, napi_callback_info info);
napi_value js_map_persist_ops(napi_env env, napi_callback_info info);
napi_value js_persist_ranges(napi_env env, napi_callback_info info);
napi_value js_flush_ranges(napi_env env, napi_callback_info info);
napi_value js_crc32(napi_env env, napi_callback_info info);

/* Defines exports.persistArgs (binding_persist.c); 1 (THROWN) on failure. */
int persist_define_args(napi_env env, napi_value exports);
int faults_define_counter(napi_env env, napi_value exports);
napi_value js_msync(napi_env env, napi_callback_info info);
napi_value js_msync_async(napi_env env, napi_callback_info info);
napi_value js_memcpy(napi_env env, napi_callback_info info);
napi_value js_memmove(napi_env env, napi_callback_info info);
napi_value js_memset(napi_env env, napi_callback_info info);
napi_value js_read(napi_env env, napi_callback_info info);
napi_value js_last_op(napi_env env, napi_callback_info info);
napi_value js_madvise(napi_env env, napi_callback_info info);
napi_value js_populate(napi_env env, napi_callback_info info);
napi_value js_schedule_writeback(napi_env env, napi_callback_info info);
napi_value js_mincore(napi_env env, napi_callback_info info);
napi_value js_mlock(napi_env env, napi_callback_info info);
napi_value js_map_lost(napi_env env, napi_callback_info info);
napi_value js_map_share(napi_env env, napi_callback_info info);
napi_value js_map_open_shared(napi_env env, napi_callback_info info);
napi_value js_map_sharers(napi_env env, napi_callback_info info);

#endif
