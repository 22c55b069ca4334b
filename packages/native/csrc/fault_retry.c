/* fault_retry.c -- whether a SIGBUS the fault table did not find is retried or foreign */

#include "fault_retry.h"

#include <sys/syscall.h>
#include <unistd.h>

/*
 * Why a miss is retried. A thread faults on page X of one of our ranges; before its handler
 * looks X up, another thread parks the range (anonymous memory over it, then the slot out
 * of repair) or frees the slot. The lookup misses, but the fault was ours: chaining it
 * would hand it to the previous disposition (for SIG_DFL: reset SIGBUS to the default for
 * the whole process, so the next lost page kills it), while re-executing the access simply
 * works (X is anonymous memory now, or repaired through another slot).
 *
 * Every retirement (fault_table.c: a slot taken out of repair) increments a counter BEFORE
 * it clears the slot's address, and the handler reads the counter AFTER its lookup. So a
 * lookup that missed because of a retirement reads a count that includes it (sequentially
 * consistent atomics: the increment precedes the clearing store the lookup observed).
 *
 * Each thread remembers the count at its last retried miss (a mark). A miss is retried
 * unless the thread's mark equals the count read now:
 * - never wrong for ours: that mark was read in an earlier handler run of this thread,
 *   before the fault being handled, and the retirement that made the lookup miss came after
 *   the fault, so the count read now is larger than the mark;
 * - never forever for a foreign fault: the access faults again, and the second miss finds
 *   its own mark unless some range was retired in between; each further retry needs another
 *   retirement during one return-and-refault, so the chaining comes as soon as one refault
 *   sees none.
 *
 * Marks live in a fixed table keyed by the kernel's thread id (thread-local storage of a
 * dlopen'ed object is not async-signal-safe everywhere). A mark of an older count is of no
 * use to anyone (the owner would retry anyway), so any thread may take it over; a thread
 * that finds no entry (MARKS threads missed since the last retirement) treats its fault as
 * foreign. A recycled thread id inherits a mark made before its thread existed, which is
 * older than its fault, so the argument above holds for it too.
 */
#define MARKS 64
#define COUNT_BITS 42 /* thread ids are below 2^22 (PID_MAX_LIMIT) */
#define COUNT_MASK (((uint64_t)1 << COUNT_BITS) - 1)

static uint64_t Marks[MARKS]; /* atomic: tid << COUNT_BITS | count, 0 when free */

#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define CAS(p, expected, v) \
	__atomic_compare_exchange_n((p), (expected), (v), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

/* Async-signal-safe: 1 to retry the access, 0 when the fault is foreign. */
int
fault_retry_missed(uint64_t retirements)
{
	uint64_t tid = (uint64_t)syscall(SYS_gettid);
	uint64_t count = retirements & COUNT_MASK;
	uint64_t mark = tid << COUNT_BITS | count;
	for (unsigned i = 0; i < MARKS; i++) {
		uint64_t cur = LOAD(&Marks[i]);
		if (cur >> COUNT_BITS != tid)
			continue;
		if (cur == mark) {
			/* missed twice with no retirement between: foreign (the entry is freed) */
			CAS(&Marks[i], &cur, 0);
			return 0;
		}
		if (CAS(&Marks[i], &cur, mark))
			return 1;
		break; /* an older mark of ours, just taken over: take another entry */
	}
	for (unsigned i = 0; i < MARKS; i++) {
		uint64_t cur = LOAD(&Marks[i]);
		if (cur != 0 && (cur & COUNT_MASK) == count)
			continue; /* a mark of the current count: still meaningful to its thread */
		if (CAS(&Marks[i], &cur, mark))
			return 1;
	}
	return 0;
}
