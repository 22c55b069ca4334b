/* mmap.h -- system calls of pmem2_map_new/delete and pmem2_vm_reservation_* (map_posix.c) */

#ifndef PMEM2_NATIVE_MMAP_H
#define PMEM2_NATIVE_MMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEGABYTE ((size_t)1 << 20)
#define GIGABYTE ((size_t)1 << 30)

/* sysconf(_SC_PAGESIZE), read once. */
size_t page_size(void);

/* Translates PMEM2_PROT_* bits to PROT_*; -1 for unknown bits. */
int protection_to_prot(unsigned protection);

/* libpmem2's get_map_alignment / vm_reservation_get_map_alignment. */
size_t map_alignment(size_t len, size_t min_align);

/* Rounds v up to a multiple of a power-of-two-or-not `align`; 0 when it would overflow. */
int align_up(size_t v, size_t align, size_t *out);

/*
 * map_reserve: a PROT_READ placeholder of roundup(len, page) bytes aligned to `alignment`.
 * On failure *trim_failed tells whether the munmap of the unaligned head or tail failed
 * (libpmem2: "munmap: …") rather than the placeholder's mmap ("mmap MAP_ANONYMOUS: …").
 */
int placeholder_reserve(size_t len, size_t alignment, char **addr, size_t *reserved_len,
		bool *trim_failed);

/*
 * file_map: mmap(MAP_FIXED) of fd (-1 = anonymous) at addr. Shared file maps try
 * MAP_SHARED_VALIDATE|MAP_SYNC first; *map_sync tells whether it took. On failure, *ours
 * (unless NULL) tells whether [addr, +len) is still ours to unmap or mend: true when the
 * range was untouched or claimed back (as a PROT_NONE placeholder where the kernel had
 * unmapped it), false when something else is mapped in it now (leave it alone).
 */
int map_fixed(char *addr, size_t len, int prot, int private_mapping, int fd, uint64_t offset,
		int *map_sync, bool *ours);

/*
 * Refuses [offset, offset + len) past the end of a regular file (fstat's st_size) with
 * PMEM2_E_MAP_RANGE: its pages past the end would raise SIGBUS when touched. Other file
 * types pass (mmap decides). -errno when fstat fails.
 */
int check_file_range(int fd, uint64_t offset, size_t len);

/* munmap; -errno on failure. */
int map_unmap(char *addr, size_t len);

/* Mends a range inside a reservation back to PROT_NONE anonymous memory. */
int map_mend(char *addr, size_t len);

/* vm_reservation_reserve_memory: PROT_NONE private anonymous, NOREPLACE at addr if given. */
int reserve_memory(char *hint, size_t size, char **raddr);

/* msync(MS_SYNC) of the page-aligned cover of [addr, addr+len), restarted on EINTR. */
int msync_range(char *addr, size_t len);

#endif
