/* badblock-clear-oracle.c -- runs libpmem2's pmem2_badblock_clear on a regular file with a bad
 * block filled in by hand and prints {"ret":..., "msg":..., "blocks":...}: its return code,
 * pmem2_errormsg() and the file's st_blocks afterwards.
 *
 * argv: <path> <offset> <length>  (decimal size_t; the file is opened O_RDWR) */
#include <fcntl.h>
#include <libpmem2.h>
#include "oracle-io.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	if (argc < 4)
		return 2;
	int fd = open(argv[1], O_RDWR);
	struct pmem2_source *src = NULL;
	if (fd < 0 || pmem2_source_from_fd(&src, fd))
		return 3;
	struct pmem2_badblock_context *ctx = NULL;
	if (pmem2_badblock_context_new(&ctx, src))
		return 4;
	struct pmem2_badblock bb = {
		.offset = strtoull(argv[2], NULL, 10),
		.length = strtoull(argv[3], NULL, 10),
	};
	int ret = pmem2_badblock_clear(ctx, &bb);
	struct stat st;
	if (fstat(fd, &st))
		return 5;
	printf("{\"ret\":%d,\"blocks\":%lld,\"msg\":\"", ret, (long long)st.st_blocks);
	print_json_text(ret ? pmem2_errormsg() : "");
	printf("\"}\n");
	pmem2_badblock_context_delete(&ctx);
	pmem2_source_delete(&src);
	close(fd);
	return 0;
}
