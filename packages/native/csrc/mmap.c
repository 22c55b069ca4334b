/* mmap.c -- system calls of pmem2_map_new/delete and pmem2_vm_reservation_* (map_posix.c) */

#include "mmap.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "status.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* sysconf(_SC_PAGESIZE), read once. */
size_t
page_size(void)
{
	static size_t cached;
	if (cached == 0) {
		long ps = sysconf(_SC_PAGESIZE);
		cached = ps > 0 ? (size_t)ps : 4096;
	}
	return cached;
}

/* Translates PMEM2_PROT_* bits to PROT_*; -1 for unknown bits. */
int
protection_to_prot(unsigned protection)
{
	if (protection & ~(PMEM2_PROT_EXEC | PMEM2_PROT_READ | PMEM2_PROT_WRITE))
		return -1;
	int prot = 0;
	if (protection & PMEM2_PROT_EXEC)
		prot |= PROT_EXEC;
	if (protection & PMEM2_PROT_READ)
		prot |= PROT_READ;
	if (protection & PMEM2_PROT_WRITE)
		prot |= PROT_WRITE;
	return prot;
}

/* libpmem2's get_map_alignment: 2 MiB, 1 GiB for lengths >= 2 GiB, at least min_align. */
size_t
map_alignment(size_t len, size_t min_align)
{
	size_t align = len >= 2 * GIGABYTE ? GIGABYTE : 2 * MEGABYTE;
	return align < min_align ? min_align : align;
}

/* Rounds v up to a multiple of align; 0 on success, -1 on overflow or a zero align. */
int
align_up(size_t v, size_t align, size_t *out)
{
	if (align == 0)
		return -1;
	size_t rem = v % align;
	if (rem == 0) {
		*out = v;
		return 0;
	}
	if (v > SIZE_MAX - (align - rem))
		return -1;
	*out = v + (align - rem);
	return 0;
}

/*
 * map_reserve: "Create dummy mapping to find an unused region of given size. Use
 * MAP_PRIVATE with read-only access to simulate zero cost for overcommit accounting"
 * (map_posix.c). The start is rounded up to `alignment` and the head and the tail beyond
 * roundup(len, page) are unmapped.
 */
int
placeholder_reserve(size_t len, size_t alignment, char **addr, size_t *reserved_len,
		bool *trim_failed)
{
	*trim_failed = false;
	size_t reslen;
	if (align_up(len, page_size(), &reslen) || len > SIZE_MAX - alignment)
		return -ENOMEM;
	size_t dlength = len + alignment;

	char *daddr = mmap(NULL, dlength, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (daddr == MAP_FAILED)
		return errno == EEXIST ? PMEM2_E_MAPPING_EXISTS : -errno;

	size_t base;
	if (align_up((uintptr_t)daddr, alignment, &base)) {
		munmap(daddr, dlength);
		return -ENOMEM;
	}
	size_t head = base - (uintptr_t)daddr;
	/* holds for page-multiple alignments; checked because alignment comes from JS */
	if (head > dlength || reslen > dlength - head) {
		munmap(daddr, dlength);
		return -ENOMEM;
	}
	if (head && munmap(daddr, head)) {
		int err = errno;
		*trim_failed = true;
		munmap(daddr, dlength);
		return -err;
	}
	size_t tail = dlength - head - reslen;
	if (tail && munmap((char *)base + reslen, tail)) {
		int err = errno;
		*trim_failed = true;
		munmap((char *)base, dlength - head);
		return -err;
	}
	*addr = (char *)base;
	*reserved_len = reslen;
	return 0;
}

/*
 * After a failed MAP_FIXED mmap at addr: whether [addr, +len) is still ours to unmap or
 * mend. A MAP_FIXED mmap that fails inside the file system's mmap hook (EIO, say) may already have
 * unmapped the placeholder, and another thread's mmap may take the hole before we clean up:
 * unmapping then would destroy its mapping. So the range is claimed back with
 * MAP_FIXED_NOREPLACE: that succeeds only over a hole (ours again), and fails with EEXIST
 * while anything is mapped there. An occupied range is ours only when it is occupied
 * throughout (the placeholder untouched: the mmap failed before the kernel unmapped it); a
 * gap anywhere (msync's ENOMEM) means the kernel did unmap it and something else took part
 * of it, and nothing there is ours. Not provable: a mapping of another thread filling the
 * whole hole at once looks like the untouched placeholder (see docs/guide.md).
 */
static bool
reclaim(char *addr, size_t len)
{
	if (len == 0)
		return true;
	char *got = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			-1, 0);
	if (got == addr)
		return true;
	/* a kernel before 4.17 takes the flag as a hint and maps elsewhere when occupied */
	if (got != MAP_FAILED)
		munmap(got, len);
	return msync(addr, len, MS_ASYNC) == 0;
}

/*
 * A MAP_FIXED mmap at addr just failed: its -errno, and in *ours (unless NULL) whether the
 * range is still ours, asked once for this failure (reclaim).
 */
static int
fixed_failed(char *addr, size_t len, bool *ours)
{
	int err = -errno;
	if (ours)
		*ours = reclaim(addr, len);
	return err;
}

/*
 * Whether the file maps with MAP_SYNC: a trial mapping at an address the kernel picks, so a
 * refusal touches nothing of ours. 1 yes, 0 no (EOPNOTSUPP, or EINVAL from a kernel without
 * MAP_SHARED_VALIDATE), or -errno.
 */
static int
maps_sync(size_t len, int prot, int fd, uint64_t offset)
{
	void *trial = mmap(NULL, len, prot, MAP_SHARED_VALIDATE | MAP_SYNC, fd, (off_t)offset);
	if (trial == MAP_FAILED)
		return errno == EINVAL || errno == EOPNOTSUPP ? 0 : -errno;
	munmap(trial, len);
	return 1;
}

/*
 * file_map: "MAP_SYNC ... is supported only for files supporting DAX. ... If MAP_SYNC is
 * not supported, mmap fails with EOPNOTSUPP" (mmap(2)); old kernels that do not know
 * MAP_SHARED_VALIDATE fail with EINVAL. Only those two errnos fall back to MAP_SHARED.
 * libpmem2 tries MAP_SYNC over the placeholder itself, but a MAP_FIXED mmap that the file
 * system refuses (ext4 without DAX: EOPNOTSUPP from its mmap hook) has already unmapped the
 * range, and another thread's mmap can take the hole before the retry: two mappings would
 * then share one address. So MAP_SYNC is tried away from the placeholder first.
 */
int
map_fixed(char *addr, size_t len, int prot, int private_mapping, int fd, uint64_t offset,
		int *map_sync, bool *ours)
{
	if (ours)
		*ours = true; /* nothing touched the range yet */
	int flags = MAP_FIXED;
	if (fd < 0) {
		flags |= MAP_ANONYMOUS;
		fd = -1;
		offset = 0;
	}
	*map_sync = 0;
	void *got;
	if (private_mapping) {
		got = mmap(addr, len, prot, flags | MAP_PRIVATE, fd, (off_t)offset);
	} else {
		int sync = fd >= 0 ? maps_sync(len, prot, fd, offset) : 0;
		if (sync < 0)
			return sync;
		if (sync) {
			got = mmap(addr, len, prot, flags | MAP_SHARED_VALIDATE | MAP_SYNC, fd,
					(off_t)offset);
			if (got != MAP_FAILED) {
				*map_sync = 1;
				return 0;
			}
			bool fallback = errno == EINVAL || errno == EOPNOTSUPP;
			bool mine;
			int err = fixed_failed(addr, len, &mine);
			if (ours)
				*ours = mine;
			if (!fallback)
				return err;
			if (!mine)
				return -EEXIST; /* the fallback's MAP_FIXED would replace another's */
		}
		got = mmap(addr, len, prot, flags | MAP_SHARED, fd, (off_t)offset);
	}
	if (got == MAP_FAILED)
		return fixed_failed(addr, len, ours);
	return 0;
}

/* Refuses a range past the end of a regular file; JavaScript's own check runs first. */
int
check_file_range(int fd, uint64_t offset, size_t len)
{
	/*
	 * fstat(2) through syscall(2): glibc's fstat symbol is versioned GLIBC_2.33, above the
	 * prebuild's 2.28 floor. The kernel's struct stat is glibc's and musl's on x86_64 and
	 * aarch64.
	 */
	struct stat st;
	if (syscall(SYS_fstat, fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	uint64_t size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	if (offset > size || len > size - offset)
		return PMEM2_E_MAP_RANGE;
	return 0;
}

/* munmap; -errno on failure. */
int
map_unmap(char *addr, size_t len)
{
	if (len == 0)
		return 0;
	return munmap(addr, len) ? -errno : 0;
}

/* mend: replaces the range with PROT_NONE anonymous memory, as vm_reservation_mend does. */
int
map_mend(char *addr, size_t len)
{
	if (len == 0)
		return 0;
	void *got = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	return got == MAP_FAILED ? -errno : 0;
}

/*
 * vm_reservation_reserve_memory: with a hint, MAP_FIXED_NOREPLACE; "If kernel does not
 * support the MAP_FIXED_NOREPLACE flag and provided address is occupied, kernel chooses new
 * random address" -- a moved result is unmapped and reported as MAPPING_EXISTS.
 */
int
reserve_memory(char *hint, size_t size, char **raddr)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	if (hint)
		flags |= MAP_FIXED_NOREPLACE;
	char *got = mmap(hint, size, PROT_NONE, flags, -1, 0);
	if (got == MAP_FAILED)
		return errno == EEXIST ? PMEM2_E_MAPPING_EXISTS : -errno;
	if (hint && got != hint) {
		munmap(got, size);
		return PMEM2_E_MAPPING_EXISTS;
	}
	*raddr = got;
	return 0;
}

/*
 * pmem2_persist_pages for one map: msync(MS_SYNC), "restarting on EINTR", -errno on error.
 * The system call is made through syscall(2), not libc's msync: msync is a cancellation
 * point, and in a process with more than one thread (Node always has several) glibc's
 * wrapper switches asynchronous cancellation on and off around the call, two atomic
 * updates that cost about 20 ns an msync here, 15% of a tmpfs page's persist. The system
 * call and its arguments are libc's msync's; no thread of ours is ever cancelled, so
 * leaving out the cancellation point changes nothing else (tools/bench/README.md).
 */
int
msync_range(char *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(page_size() - 1);
	size_t total = len + ((uintptr_t)addr - start);
	long ret;
	do {
		ret = syscall(SYS_msync, (void *)start, total, (long)MS_SYNC);
	} while (ret != 0 && errno == EINTR);
	return ret ? -errno : 0;
}
