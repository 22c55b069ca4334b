/*
 * shim.c -- LD_PRELOAD fault injection for the reliability tests
 *
 * Makes the Nth call of one libc function fail with a chosen errno, so the tests can check
 * that every call site in map creation, deletion, persist and reservation handling surfaces
 * libpmem2's error and leaves nothing behind.
 *
 * Environment (read at load):
 *   PMEM2_FAULT_FUNC   mmap | mmap_late | munmap | msync | msync_async | madvise | mincore | mlock |
 *                      munlock | fallocate | fstat | fcntl | open
 *   PMEM2_FAULT_NTH    which armed call fails (1 = the first)
 *   PMEM2_FAULT_ERRNO  the errno number to fail with
 *   PMEM2_FAULT_PATH   for open/fstat/statx: only paths containing this text count (open only)
 * Counting starts when the process opens the path "/pmem2-fault/arm" (that open fails with
 * ENOENT), so Node's own start-up calls are never counted. mmap (and mmap64, which the addon
 * imports), munmap, msync, madvise, mincore, mlock, munlock and fallocate (and fallocate64)
 * count only calls made from the @pmem2/native addon (the base name of its file contains
 * "pmem2"), found with dladdr; an
 * msync with MS_ASYNC counts as msync_async (not msync), so the MS_SYNC and MS_ASYNC call
 * sites fail separately. fcntl counts fcntl and fcntl64 calls from anywhere.
 * mmap_late counts MAP_FIXED mmaps of a file from the addon and fails like a file system's
 * mmap hook after the old mapping is gone (fails_late; PMEM2_FAULT_TAKE).
 * PMEM2_FAULT_SYNC set (armed or not): the addon's MAP_SYNC trial mapping (not MAP_FIXED) is
 * made without MAP_SYNC, so any file looks DAX to it and map_fixed takes its MAP_SYNC path
 * over the placeholder (whose real mmap a non-DAX file refuses: the MAP_SHARED fallback).
 * fstat is Node's fs.fstatSync, which libuv makes through the statx system call: it is counted
 * at syscall(SYS_statx). The addon's MS_SYNC msync is made through syscall(SYS_msync) (mmap.c
 * msync_range), so it is counted there as well as at msync.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *fault_func;
static const char *fault_path;
static long fault_nth;
static int fault_errno;
static int armed;
static long calls;

__attribute__((constructor)) static void
shim_init(void)
{
	fault_func = getenv("PMEM2_FAULT_FUNC");
	fault_path = getenv("PMEM2_FAULT_PATH");
	const char *nth = getenv("PMEM2_FAULT_NTH");
	const char *err = getenv("PMEM2_FAULT_ERRNO");
	fault_nth = nth ? atol(nth) : 0;
	fault_errno = err ? atoi(err) : 0;
}

/*
 * from_addon -- is the caller's code inside the @pmem2/native addon? Only the file's base
 * name is compared (build/Release/pmem2_native.node, prebuilds/…/@pmem2+native.node, an ASan
 * build's pmem2_native*.node), so a checkout under a directory named pmem2 counts nothing
 * else, and this shim (pmem2-fault-shim-<hash>.so) never counts itself.
 */
static int
from_addon(void *ret)
{
	Dl_info info;
	if (!dladdr(ret, &info) || !info.dli_fname)
		return 0;
	const char *slash = strrchr(info.dli_fname, '/');
	const char *base = slash ? slash + 1 : info.dli_fname;
	return strstr(base, "pmem2") != NULL && strstr(base, "fault-shim") == NULL;
}

/*
 * should_fail -- counts an armed call of func and tells whether this one fails. Calls are
 * counted on every thread (persistAsync's msync runs on the libuv thread pool), so the
 * counter is atomic: of concurrent calls exactly one is the Nth.
 */
static int
should_fail(const char *func)
{
	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE) || !fault_func ||
			strcmp(fault_func, func) != 0)
		return 0;
	if (__atomic_add_fetch(&calls, 1, __ATOMIC_ACQ_REL) != fault_nth)
		return 0;
	errno = fault_errno;
	return 1;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

/* PMEM2_FAULT_SYNC: a MAP_SYNC trial mapping's flags without MAP_SYNC (plain MAP_SHARED). */
static int
trial_flags(int flags)
{
	if (!getenv("PMEM2_FAULT_SYNC") || (flags & MAP_FIXED) || !(flags & MAP_SYNC))
		return flags;
	return (flags & ~(MAP_SYNC | MAP_SHARED_VALIDATE)) | MAP_SHARED;
}

/*
 * The addon is built with _FILE_OFFSET_BITS=64, so it imports mmap64, open64 and fcntl64 (glibc
 * >= 2.28): the same functions under a second name. Each pair gets one body, from these macros.
 */
/*
 * fails_late -- mmap_late: a MAP_FIXED mmap of a file that fails inside the file system's
 * mmap hook after the kernel took the old mapping down. The range is unmapped, and with
 * PMEM2_FAULT_TAKE set another mapping (one PROT_READ anonymous page) takes the start of
 * the hole, as another thread's mmap could; its address goes to PMEM2_FAULT_TAKEN (hex).
 */
static void *
fails_late(void *addr, size_t len)
{
	REAL(munmap)(addr, len);
	if (getenv("PMEM2_FAULT_TAKE")) {
		void *took = REAL(mmap)(addr, (size_t)sysconf(_SC_PAGESIZE), PROT_READ,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		char hex[32];
		snprintf(hex, sizeof(hex), "%lx", (unsigned long)(uintptr_t)took);
		setenv("PMEM2_FAULT_TAKEN", took == addr ? hex : "none", 1);
	}
	errno = fault_errno;
	return MAP_FAILED;
}

#define WRAP_MMAP(name)                                                                   \
	void *name(void *addr, size_t len, int prot, int flags, int fd, off_t off)        \
	{                                                                                 \
		int addon = from_addon(__builtin_return_address(0));                      \
		if (addon && should_fail("mmap"))                                         \
			return MAP_FAILED;                                                \
		if (addon && (flags & MAP_FIXED) && fd >= 0 && should_fail("mmap_late"))  \
			return fails_late(addr, len);                                     \
		if (addon)                                                                \
			flags = trial_flags(flags);                                       \
		return REAL(name)(addr, len, prot, flags, fd, off);                       \
	}

WRAP_MMAP(mmap)
WRAP_MMAP(mmap64)

int
munmap(void *addr, size_t len)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("munmap"))
		return -1;
	return REAL(munmap)(addr, len);
}

int
msync(void *addr, size_t len, int flags)
{
	if (from_addon(__builtin_return_address(0)) &&
			should_fail((flags & MS_ASYNC) ? "msync_async" : "msync"))
		return -1;
	return REAL(msync)(addr, len, flags);
}

int
madvise(void *addr, size_t len, int advice)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("madvise"))
		return -1;
	return REAL(madvise)(addr, len, advice);
}

int
mincore(void *addr, size_t len, unsigned char *vec)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("mincore"))
		return -1;
	return REAL(mincore)(addr, len, vec);
}

int
mlock(const void *addr, size_t len)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("mlock"))
		return -1;
	return REAL(mlock)(addr, len);
}

int
munlock(const void *addr, size_t len)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("munlock"))
		return -1;
	return REAL(munlock)(addr, len);
}

int
fallocate(int fd, int mode, off_t offset, off_t len)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("fallocate"))
		return -1;
	return REAL(fallocate)(fd, mode, offset, len);
}

int
fallocate64(int fd, int mode, off64_t offset, off64_t len)
{
	if (from_addon(__builtin_return_address(0)) && should_fail("fallocate"))
		return -1;
	return REAL(fallocate64)(fd, mode, offset, len);
}

/* open_counts -- arms on the magic path; counts opens of paths containing PMEM2_FAULT_PATH */
static int
open_fails(const char *path)
{
	if (strcmp(path, "/pmem2-fault/arm") == 0) {
		__atomic_store_n(&calls, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
		errno = ENOENT;
		return 1;
	}
	if (fault_path && !strstr(path, fault_path))
		return 0;
	return should_fail("open");
}

/* open/open64: the mode argument is there only with O_CREAT or O_TMPFILE. */
#define WRAP_OPEN(name)                                                                   \
	int name(const char *path, int flags, ...)                                        \
	{                                                                                 \
		mode_t mode = 0;                                                          \
		if (flags & (O_CREAT | O_TMPFILE)) {                                      \
			va_list ap;                                                       \
			va_start(ap, flags);                                              \
			mode = va_arg(ap, mode_t);                                        \
			va_end(ap);                                                       \
		}                                                                         \
		if (open_fails(path))                                                     \
			return -1;                                                        \
		return REAL(name)(path, flags, mode);                                     \
	}

WRAP_OPEN(open)
WRAP_OPEN(open64)

/* fcntl/fcntl64: the third argument, when there is one, fits a long. */
#define WRAP_FCNTL(name)                                                                  \
	int name(int fd, int cmd, ...)                                                    \
	{                                                                                 \
		va_list ap;                                                               \
		va_start(ap, cmd);                                                        \
		long arg = va_arg(ap, long);                                              \
		va_end(ap);                                                               \
		if (should_fail("fcntl"))                                                 \
			return -1;                                                        \
		return REAL(name)(fd, cmd, arg);                                          \
	}

WRAP_FCNTL(fcntl)
WRAP_FCNTL(fcntl64)

int
fstat(int fd, struct stat *st)
{
	if (should_fail("fstat"))
		return -1;
	return REAL(fstat)(fd, st);
}

long
syscall(long number, ...)
{
	va_list ap;
	va_start(ap, number);
	long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
	long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_statx && (a3 & AT_EMPTY_PATH) && should_fail("fstat"))
		return -1;
	if (number == SYS_msync && from_addon(__builtin_return_address(0)) &&
			should_fail((a3 & MS_ASYNC) ? "msync_async" : "msync"))
		return -1;
	return REAL(syscall)(number, a1, a2, a3, a4, a5, a6);
}
