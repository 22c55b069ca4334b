/* file_ops.h -- fallocate(2) and the FS_IOC_FIEMAP ioctl for @pmem2/source's bad blocks */

#ifndef PMEM2_NATIVE_FILE_OPS_H
#define PMEM2_NATIVE_FILE_OPS_H

#include <node_api.h>

/* fallocate(fd, mode, offset: bigint, length: bigint): 0, -errno or PMEM2_E_MAP_RANGE. */
napi_value js_fallocate(napi_env env, napi_callback_info info);

/* fiemap(fd): [{logical, physical, length}] in file order, or -errno. */
napi_value js_fiemap(napi_env env, napi_callback_info info);

#endif
