/* mcsafe-oracle.c -- runs libpmem2's pmem2_source_pread_mcsafe / pmem2_source_pwrite_mcsafe
 * once and prints {"ret":..., "msg":..., "data":"<hex of the buffer after the call>"}.
 *
 * argv: <read|write> <path|anon> <r|rw> <length> <offset> [<fill byte of the buffer>]
 * A path is opened O_RDONLY (r) or O_RDWR (rw); "anon" is pmem2_source_from_anon(4096).
 * The buffer starts filled with the fill byte (default 0xee); a write writes it. */
#include <fcntl.h>
#include <libpmem2.h>
#include "oracle-io.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	if (argc < 6)
		return 2;
	struct pmem2_source *src = NULL;
	int fd;
	int failed = open_source(argv[2], strcmp(argv[3], "rw") == 0 ? O_RDWR : O_RDONLY, &src, &fd);
	if (failed)
		return failed;
	size_t length = strtoull(argv[4], NULL, 10);
	size_t offset = strtoull(argv[5], NULL, 10);
	int fill = argc > 6 ? atoi(argv[6]) : 0xee;
	unsigned char *buf = malloc(length + 1);
	memset(buf, fill, length + 1);
	int ret = strcmp(argv[1], "read") == 0
		? pmem2_source_pread_mcsafe(src, buf, length, offset)
		: pmem2_source_pwrite_mcsafe(src, buf, length, offset);
	const char *msg = ret ? pmem2_errormsg() : "";
	printf("{\"ret\":%d,\"msg\":\"", ret);
	print_json_text(msg);
	printf("\",\"data\":\"");
	for (size_t i = 0; i < length; i++)
		printf("%02x", buf[i]);
	printf("\"}\n");
	pmem2_source_delete(&src);
	if (fd >= 0)
		close(fd);
	free(buf);
	return 0;
}
