/* file_ops.c -- fallocate(2) and the FS_IOC_FIEMAP ioctl for @pmem2/source's bad blocks */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fiemap_abi.h"
#include "file_ops.h"
#include "napi_args.h"
#include "status.h"

/* Extents asked per FS_IOC_FIEMAP call. */
#define FIEMAP_BATCH 256

/* A file descriptor: an int32 number, or TypeError; a negative one answers -EBADF. */
static int
arg_fd(napi_env env, napi_value v, int *out)
{
	int32_t fd;
	if (arg_i32(env, v, &fd))
		return THROWN;
	if (fd < 0)
		return -EBADF;
	*out = fd;
	return 0;
}


napi_value
js_fallocate(napi_env env, napi_callback_info info)
{
	napi_value argv[4];
	if (get_args(env, info, 4, argv))
		return NULL;
	int fd = -1;
	int32_t mode;
	uint64_t offset = 0, length = 0; /* off_t: a bigint up to INT64_MAX */
	int status = arg_fd(env, argv[0], &fd);
	if (status == 0 && arg_i32(env, argv[1], &mode))
		status = THROWN;
	if (status == 0)
		status = arg_u64_max(env, argv[2], INT64_MAX, &offset);
	if (status == 0)
		status = arg_u64_max(env, argv[3], INT64_MAX, &length);
	if (status == 0 && fallocate(fd, mode, (off_t)offset, (off_t)length) != 0)
		status = -errno;
	return status_or_thrown(env, status);
}

/* Appends a batch of extents to the JS array; false when N-API failed. */
static bool
append_extents(napi_env env, napi_value array, uint32_t *count,
	const struct fiemap_extent *extents, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		napi_value obj;
		if (napi_create_object(env, &obj) != napi_ok ||
				set_prop(env, obj, "logical", bigint(env, extents[i].fe_logical)) ||
				set_prop(env, obj, "physical", bigint(env, extents[i].fe_physical)) ||
				set_prop(env, obj, "length", bigint(env, extents[i].fe_length)) ||
				napi_set_element(env, array, (*count)++, obj) != napi_ok)
			return false;
	}
	return true;
}

napi_value
js_fiemap(napi_env env, napi_callback_info info)
{
	napi_value arg = only_arg(env, info);
	if (!arg)
		return NULL;
	int fd = -1;
	int status = arg_fd(env, arg, &fd);
	if (status != 0)
		return status_or_thrown(env, status);

	size_t size = sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent);
	struct fiemap *map = malloc(size);
	if (map == NULL)
		return status_or_thrown(env, -ENOMEM);
	napi_value array;
	if (napi_create_array(env, &array) != napi_ok) {
		free(map);
		return NULL;
	}
	uint32_t count = 0;
	uint64_t start = 0;
	for (;;) {
		memset(map, 0, size);
		map->fm_start = start;
		map->fm_length = FIEMAP_MAX_OFFSET - start;
		map->fm_flags = FIEMAP_FLAG_SYNC;
		map->fm_extent_count = FIEMAP_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, map) != 0) {
			status = -errno;
			break;
		}
		uint32_t n = map->fm_mapped_extents;
		if (n == 0)
			break;
		if (!append_extents(env, array, &count, map->fm_extents, n)) {
			free(map);
			return NULL;
		}
		const struct fiemap_extent *last = &map->fm_extents[n - 1];
		uint64_t next = last->fe_logical + last->fe_length;
		/* the last extent, or one ending at (or wrapping past) the largest offset */
		if ((last->fe_flags & FIEMAP_EXTENT_LAST) || next <= start)
			break;
		start = next;
	}
	free(map);
	return status != 0 ? status_or_thrown(env, status) : array;
}
