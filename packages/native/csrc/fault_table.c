/* fault_table.c -- the process-wide, lock-free table of our mappings the SIGBUS handler repairs */

#include "fault_table.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmap.h"
#include "status.h"

#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#endif
#ifndef BUS_MCEERR_AO
#define BUS_MCEERR_AO 5
#endif

/*
 * Slots come in chunks that are never freed, so the handler may read any slot of any
 * published chunk at any time; adding and removing take Table_lock (every realm's thread).
 */
#define CHUNK_SLOTS 256
#define MAX_CHUNKS 1024

static struct fault_slot *Chunks[MAX_CHUNKS]; /* atomic pointers */
static unsigned Nchunks;		      /* atomic */
static pthread_mutex_t Table_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t Page;			      /* set before the first slot is published */

/* Pages repaired in the process, any mapping (atomic; read by JavaScript as faultRepairs). */
static uint32_t Repairs;

/* Slots taken out of repair (atomic; fault_retry.c says why). */
static uint64_t Retirements;

#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/*
 * Takes the slot out of repair: counts the retirement first, then clears the address, so a
 * handler whose lookup saw the cleared address and reads the count afterwards sees it
 * counted (fault_retry.c). Table_lock.
 */
static void
retire(struct fault_slot *slot)
{
	__atomic_fetch_add(&Retirements, 1, __ATOMIC_SEQ_CST);
	STORE(&slot->lo, 0);
}

/*
 * One byte a slot (chunk * CHUNK_SLOTS + index), 0 while its mapping never lost a page and
 * is in the table; 1 once a page was repaired or the slot left the table. The last byte is
 * always 1. JavaScript reads them as binding.fenceStops (atomic).
 */
static uint8_t Stops[FAULT_STOP_ALWAYS + 1];
_Static_assert(FAULT_STOP_ALWAYS == MAX_CHUNKS * CHUNK_SLOTS, "one stop byte a slot");

/* The slot's byte in Stops (async-signal-safe: the index never changes once published). */
static uint8_t *
stop_of(const struct fault_slot *s)
{
	return &Stops[s->stop];
}

/* A free slot (lo == 0 and no handler over it), growing the table when none is; NULL if full. */
static struct fault_slot *
free_slot(void)
{
	unsigned n = LOAD(&Nchunks);
	for (unsigned c = 0; c < n; c++)
		for (unsigned i = 0; i < CHUNK_SLOTS; i++) {
			struct fault_slot *s = &Chunks[c][i];
			if (LOAD(&s->lo) == 0 && LOAD(&s->busy) == 0 && !s->parked)
				return s;
		}
	if (n == MAX_CHUNKS)
		return NULL;
	struct fault_slot *chunk = calloc(CHUNK_SLOTS, sizeof(*chunk));
	if (!chunk)
		return NULL;
	for (unsigned i = 0; i < CHUNK_SLOTS; i++)
		chunk[i].stop = n * CHUNK_SLOTS + i;
	STORE(&Chunks[n], chunk);
	STORE(&Nchunks, n + 1);
	return &chunk[0];
}

_Static_assert(offsetof(struct fault_slot, stop) < offsetof(struct fault_slot, prot),
		"fault_table_add's clearing from prot on keeps the stop index");

/* Registers [lo, lo+len) with a duplicate of fd; 0 or -errno. */
int
fault_table_add(char *lo, size_t len, int prot, int fd, uint64_t file_offset,
		struct fault_slot **out)
{
	int dup_fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd >= 0 && dup_fd < 0)
		return -errno;
	pthread_mutex_lock(&Table_lock);
	Page = page_size();
	struct fault_slot *s = free_slot();
	if (s) {
		/* nobody reads these fields while lo is 0 */
		memset((char *)s + offsetof(struct fault_slot, prot), 0,
				sizeof(*s) - offsetof(struct fault_slot, prot));
		s->prot = prot;
		s->fd = dup_fd;
		s->file_offset = file_offset;
		STORE(&s->hi, (uintptr_t)lo + len);
		STORE(&s->lo, (uintptr_t)lo);
		STORE(stop_of(s), 0);
	}
	pthread_mutex_unlock(&Table_lock);
	if (!s) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

/* Unregisters the slot, waits for handlers already over it, and closes its descriptor. */
void
fault_table_remove(struct fault_slot *slot)
{
	pthread_mutex_lock(&Table_lock);
	STORE(stop_of(slot), 1);
	retire(slot);
	while (LOAD(&slot->busy))
		sched_yield();
	STORE(&slot->hi, 0);
	if (slot->fd >= 0)
		close(slot->fd);
	slot->fd = -1;
	slot->parked = 0;
	pthread_mutex_unlock(&Table_lock);
}

/*
 * For a range delete parked as anonymous memory (it cannot fault): takes the range out of
 * repair, so that a mapping placed over it later (a reservation frees it at once) has its
 * faults recorded on its own slot, and closes the descriptor once no handler runs over the
 * slot. The slot stays reserved until fault_table_remove.
 */
void
fault_slot_close_file(struct fault_slot *slot)
{
	pthread_mutex_lock(&Table_lock);
	STORE(stop_of(slot), 1);
	slot->parked = 1;
	retire(slot);
	while (LOAD(&slot->busy))
		sched_yield();
	if (slot->fd >= 0)
		close(slot->fd);
	slot->fd = -1;
	pthread_mutex_unlock(&Table_lock);
}

/*
 * Takes the slot out of repair before its range is unmapped (the kernel may hand the
 * address to another thread's mapping at once, whose faults must not come here) and waits
 * for handlers over it; returns the first address for fault_slot_resume. Nothing may
 * access the range meanwhile.
 */
uintptr_t
fault_slot_suspend(struct fault_slot *slot)
{
	pthread_mutex_lock(&Table_lock);
	uintptr_t lo = LOAD(&slot->lo);
	slot->parked = 1; /* not free while suspended */
	retire(slot);
	while (LOAD(&slot->busy))
		sched_yield();
	pthread_mutex_unlock(&Table_lock);
	return lo;
}

/* Puts a suspended slot back in repair (the unmap failed: the range is still mapped). */
void
fault_slot_resume(struct fault_slot *slot, uintptr_t lo)
{
	pthread_mutex_lock(&Table_lock);
	slot->parked = 0;
	STORE(&slot->lo, lo);
	pthread_mutex_unlock(&Table_lock);
}

/* Maps zeroed anonymous memory over [start, start+len) with the slot's protection. */
static int
replace_with_zeros(const struct fault_slot *s, uintptr_t start, size_t len)
{
	return mmap((void *)start, len, s->prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
			MAP_FAILED;
}

/* Lowers *p to v (atomically). */
static void
atomic_min(uint64_t *p, uint64_t v)
{
	uint64_t cur = LOAD(p);
	while ((cur == 0 || v < cur) &&
			!__atomic_compare_exchange_n(p, &cur, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

/* Raises *p to v (atomically). */
static void
atomic_max(uint64_t *p, uint64_t v)
{
	uint64_t cur = LOAD(p);
	while (v > cur &&
			!__atomic_compare_exchange_n(p, &cur, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

/* Records a lost [off, off+len) of the mapping (any thread, inside the handler). */
static void
record_loss(struct fault_slot *s, uint64_t off, uint64_t len, enum fault_cause cause)
{
	unsigned i = __atomic_fetch_add(&s->nlost, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&Repairs, 1, __ATOMIC_SEQ_CST);
	STORE(stop_of(s), 1);
	if (i < FAULT_LOST_MAX) {
		STORE(&s->lost_len[i], len << 2 | cause);
		STORE(&s->lost_start[i], off + 1);
		return;
	}
	atomic_min(&s->over_lo, off + 1);
	atomic_max(&s->over_hi, off + len);
	if (cause == FAULT_MEDIA_ERROR)
		STORE(&s->over_media, 1);
}

/*
 * Async-signal-safe: why the page at `offset` of the mapping is lost, by the file's size at
 * the fault (a file grown back later still reports truncated); unclassified when unknown.
 */
static enum fault_cause
classify(const struct fault_slot *s, uint64_t offset)
{
	struct stat st;
	int fd = LOAD(&s->fd);
	if (fd < 0 || syscall(SYS_fstat, fd, &st) != 0)
		return FAULT_UNCLASSIFIED;
	return s->file_offset + offset >= (uint64_t)st.st_size ? FAULT_TRUNCATED : FAULT_NO_SPACE;
}

/*
 * Repairs a fault at `addr` inside the slot: the page (the poisoned unit for a media error,
 * a 2 MiB or 1 GiB unit when the mapping cannot be split at pages, as device DAX) becomes
 * zeroed anonymous memory. 1 when repaired.
 */
static int
repair_in(struct fault_slot *s, uintptr_t lo, uintptr_t hi, const siginfo_t *si)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	int media = si->si_code == BUS_MCEERR_AR || si->si_code == BUS_MCEERR_AO;
	size_t unit = Page;
	if (media && si->si_addr_lsb > 0 && (size_t)si->si_addr_lsb < 8 * sizeof(size_t) &&
			((size_t)1 << si->si_addr_lsb) > unit)
		unit = (size_t)1 << si->si_addr_lsb;
	static const size_t units[] = {0, 2 * MEGABYTE, GIGABYTE};
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t size = units[u] ? units[u] : unit;
		if (size < unit)
			continue;
		uintptr_t start = addr & ~(uintptr_t)(size - 1);
		uintptr_t end = start + size;
		if (start < lo)
			start = lo;
		if (end > hi)
			end = hi;
		if (replace_with_zeros(s, start, end - start)) {
			record_loss(s, start - lo, end - start,
					media ? FAULT_MEDIA_ERROR : classify(s, start - lo));
			return 1;
		}
	}
	return 0;
}

/* Async-signal-safe: repairs a SIGBUS inside one of our ranges; 0 when it is not ours. */
int
fault_table_repair(const siginfo_t *si)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	unsigned n = LOAD(&Nchunks);
	for (unsigned c = 0; c < n; c++) {
		struct fault_slot *chunk = LOAD(&Chunks[c]);
		for (unsigned i = 0; i < CHUNK_SLOTS; i++) {
			struct fault_slot *s = &chunk[i];
			uintptr_t lo = LOAD(&s->lo);
			if (lo == 0 || addr < lo || addr >= LOAD(&s->hi))
				continue;
			__atomic_add_fetch(&s->busy, 1, __ATOMIC_SEQ_CST);
			int ok = 0;
			/* removal clears lo before it waits for busy: re-read under busy */
			if (LOAD(&s->lo) == lo)
				ok = repair_in(s, lo, LOAD(&s->hi), si);
			__atomic_sub_fetch(&s->busy, 1, __ATOMIC_SEQ_CST);
			if (ok)
				return 1;
		}
	}
	return 0;
}

/* The recorded losses; one the handler could not classify is told apart by the file's size now. */
static size_t
collect(struct fault_slot *s, struct fault_lost *out)
{
	size_t n = 0;
	struct stat st;
	/* the system call: glibc's fstat symbol is GLIBC_2.33, above Node 20's floor of 2.28 */
	int have_size = s->fd >= 0 && syscall(SYS_fstat, s->fd, &st) == 0;
	for (unsigned i = 0; i < FAULT_LOST_MAX; i++) {
		uint64_t start = LOAD(&s->lost_start[i]);
		if (start == 0)
			continue;
		uint64_t lc = LOAD(&s->lost_len[i]);
		out[n] = (struct fault_lost){start - 1, lc >> 2, (enum fault_cause)(lc & 3)};
		n++;
	}
	uint64_t over_lo = LOAD(&s->over_lo);
	if (over_lo) {
		out[n] = (struct fault_lost){over_lo - 1, LOAD(&s->over_hi) - (over_lo - 1),
				LOAD(&s->over_media) ? FAULT_MEDIA_ERROR : FAULT_UNCLASSIFIED};
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		if (out[i].cause != FAULT_UNCLASSIFIED)
			continue;
		int past_end = have_size && s->file_offset + out[i].offset >= (uint64_t)st.st_size;
		out[i].cause = past_end ? FAULT_TRUNCATED : FAULT_NO_SPACE;
	}
	return n;
}

/* Orders losses by offset. */
static int
by_offset(const void *a, const void *b)
{
	const struct fault_lost *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The lost ranges, classified, sorted and merged (adjacent ones of one cause). */
size_t
fault_slot_lost(struct fault_slot *slot, struct fault_lost *out, size_t max)
{
	struct fault_lost all[FAULT_LOST_MAX + 1];
	size_t n = fault_slot_nlost(slot) ? collect(slot, all) : 0;
	qsort(all, n, sizeof(all[0]), by_offset);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		struct fault_lost *last = m ? &out[m - 1] : NULL;
		if (last && last->cause == all[i].cause &&
				all[i].offset <= last->offset + last->length) {
			uint64_t end = all[i].offset + all[i].length;
			if (end > last->offset + last->length)
				last->length = end - last->offset;
		} else if (m < max) {
			out[m++] = all[i];
		}
	}
	return m;
}

/* PMEM2_E_IO_FAIL for an unreported loss, or a range over a lost page; else 0. */
int
fault_slot_check(struct fault_slot *slot, const char *lo, size_t len)
{
	unsigned n = fault_slot_nlost(slot);
	/* an exchange: with views in several realms, one call of any of them reports a loss */
	if (n != __atomic_load_n(&slot->reported, __ATOMIC_RELAXED) &&
			__atomic_exchange_n(&slot->reported, n, __ATOMIC_ACQ_REL) != n)
		return PMEM2_E_IO_FAIL;
	uintptr_t base = LOAD(&slot->lo);
	if (base == 0 || (uintptr_t)lo < base)
		return 0;
	uint64_t off = (uintptr_t)lo - base;
	struct fault_lost lost[FAULT_LOST_MAX + 1];
	size_t m = collect(slot, lost);
	for (size_t i = 0; i < m; i++)
		if (off < lost[i].offset + lost[i].length && lost[i].offset < off + len)
			return PMEM2_E_IO_FAIL;
	return 0;
}

/* The count of slots taken out of repair so far (async-signal-safe). */
uint64_t
fault_table_retirements(void)
{
	return LOAD(&Retirements);
}

/* The process-wide repair counter. */
uint32_t *
fault_repairs_counter(void)
{
	return &Repairs;
}

/* The slots' stop bytes (FAULT_STOP_ALWAYS + 1 of them); the last one stays 1. */
uint8_t *
fault_stops(void)
{
	STORE(&Stops[FAULT_STOP_ALWAYS], 1);
	return Stops;
}

/* The index of the slot's byte in fault_stops(); FAULT_STOP_ALWAYS without a slot. */
uint32_t
fault_slot_stop_index(const struct fault_slot *slot)
{
	return slot ? slot->stop : FAULT_STOP_ALWAYS;
}
