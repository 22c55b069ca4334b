/*
 * probe.h -- what the parts of the conformance probe share: the case a stdin line describes,
 * the errormsg and JSON helpers (probe.c), the line parser (probe_parse.c) and the
 * reservation and mem operations run after the map (probe_ops.c)
 */
#ifndef PROBE_H
#define PROBE_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpmem2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE 4096
#define MAX_PREMAPS 8
#define SAMPLE_BYTES 4096
#define MEM_WINDOW 65536
#define SENTINEL_SHARING 0x7eadbeef

struct probe_case {
	char id[128];
	char src[16];		/* file, anon, dir, fifo, chardev, fd */
	char path[1024];
	char open_mode[16];	/* rdonly, rdwr, wronly, closed */
	int raw_fd;
	uint64_t anon_size;
	int has_gran, has_offset, has_length, has_prot, has_sharing, has_rsv;
	long gran;
	uint64_t offset, length;
	unsigned long prot;
	long sharing;
	uint64_t rsv_size, rsv_offset;
	int npremaps;
	uint64_t premap_off[MAX_PREMAPS], premap_len[MAX_PREMAPS];
	int has_force;
	char force[64];
	char rsvops[512];	/* comma-separated reservation operations after the map */
	char memops[512];	/* comma-separated mem function calls after the write */
};


/* probe.c: errormsg marking, JSON output, the data pattern and checksum */
void mark_errormsg(void);
const char *current_errormsg(void);
void print_json_string(const char *s);
void print_result(const char *name, int ret);
uint32_t fnv1a(const unsigned char *p, size_t n);
unsigned char write_pattern(size_t map_offset);

/* probe_parse.c: a u64 value, one key=value token of a case line, the open(2) flags of a mode */
uint64_t parse_u64(const char *key, const char *value);
void parse_token(struct probe_case *c, char *token);
int open_flags(const char *mode);

/* probe_ops.c: the mem function calls and the reservation operations of a case */
void run_mem_ops(const struct probe_case *c, struct pmem2_map *map);
void run_rsv_ops(const struct probe_case *c, struct pmem2_vm_reservation **rsv,
	struct pmem2_map *map, struct pmem2_map **premaps);

#endif
