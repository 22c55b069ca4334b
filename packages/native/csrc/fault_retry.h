/* fault_retry.h -- whether a SIGBUS the fault table did not find is retried or foreign */

#ifndef PMEM2_NATIVE_FAULT_RETRY_H
#define PMEM2_NATIVE_FAULT_RETRY_H

#include <stdint.h>

/*
 * Async-signal-safe, for a synchronous SIGBUS that fault_table_repair did not find, called
 * with fault_table_retirements() read AFTER that lookup: 1 when the access should simply be
 * re-executed (a range of ours may have been taken out of repair between the fault and the
 * lookup), 0 when the fault is foreign. The calling thread's first miss at a given
 * retirement count is retried; its next miss at the same count is foreign.
 */
int fault_retry_missed(uint64_t retirements);

#endif
