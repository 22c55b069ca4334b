/* fault_table.h -- the process-wide, lock-free table of our mappings the SIGBUS handler repairs */

#ifndef PMEM2_NATIVE_FAULT_TABLE_H
#define PMEM2_NATIVE_FAULT_TABLE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* How many lost page ranges a mapping remembers one by one (later ones widen the last). */
#define FAULT_LOST_MAX 16

/* Why a page was lost, as fault_slot_lost reports it. */
enum fault_cause {
	FAULT_UNCLASSIFIED = 0, /* BUS_ADRERR the handler could not fstat: classified when reported */
	FAULT_TRUNCATED = 1,	/* the page lies at or past the file's current size */
	FAULT_NO_SPACE = 2,	/* inside the file: the file system could not provide the page */
	FAULT_MEDIA_ERROR = 3,	/* BUS_MCEERR_AR/AO: hardware poison (a bad block) */
};

/* One lost range, relative to the start of the mapping. */
struct fault_lost {
	uint64_t offset;
	uint64_t length;
	enum fault_cause cause;
};

/*
 * One mapping in the table. The slot lives as long as the process (slots are recycled);
 * fault_table_add clears the fields from `prot` on.
 */
struct fault_slot {
	uintptr_t lo;	       /* atomic: first address; 0 when free */
	uintptr_t hi;	       /* atomic: end address */
	uint32_t stop;	       /* its byte in fault_stops(), set before its chunk is published */
	int prot;	       /* PROT_* of the anonymous page mapped over a lost one */
	int fd;		       /* atomic: a duplicate of the file's descriptor (for fstat), or -1 */
	uint64_t file_offset;  /* the file offset mapped at lo */
	unsigned busy;	       /* atomic: handlers running over this slot */
	int parked;	       /* out of repair but not free yet (fault_slot_close_file; Table_lock) */
	unsigned nlost;	       /* atomic: faults repaired (ranges may be fewer) */
	unsigned reported;     /* atomic: nlost when a call (of any realm) last reported */
	uint64_t lost_start[FAULT_LOST_MAX]; /* atomic: offset + 1 (0 until written) */
	uint64_t lost_len[FAULT_LOST_MAX];   /* atomic: length << 2 | cause */
	uint64_t over_lo;      /* atomic: lowest offset + 1 of the faults past FAULT_LOST_MAX */
	uint64_t over_hi;      /* atomic: highest end offset of those faults */
	unsigned over_media;   /* atomic: whether one of those was a media error */
};

/*
 * Registers [lo, lo+len): a SIGBUS inside it is repaired. `fd` (dup'ed, may be -1) and
 * `file_offset` let the report tell truncation from no space. 0 or -errno.
 */
int fault_table_add(char *lo, size_t len, int prot, int fd, uint64_t file_offset,
		struct fault_slot **out);

/* Unregisters the slot (waits for handlers running over it) and closes its descriptor. */
void fault_table_remove(struct fault_slot *slot);

/*
 * Delete parked the slot's range as anonymous memory: takes it out of repair (a mapping
 * placed over it later repairs and reports its own faults) and closes the descriptor; the
 * slot stays reserved until fault_table_remove. Main thread.
 */
void fault_slot_close_file(struct fault_slot *slot);

/*
 * Before a release unmaps the slot's range: takes it out of repair (the address may be
 * reused by another thread at once) and returns its first address; fault_slot_resume puts
 * it back when the unmap failed, fault_table_remove frees it when it succeeded.
 */
uintptr_t fault_slot_suspend(struct fault_slot *slot);
void fault_slot_resume(struct fault_slot *slot, uintptr_t lo);

/*
 * Async-signal-safe: when si is a SIGBUS inside one of our ranges, maps anonymous memory
 * over the faulting page, records the loss and returns 1; 0 when the fault is not ours.
 */
int fault_table_repair(const siginfo_t *si);

/*
 * Async-signal-safe: how many times a slot was taken out of repair (removed, parked or
 * suspended). Read after a fault_table_repair that found nothing, it lets fault_retry tell a
 * fault on a range retired under the handler from a foreign one.
 */
uint64_t fault_table_retirements(void);

/* Whether the slot has seen any fault (one relaxed load: the hot-path test). */
static inline unsigned
fault_slot_nlost(const struct fault_slot *slot)
{
	return slot ? __atomic_load_n(&slot->nlost, __ATOMIC_ACQUIRE) : 0;
}

/*
 * After a call over [lo, lo+len) of a slot with losses: PMEM2_E_IO_FAIL when a loss was not
 * yet reported by any call (it is now) or the range overlaps a lost page; 0 otherwise.
 */
int fault_slot_check(struct fault_slot *slot, const char *lo, size_t len);

/* The lost ranges, classified, sorted and merged; returns how many were written (<= max). */
size_t fault_slot_lost(struct fault_slot *slot, struct fault_lost *out, size_t max);

/*
 * The count of pages repaired in the whole process (wraps at 2^32; never decreases
 * otherwise). While it is 0 no call anywhere has a loss to report, so JavaScript may skip
 * the native call of a persist that needs none (binding.faultRepairs).
 */
uint32_t *fault_repairs_counter(void);

/* The index of the stop byte that is always 1 (one past the last slot's). */
#define FAULT_STOP_ALWAYS (1024u * 256u)

/*
 * One byte a slot, 0 exactly while the slot's mapping is in the table and never lost a page:
 * while its byte is 0, a BYTE map's persist has no loss to report and may stay in JavaScript
 * (binding.fenceStops, mapPersistOps().stop). The byte at FAULT_STOP_ALWAYS is always 1.
 */
uint8_t *fault_stops(void);
uint32_t fault_slot_stop_index(const struct fault_slot *slot);

#endif
