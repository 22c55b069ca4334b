/* launcher.c -- the `node` (or `bun`) of the emulated arm64 rows: execs qemu-aarch64 on the guest runtime */

/*
 * Built static on purpose: a shell-script wrapper would be run by the host's dynamic loader,
 * which reads LD_PRELOAD (an arm64 .so, for the fault-injection tests) and prints an error
 * about it. qemu is static too, so LD_PRELOAD reaches only the guest's loader. The guest
 * command ends with a flag that loads execpath.cjs, which points process.execPath back here:
 * qemu-user cannot exec a foreign binary itself (no binfmt_misc here), so every child runtime
 * must come back through this launcher. QEMU and QEMU_CPU are string macros and GUEST_ARGS a
 * list of string literals (the guest command), all from the compile line (lib/qemu.mjs).
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *const prefix[] = {QEMU, "-cpu", QEMU_CPU, GUEST_ARGS};

int
main(int argc, char **argv)
{
	const size_t fixed = sizeof(prefix) / sizeof(prefix[0]);
	char **args = calloc(fixed + (size_t)argc, sizeof(*args));
	if (args == NULL)
		return 127;
	size_t n = 0;
	for (size_t i = 0; i < fixed; i++)
		args[n++] = (char *)prefix[i];
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(QEMU, args);
	perror(QEMU);
	return 127;
}
