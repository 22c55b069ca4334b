/* guard.c -- the process-wide SIGBUS handler: repairs faults on our mappings, chains the rest */

#include "guard.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "fault_retry.h"
#include "fault_table.h"

static struct sigaction Previous_bus;

#ifndef BUS_MCEERR_AO
#define BUS_MCEERR_AO 5
#endif

/*
 * Whether returning from the handler re-executes a faulting access: a fault the kernel
 * raised (si_code > 0), except an "action optional" media error, which reports a poisoned
 * page nobody is touching.
 */
static int
refaults(const siginfo_t *si)
{
	return si != NULL && si->si_code > 0 && si->si_code != BUS_MCEERR_AO;
}

/*
 * Faults that are not ours go to whoever handled SIGBUS before, unchanged: a handler
 * function is called; for the default action the previous disposition is restored and
 * the signal re-raised, or for a synchronous fault returned to ("If the fault is
 * synchronous, returning re-executes the faulting instruction", so the default action then
 * applies). An ignored SIGBUS stays ignored, except for a synchronous fault, which the
 * kernel never lets a process ignore (it restores the default action and kills): returning
 * to it with SIGBUS still ignored would re-execute the access for ever.
 */
static void
chain_to_previous(int sig, siginfo_t *si, void *uctx)
{
	struct sigaction *prev = &Previous_bus;
	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, si, uctx);
		return;
	}
	if (prev->sa_handler == SIG_IGN && !refaults(si))
		return;
	if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		if (!refaults(si))
			raise(sig);
		return;
	}
	prev->sa_handler(sig);
}

/*
 * The process handler. A fault the kernel raised (si_code > 0) inside one of our mappings
 * is repaired by the fault table (zeroed anonymous memory over the lost page), so the
 * faulting instruction -- a JIT load, a memcpy on a thread-pool thread, our own flush --
 * completes when this returns. A synchronous fault the table does not find is retried when
 * a range may have been taken out of repair under it (fault_retry.c; the count is read
 * after the lookup); anything else is chained.
 */
static void
bus_handler(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;
	int ours = si != NULL && si->si_code > 0 && fault_table_repair(si);
	if (!ours && refaults(si))
		ours = fault_retry_missed(fault_table_retirements());
	errno = saved;
	if (!ours)
		chain_to_previous(sig, si, uctx);
}

/*
 * Installs the SIGBUS handler, remembering the previous one; 0 or -errno. Called once per
 * process, by the module initialiser under its lock.
 */
int
guard_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = bus_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &Previous_bus))
		return -errno;
	return 0;
}
