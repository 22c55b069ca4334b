/* source-oracle.c -- runs libpmem2's pmem2_source_* on the fds and sizes given in argv and
 * prints one JSON line per call: {"call":..., "ret":..., "value":..., "msg":...}.
 *
 * argv: "fd:<n>"        pmem2_source_from_fd(n), then every getter
 *       "fd-close:<n>"  the same, but close(n) after pmem2_source_from_fd
 *       "anon:<size>"   pmem2_source_from_anon(size), then every getter
 *
 * libpmem2 release builds never clear the error message, so before each call a sentinel
 * message is planted; a message still equal to it afterwards means "no message set" (""). */
#include <libpmem2.h>
#include "oracle-io.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct pmem2_config *cfg;
static char sentinel[256];

static void
plant(void)
{
	pmem2_config_set_offset(cfg, (size_t)INT64_MAX + 1);
}

static void
emit(const char *call, int ret, const char *value)
{
	const char *msg = pmem2_errormsg();
	if (ret == 0 || strcmp(msg, sentinel) == 0)
		msg = "";
	printf("{\"call\":\"%s\",\"ret\":%d,\"value\":%s,\"msg\":\"", call, ret, value);
	print_json_text(msg);
	printf("\"}\n");
	fflush(stdout); /* keep the records printed before a crash */
}

static void
getters(struct pmem2_source *src)
{
	char value[64];
	size_t size = 0;
	plant();
	int ret = pmem2_source_size(src, &size);
	snprintf(value, sizeof(value), ret ? "null" : "%zu", size);
	emit("size", ret, value);

	size_t alignment = 0;
	plant();
	ret = pmem2_source_alignment(src, &alignment);
	snprintf(value, sizeof(value), ret ? "null" : "%zu", alignment);
	emit("alignment", ret, value);

	int fd = -1;
	plant();
	ret = pmem2_source_get_fd(src, &fd);
	emit("get_fd", ret, "null");

	int numa = 0;
	plant();
	ret = pmem2_source_numa_node(src, &numa);
	snprintf(value, sizeof(value), ret ? "null" : "%d", numa);
	emit("numa_node", ret, value);

	size_t len = 0;
	plant();
	ret = pmem2_source_device_id(src, NULL, &len);
	if (ret == 0) {
		char *id = calloc(1, len);
		plant();
		ret = pmem2_source_device_id(src, id, &len);
		char quoted[256];
		snprintf(quoted, sizeof(quoted), ret ? "null" : "\"%s\"", id);
		emit("device_id", ret, quoted);
		free(id);
	} else {
		emit("device_id", ret, "null");
	}

	uint64_t usc = 0;
	plant();
	ret = pmem2_source_device_usc(src, &usc);
	snprintf(value, sizeof(value), ret ? "null" : "%llu", (unsigned long long)usc);
	emit("device_usc", ret, value);
}

int
main(int argc, char *argv[])
{
	if (pmem2_config_new(&cfg))
		return 2;
	plant();
	snprintf(sentinel, sizeof(sentinel), "%s", pmem2_errormsg());

	for (int i = 1; i < argc; i++) {
		struct pmem2_source *src = NULL;
		int ret;
		if (strncmp(argv[i], "anon:", 5) == 0) {
			plant();
			ret = pmem2_source_from_anon(&src, strtoull(argv[i] + 5, NULL, 10));
			emit("from_anon", ret, "null");
		} else {
			int closing = strncmp(argv[i], "fd-close:", 9) == 0;
			int fd = atoi(strchr(argv[i], ':') + 1);
			plant();
			ret = pmem2_source_from_fd(&src, fd);
			emit("from_fd", ret, "null");
			if (ret == 0 && closing)
				close(fd);
		}
		if (ret == 0) {
			getters(src);
			pmem2_source_delete(&src);
		}
	}
	pmem2_config_delete(&cfg);
	return 0;
}
