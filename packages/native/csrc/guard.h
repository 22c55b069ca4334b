/* guard.h -- SIGBUS/SIGSEGV guard around every access to mapped memory */

#ifndef PMEM2_NATIVE_GUARD_H
#define PMEM2_NATIVE_GUARD_H

#include <stddef.h>

typedef void (*guarded_fn)(void *ctx);

/* Installs the process handlers; 0 or -errno. Call once per process. */
int guard_install(void);

/*
 * Runs fn(ctx) so that a SIGBUS anywhere, or a SIGSEGV inside [lo, lo+len), returns
 * PMEM2_E_IO_FAIL instead of killing the process; 0 when fn returned normally.
 */
int guard_run(const void *lo, size_t len, guarded_fn fn, void *ctx);

#endif
