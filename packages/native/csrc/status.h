/* status.h -- the libpmem2 constants the addon returns or reads (libpmem2/base.h values) */

#ifndef PMEM2_NATIVE_STATUS_H
#define PMEM2_NATIVE_STATUS_H

/*
 * The addon does not include libpmem2.h (users need no libpmem2-dev); these values are
 * copied from libpmem2 1.12.1's base.h and checked against it by the tests.
 */
#define PMEM2_E_NOSUPP (-100001)
#define PMEM2_E_MAP_RANGE (-100006)
#define PMEM2_E_MAPPING_EXISTS (-100007)
#define PMEM2_E_GRANULARITY_NOT_SUPPORTED (-100009)
#define PMEM2_E_OFFSET_OUT_OF_RANGE (-100010)
#define PMEM2_E_OFFSET_UNALIGNED (-100011)
#define PMEM2_E_LENGTH_UNALIGNED (-100015)
#define PMEM2_E_MAPPING_NOT_FOUND (-100016)
#define PMEM2_E_ADDRESS_UNALIGNED (-100022)
#define PMEM2_E_LENGTH_OUT_OF_RANGE (-100030)
#define PMEM2_E_INVALID_PROT_FLAG (-100031)
#define PMEM2_E_NO_ACCESS (-100032)
#define PMEM2_E_VM_RESERVATION_NOT_EMPTY (-100033)
#define PMEM2_E_IO_FAIL (-100037)

#define PMEM2_PROT_EXEC (1U << 29)
#define PMEM2_PROT_READ (1U << 30)
#define PMEM2_PROT_WRITE (1U << 31)

#define PMEM2_F_MEM_NODRAIN (1U << 0)
#define PMEM2_F_MEM_NONTEMPORAL (1U << 1)
#define PMEM2_F_MEM_TEMPORAL (1U << 2)
#define PMEM2_F_MEM_WC (1U << 3)
#define PMEM2_F_MEM_WB (1U << 4)
#define PMEM2_F_MEM_NOFLUSH (1U << 5)
#define PMEM2_F_MEM_VALID_FLAGS 0x3FU

/* enum pmem2_granularity */
enum granularity {
	GRANULARITY_BYTE = 0,
	GRANULARITY_CACHE_LINE = 1,
	GRANULARITY_PAGE = 2,
};

#endif
