/* node-launcher.c -- the `node` of the emulated arm64 rows: execs qemu-aarch64 on the guest Node */

/*
 * Built static on purpose: a shell-script wrapper would be run by the host's dynamic loader,
 * which reads LD_PRELOAD (an arm64 .so, for the fault-injection tests) and prints an error
 * about it. qemu is static too, so LD_PRELOAD reaches only the guest's loader. The first
 * node argument loads execpath.cjs, which points process.execPath back here: qemu-user cannot
 * exec a foreign binary itself (no binfmt_misc here), so every child Node must come back
 * through this launcher. QEMU, QEMU_CPU, SYSROOT, GUEST_NODE and EXECPATH_SHIM are string
 * macros from the compile line (lib/qemu.mjs).
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 8, sizeof(*args));
	if (args == NULL)
		return 127;
	int n = 0;
	args[n++] = QEMU;
	args[n++] = "-cpu";
	args[n++] = QEMU_CPU;
	args[n++] = "-L";
	args[n++] = SYSROOT;
	args[n++] = GUEST_NODE;
	args[n++] = "--require=" EXECPATH_SHIM;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(QEMU, args);
	perror(QEMU);
	return 127;
}
