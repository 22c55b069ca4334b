/* fiemap_abi.h -- the FS_IOC_FIEMAP ABI: <linux/fiemap.h> and <linux/fs.h>, or (musl-gcc sees no
 * kernel headers, or PMEM2_NATIVE_OWN_FIEMAP) the same structures and constants spelled here */

#ifndef PMEM2_NATIVE_FIEMAP_ABI_H
#define PMEM2_NATIVE_FIEMAP_ABI_H

#if __has_include(<linux/fiemap.h>) && !defined(PMEM2_NATIVE_OWN_FIEMAP)
#include <linux/fiemap.h>
#include <linux/fs.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>

struct fiemap_extent {
	uint64_t fe_logical;
	uint64_t fe_physical;
	uint64_t fe_length;
	uint64_t fe_reserved64[2];
	uint32_t fe_flags;
	uint32_t fe_reserved[3];
};

struct fiemap {
	uint64_t fm_start;
	uint64_t fm_length;
	uint32_t fm_flags;
	uint32_t fm_mapped_extents;
	uint32_t fm_extent_count;
	uint32_t fm_reserved;
	struct fiemap_extent fm_extents[];
};

#define FIEMAP_MAX_OFFSET (~0ULL)
#define FIEMAP_FLAG_SYNC 0x00000001
#define FIEMAP_EXTENT_LAST 0x00000001
#define FS_IOC_FIEMAP _IOWR('f', 11, struct fiemap)
#endif

#endif
