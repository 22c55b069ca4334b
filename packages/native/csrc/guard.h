/* guard.h -- the process-wide SIGBUS handler: repairs faults on our mappings, chains the rest */

#ifndef PMEM2_NATIVE_GUARD_H
#define PMEM2_NATIVE_GUARD_H

/*
 * Installs the process SIGBUS handler, chained to the previous one; 0 or -errno. Call once
 * per process. A SIGBUS inside a mapping of the fault table becomes a recorded loss (the
 * page reads as zeros afterwards) and the faulting instruction completes.
 */
int guard_install(void);

#endif
