/* guard.c -- SIGBUS/SIGSEGV guard around every access to mapped memory */

#include "guard.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "status.h"

/* One guarded call on this thread. */
struct guard_frame {
	sigjmp_buf env;
	uintptr_t lo, hi;
	struct guard_frame *prev;
};

static __thread struct guard_frame *volatile Guard_top;
static struct sigaction Previous_bus, Previous_segv;

/*
 * Faults that are not ours go to whoever handled them before: a handler function is
 * called; the default is restored and the signal re-raised ("If the fault is synchronous,
 * returning re-executes the faulting instruction", so the default action then applies).
 */
static void
chain_to_previous(int sig, siginfo_t *si, void *uctx)
{
	struct sigaction *prev = sig == SIGBUS ? &Previous_bus : &Previous_segv;
	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, si, uctx);
		return;
	}
	if (prev->sa_handler == SIG_IGN)
		return;
	if (prev->sa_handler == SIG_DFL) {
		sigaction(sig, prev, NULL);
		if (si == NULL || si->si_code <= 0)
			raise(sig);
		return;
	}
	prev->sa_handler(sig);
}

/* The process handler: jump back into the guarded call, or chain. */
static void
guard_handler(int sig, siginfo_t *si, void *uctx)
{
	struct guard_frame *g = Guard_top;
	if (g != NULL) {
		uintptr_t a = si ? (uintptr_t)si->si_addr : 0;
		if (sig == SIGBUS || (a >= g->lo && a < g->hi))
			siglongjmp(g->env, 1);
	}
	chain_to_previous(sig, si, uctx);
}

/*
 * Installs the SIGBUS and SIGSEGV handlers, remembering the previous ones; 0 or -errno.
 * Called once per process, by the module initialiser under its lock.
 */
int
guard_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guard_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &Previous_bus) || sigaction(SIGSEGV, &sa, &Previous_segv))
		return -errno;
	return 0;
}

/* Runs fn(ctx) under the guard; PMEM2_E_IO_FAIL when it faulted. */
int
guard_run(const void *lo, size_t len, guarded_fn fn, void *ctx)
{
	struct guard_frame frame;
	frame.lo = (uintptr_t)lo;
	frame.hi = (uintptr_t)lo + len;
	frame.prev = Guard_top;
	/*
	 * The mask is not saved (that is a system call on every guarded call); the handler runs
	 * with the signal blocked, so the rare fault path unblocks both signals itself.
	 */
	if (sigsetjmp(frame.env, 0)) {
		Guard_top = frame.prev;
		sigset_t faults;
		sigemptyset(&faults);
		sigaddset(&faults, SIGBUS);
		sigaddset(&faults, SIGSEGV);
		/*
		 * sigprocmask, not pthread_sigmask: in glibc both change only the calling
		 * thread's mask, and pthread_sigmask moved into libc under GLIBC_2.32, above
		 * Node 20's glibc floor of 2.28.
		 */
		sigprocmask(SIG_UNBLOCK, &faults, NULL);
		return PMEM2_E_IO_FAIL;
	}
	Guard_top = &frame;
	fn(ctx);
	Guard_top = frame.prev;
	return 0;
}
