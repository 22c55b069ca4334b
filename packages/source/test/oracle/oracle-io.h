/* oracle-io.h -- what the source oracles share: a source from "anon" or a path, and a C string
 * printed as the body of a JSON string */
#ifndef ORACLE_IO_H
#define ORACLE_IO_H

#include <fcntl.h>
#include <libpmem2.h>
#include <stdio.h>
#include <string.h>

/* Prints `text` as the body of a JSON string: '"' and '\' escaped, control characters as \u00XX. */
static inline void
print_json_text(const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
}

/* "anon" is pmem2_source_from_anon(4096); anything else a path opened with `flags` (its fd in
 * *fd). Returns 3 when the anonymous source fails, 4 when the open or the source fails, else 0. */
static inline int
open_source(const char *arg, int flags, struct pmem2_source **src, int *fd)
{
	*fd = -1;
	if (strcmp(arg, "anon") == 0)
		return pmem2_source_from_anon(src, 4096) ? 3 : 0;
	*fd = open(arg, flags);
	return *fd < 0 || pmem2_source_from_fd(src, *fd) ? 4 : 0;
}

#endif
