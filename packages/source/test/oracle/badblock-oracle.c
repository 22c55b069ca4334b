/* badblock-oracle.c -- runs libpmem2's pmem2_badblock_context_new, pmem2_badblock_next and
 * pmem2_badblock_context_delete on a source and prints one JSON line per call:
 * {"call":..., "ret":..., "offset":..., "length":..., "msg":...}.
 * pmem2_badblock_next runs until it fails (at most 16 times), then once more.
 *
 * argv: <path|anon>  a path is opened O_RDWR ("/proc/self/fd/3" reopens an inherited fd);
 *                    "anon" is pmem2_source_from_anon(4096). */
#include <fcntl.h>
#include <libpmem2.h>
#include "oracle-io.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
emit(const char *call, int ret, struct pmem2_badblock *bb)
{
	printf("{\"call\":\"%s\",\"ret\":%d,\"offset\":%zu,\"length\":%zu,\"msg\":\"", call, ret,
		bb && !ret ? bb->offset : 0, bb && !ret ? bb->length : 0);
	print_json_text(ret ? pmem2_errormsg() : "");
	printf("\"}\n");
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		return 2;
	struct pmem2_source *src = NULL;
	int fd;
	int failed = open_source(argv[1], O_RDWR, &src, &fd);
	if (failed)
		return failed;
	struct pmem2_badblock_context *ctx = NULL;
	int ret = pmem2_badblock_context_new(&ctx, src);
	emit("context_new", ret, NULL);
	if (ret == 0) {
		struct pmem2_badblock bb;
		/* every bad block, the end, and once more after the end */
		for (int i = 0; i < 16 && ret == 0; i++) {
			ret = pmem2_badblock_next(ctx, &bb);
			emit("next", ret, &bb);
		}
		ret = pmem2_badblock_next(ctx, &bb);
		emit("next", ret, &bb);
		pmem2_badblock_context_delete(&ctx);
		emit("context_delete", 0, NULL);
	}
	pmem2_source_delete(&src);
	if (fd >= 0)
		close(fd);
	return 0;
}
