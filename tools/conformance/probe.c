/*
 * probe.c -- the conformance oracle: runs pmem2_map_new cases against the real libpmem2
 *
 * Reads one case per stdin line, as whitespace-separated key=value tokens, and prints one JSON
 * line per case with every return code and pmem2_errormsg() text along the way. The keys are
 * documented in src/probe-protocol.ts, which is the only writer of this input and reader of
 * this output. Compiled at test time (src/probe-build.ts); never committed as a binary.
 */
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

/* the text pmem2_errormsg() holds while no call under test has set one */
static char sentinel_msg[64];

/*
 * mark_errormsg -- puts a known text into the thread-local errormsg buffer, so that a failing
 * call that sets no message is reported as "" instead of a stale text (release builds of
 * libpmem2 never clear the buffer)
 */
static void
mark_errormsg(void)
{
	struct pmem2_config *cfg;
	if (pmem2_config_new(&cfg) != 0)
		abort();
	(void) pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)SENTINEL_SHARING);
	pmem2_config_delete(&cfg);
}

static const char *
current_errormsg(void)
{
	const char *msg = pmem2_errormsg();
	return strcmp(msg, sentinel_msg) == 0 ? "" : msg;
}

static void
print_json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* print_result -- prints "name":{"ret":r,"msg":"..."}, the message only on failure */
static void
print_result(const char *name, int ret)
{
	printf(",\"%s\":{\"ret\":%d,\"msg\":", name, ret);
	print_json_string(ret != 0 ? current_errormsg() : "");
	putchar('}');
}

static uint64_t
parse_u64(const char *key, const char *value)
{
	char *end;
	errno = 0;
	uint64_t v = strtoull(value, &end, 10);
	if (errno != 0 || *end != '\0' || value[0] == '-') {
		fprintf(stderr, "probe: bad unsigned value %s=%s\n", key, value);
		exit(2);
	}
	return v;
}

static long
parse_long(const char *key, const char *value)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno != 0 || *end != '\0') {
		fprintf(stderr, "probe: bad integer value %s=%s\n", key, value);
		exit(2);
	}
	return v;
}

static void
copy_value(char *dst, size_t size, const char *key, const char *value)
{
	if (strlen(value) >= size) {
		fprintf(stderr, "probe: value of %s is too long\n", key);
		exit(2);
	}
	strcpy(dst, value);
}

static void
parse_premaps(struct probe_case *c, char *value)
{
	char *save;
	for (char *item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		if (!colon || c->npremaps == MAX_PREMAPS) {
			fprintf(stderr, "probe: bad premaps item %s\n", item);
			exit(2);
		}
		*colon = '\0';
		c->premap_off[c->npremaps] = parse_u64("premaps", item);
		c->premap_len[c->npremaps] = parse_u64("premaps", colon + 1);
		c->npremaps++;
	}
}

static void
parse_token(struct probe_case *c, char *token)
{
	char *eq = strchr(token, '=');
	if (!eq) {
		fprintf(stderr, "probe: token without '=': %s\n", token);
		exit(2);
	}
	*eq = '\0';
	const char *key = token;
	char *value = eq + 1;

	if (strcmp(key, "id") == 0) {
		copy_value(c->id, sizeof(c->id), key, value);
	} else if (strcmp(key, "src") == 0) {
		copy_value(c->src, sizeof(c->src), key, value);
	} else if (strcmp(key, "path") == 0) {
		copy_value(c->path, sizeof(c->path), key, value);
	} else if (strcmp(key, "open") == 0) {
		copy_value(c->open_mode, sizeof(c->open_mode), key, value);
	} else if (strcmp(key, "fd") == 0) {
		c->raw_fd = (int)parse_long(key, value);
	} else if (strcmp(key, "anon") == 0) {
		c->anon_size = parse_u64(key, value);
	} else if (strcmp(key, "gran") == 0) {
		c->has_gran = 1;
		c->gran = parse_long(key, value);
	} else if (strcmp(key, "offset") == 0) {
		c->has_offset = 1;
		c->offset = parse_u64(key, value);
	} else if (strcmp(key, "length") == 0) {
		c->has_length = 1;
		c->length = parse_u64(key, value);
	} else if (strcmp(key, "prot") == 0) {
		c->has_prot = 1;
		c->prot = (unsigned long)parse_u64(key, value);
	} else if (strcmp(key, "sharing") == 0) {
		c->has_sharing = 1;
		c->sharing = parse_long(key, value);
	} else if (strcmp(key, "rsv") == 0) {
		c->has_rsv = 1;
		c->rsv_size = parse_u64(key, value);
	} else if (strcmp(key, "rsvoff") == 0) {
		c->rsv_offset = parse_u64(key, value);
	} else if (strcmp(key, "premaps") == 0) {
		parse_premaps(c, value);
	} else if (strcmp(key, "memops") == 0) {
		copy_value(c->memops, sizeof(c->memops), key, value);
	} else if (strcmp(key, "rsvops") == 0) {
		copy_value(c->rsvops, sizeof(c->rsvops), key, value);
	} else if (strcmp(key, "force") == 0) {
		c->has_force = 1;
		copy_value(c->force, sizeof(c->force), key, value);
	} else {
		fprintf(stderr, "probe: unknown key %s\n", key);
		exit(2);
	}
}

static int
open_flags(const char *mode)
{
	if (strcmp(mode, "rdonly") == 0)
		return O_RDONLY;
	if (strcmp(mode, "wronly") == 0)
		return O_WRONLY;
	return O_RDWR; /* rdwr, and closed (opened rdwr, closed after pmem2_source_from_fd) */
}

/* fnv1a -- 32-bit FNV-1a of a byte range, the checksum both sides compute */
static uint32_t
fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static unsigned char
write_pattern(size_t map_offset)
{
	return (unsigned char)(map_offset * 5 + 0x3c);
}

static const char *
align_class(uintptr_t addr)
{
	if (addr % (1ULL << 30) == 0)
		return "1G";
	if (addr % (2ULL << 20) == 0)
		return "2M";
	if (addr % 4096 == 0)
		return "page";
	return "unaligned";
}

/* what the config holds after the setters: a failed setter leaves the default in place */
struct applied_config {
	unsigned prot;
	uint64_t offset;
};

/* apply_setters -- calls the setters the case names, in a fixed order, reporting each */
static struct applied_config
apply_setters(struct pmem2_config *cfg, const struct probe_case *c,
	struct pmem2_vm_reservation *rsv)
{
	struct applied_config applied = {PMEM2_PROT_READ | PMEM2_PROT_WRITE, 0};
	int ret;

	if (c->has_gran) {
		mark_errormsg();
		ret = pmem2_config_set_required_store_granularity(cfg,
			(enum pmem2_granularity)c->gran);
		print_result("setGranularity", ret);
	}
	if (c->has_offset) {
		mark_errormsg();
		ret = pmem2_config_set_offset(cfg, c->offset);
		print_result("setOffset", ret);
		if (ret == 0)
			applied.offset = c->offset;
	}
	if (c->has_length) {
		mark_errormsg();
		print_result("setLength", pmem2_config_set_length(cfg, c->length));
	}
	if (c->has_prot) {
		mark_errormsg();
		ret = pmem2_config_set_protection(cfg, (unsigned)c->prot);
		print_result("setProtection", ret);
		if (ret == 0)
			applied.prot = (unsigned)c->prot;
	}
	if (c->has_sharing) {
		mark_errormsg();
		print_result("setSharing", pmem2_config_set_sharing(cfg,
			(enum pmem2_sharing_type)c->sharing));
	}
	if (rsv) {
		mark_errormsg();
		print_result("setVmReservation",
			pmem2_config_set_vm_reservation(cfg, rsv, c->rsv_offset));
	}
	return applied;
}

/* report_map -- size, effective granularity and where the mapping landed */
static void
report_map(struct pmem2_map *map, struct pmem2_vm_reservation *rsv)
{
	uintptr_t addr = (uintptr_t)pmem2_map_get_address(map);
	printf(",\"size\":%zu,\"granularity\":%d,\"align\":\"%s\"", pmem2_map_get_size(map),
		(int)pmem2_map_get_store_granularity(map), align_class(addr));
	if (rsv)
		printf(",\"rsvOffset\":%" PRIuPTR,
			addr - (uintptr_t)pmem2_vm_reservation_get_address(rsv));
}

/*
 * report_data -- checksums the first and last sample of the mapping, then, if writable, writes
 * a pattern there, persists it and checks it reads back and whether the file sees it
 */
static void
report_data(struct pmem2_map *map, unsigned prot, int fd, uint64_t file_offset)
{
	unsigned char *addr = pmem2_map_get_address(map);
	size_t size = pmem2_map_get_size(map);
	size_t n = size < SAMPLE_BYTES ? size : SAMPLE_BYTES;
	int readable = (prot & PMEM2_PROT_READ) != 0;
	int writable = (prot & PMEM2_PROT_WRITE) != 0;

	if (readable)
		printf(",\"head\":\"%08x\",\"tail\":\"%08x\"", fnv1a(addr, n),
			fnv1a(addr + size - n, n));
	if (!writable)
		return;

	for (size_t i = 0; i < n; i++) {
		addr[i] = write_pattern(i);
		addr[size - n + i] = write_pattern(size - n + i);
	}
	pmem2_persist_fn persist = pmem2_get_persist_fn(map);
	persist(addr, n);
	persist(addr + size - n, n);

	if (readable) {
		int ok = 1;
		for (size_t i = 0; i < n && ok; i++)
			ok = addr[i] == write_pattern(i) &&
				addr[size - n + i] == write_pattern(size - n + i);
		printf(",\"readBack\":%s", ok ? "true" : "false");
	}
	if (fd >= 0) {
		unsigned char buf[SAMPLE_BYTES];
		ssize_t got = pread(fd, buf, n, (off_t)file_offset);
		int sees = got == (ssize_t)n;
		for (size_t i = 0; i < n && sees; i++)
			sees = buf[i] == write_pattern(i);
		printf(",\"fileSees\":%s", sees ? "true" : "false");
	}
}

/* copy_source_byte -- the bytes memcpy copies from (mirrors memCopySource in TypeScript) */
static unsigned char
copy_source_byte(size_t i)
{
	return (unsigned char)(i * 11 + 7);
}

/*
 * run_mem_ops -- the mem function calls the case lists, each only when its range lies inside
 * the mapping (outside is undefined behaviour in C): memset:<off>:<len>:<byte>:<flags>,
 * memmove:<dst>:<src>:<len>:<flags>, memcpy:<dst>:<len>:<flags>; then the checksum of the
 * first min(size, 64 KiB) bytes and how many calls ran
 */
static void
run_mem_ops(const struct probe_case *c, struct pmem2_map *map)
{
	static unsigned char source[MEM_WINDOW];
	unsigned char *addr = pmem2_map_get_address(map);
	size_t size = pmem2_map_get_size(map);
	pmem2_memset_fn memset_fn = pmem2_get_memset_fn(map);
	pmem2_memmove_fn memmove_fn = pmem2_get_memmove_fn(map);
	pmem2_memcpy_fn memcpy_fn = pmem2_get_memcpy_fn(map);
	char ops[sizeof(c->memops)];
	char *save;
	int ran = 0;

	for (size_t i = 0; i < sizeof(source); i++)
		source[i] = copy_source_byte(i);
	strcpy(ops, c->memops);
	for (char *op = strtok_r(ops, ",", &save); op; op = strtok_r(NULL, ",", &save)) {
		uint64_t v[5] = {0};
		int n = 0;
		char *name = op;
		for (char *p = strchr(op, ':'); p && n < 5; p = strchr(p + 1, ':')) {
			*p = '\0';
			v[n++] = strtoull(p + 1, NULL, 10);
		}
		if (strcmp(name, "memset") == 0 && n == 4) {
			if (v[0] > size || v[1] > size - v[0])
				continue;
			memset_fn(addr + v[0], (int)v[2], v[1], (unsigned)v[3]);
		} else if (strcmp(name, "memmove") == 0 && n == 4) {
			if (v[0] > size || v[2] > size - v[0] || v[1] > size || v[2] > size - v[1])
				continue;
			memmove_fn(addr + v[0], addr + v[1], v[2], (unsigned)v[3]);
		} else if (strcmp(name, "memcpy") == 0 && n == 3) {
			if (v[0] > size || v[1] > size - v[0] || v[1] > sizeof(source))
				continue;
			memcpy_fn(addr + v[0], source, v[1], (unsigned)v[2]);
		} else {
			fprintf(stderr, "probe: bad memops item %s\n", name);
			exit(2);
		}
		ran++;
	}
	size_t window = size < MEM_WINDOW ? size : MEM_WINDOW;
	printf(",\"memOpsRun\":%d,\"memSum\":\"%08x\"", ran, fnv1a(addr, window));
}

/* map_name -- which of the case's maps a find returned */
static const char *
map_name(struct pmem2_map *found, struct pmem2_map *map, struct pmem2_map **premaps,
	int npremaps)
{
	static char name[32];
	if (found == NULL)
		return "none";
	if (found == map)
		return "self";
	for (int i = 0; i < npremaps; i++) {
		if (found == premaps[i]) {
			snprintf(name, sizeof(name), "premap%d", i);
			return name;
		}
	}
	return "other";
}

/*
 * run_rsv_ops -- the reservation operations the case lists: extend:<size>,
 * shrink:<offset>:<size>, find:<offset>:<len>, first, last, next, prev (of the case's map;
 * skipped without one) and delete (which ends the list when it succeeds)
 */
static void
run_rsv_ops(const struct probe_case *c, struct pmem2_vm_reservation **rsv,
	struct pmem2_map *map, struct pmem2_map **premaps)
{
	char ops[sizeof(c->rsvops)];
	char *save;
	int first = 1;

	strcpy(ops, c->rsvops);
	printf(",\"rsvOps\":[");
	for (char *op = strtok_r(ops, ",", &save); op && *rsv; op = strtok_r(NULL, ",", &save)) {
		char *arg1 = strchr(op, ':');
		char *arg2 = NULL;
		if (arg1) {
			*arg1++ = '\0';
			arg2 = strchr(arg1, ':');
			if (arg2)
				*arg2++ = '\0';
		}
		struct pmem2_map *found = NULL;
		int is_find = 1;
		int ret;

		if ((strcmp(op, "next") == 0 || strcmp(op, "prev") == 0) && map == NULL)
			continue;
		mark_errormsg();
		if (strcmp(op, "extend") == 0 && arg1) {
			ret = pmem2_vm_reservation_extend(*rsv, parse_u64(op, arg1));
			is_find = 0;
		} else if (strcmp(op, "shrink") == 0 && arg1 && arg2) {
			ret = pmem2_vm_reservation_shrink(*rsv, parse_u64(op, arg1),
				parse_u64(op, arg2));
			is_find = 0;
		} else if (strcmp(op, "find") == 0 && arg1 && arg2) {
			ret = pmem2_vm_reservation_map_find(*rsv, parse_u64(op, arg1),
				parse_u64(op, arg2), &found);
		} else if (strcmp(op, "first") == 0) {
			ret = pmem2_vm_reservation_map_find_first(*rsv, &found);
		} else if (strcmp(op, "last") == 0) {
			ret = pmem2_vm_reservation_map_find_last(*rsv, &found);
		} else if (strcmp(op, "next") == 0) {
			ret = pmem2_vm_reservation_map_find_next(*rsv, map, &found);
		} else if (strcmp(op, "prev") == 0) {
			ret = pmem2_vm_reservation_map_find_prev(*rsv, map, &found);
		} else if (strcmp(op, "delete") == 0) {
			ret = pmem2_vm_reservation_delete(rsv);
			is_find = 0;
		} else {
			fprintf(stderr, "probe: bad rsvops item %s\n", op);
			exit(2);
		}
		printf("%s{\"op\":", first ? "" : ",");
		print_json_string(op);
		printf(",\"ret\":%d,\"msg\":", ret);
		print_json_string(ret != 0 ? current_errormsg() : "");
		if (is_find) {
			printf(",\"found\":");
			print_json_string(ret == 0 ? map_name(found, map, premaps, c->npremaps) :
				"none");
		}
		putchar('}');
		first = 0;
	}
	putchar(']');
	if (*rsv)
		printf(",\"rsvSize\":%zu", pmem2_vm_reservation_get_size(*rsv));
}

static void
run_case(struct probe_case *c)
{
	struct pmem2_vm_reservation *rsv = NULL;
	struct pmem2_map *premaps[MAX_PREMAPS] = {0};
	struct pmem2_source *premap_srcs[MAX_PREMAPS] = {0};
	struct pmem2_source *src = NULL;
	struct pmem2_config *cfg = NULL;
	struct pmem2_map *map = NULL;
	int fd = -1;
	int ret;

	if (c->has_force)
		setenv("PMEM2_FORCE_GRANULARITY", c->force, 1);
	else
		unsetenv("PMEM2_FORCE_GRANULARITY");

	printf("{\"id\":");
	print_json_string(c->id);

	if (c->has_rsv) {
		mark_errormsg();
		ret = pmem2_vm_reservation_new(&rsv, NULL, c->rsv_size);
		print_result("rsv", ret);
		if (ret != 0)
			goto out;
		printf(",\"premaps\":[");
		for (int i = 0; i < c->npremaps; i++) {
			struct pmem2_config *pcfg;
			if (pmem2_config_new(&pcfg) != 0)
				abort();
			pmem2_config_set_required_store_granularity(pcfg, PMEM2_GRANULARITY_PAGE);
			pmem2_config_set_vm_reservation(pcfg, rsv, c->premap_off[i]);
			mark_errormsg();
			ret = pmem2_source_from_anon(&premap_srcs[i], c->premap_len[i]);
			if (ret == 0)
				ret = pmem2_map_new(&premaps[i], pcfg, premap_srcs[i]);
			printf("%s{\"ret\":%d,\"msg\":", i ? "," : "", ret);
			print_json_string(ret != 0 ? current_errormsg() : "");
			putchar('}');
			pmem2_config_delete(&pcfg);
		}
		putchar(']');
	}

	mark_errormsg();
	if (strcmp(c->src, "anon") == 0) {
		ret = pmem2_source_from_anon(&src, c->anon_size);
	} else if (strcmp(c->src, "fd") == 0) {
		ret = pmem2_source_from_fd(&src, c->raw_fd);
	} else {
		int flags = open_flags(c->open_mode);
		if (strcmp(c->src, "dir") == 0)
			flags = O_RDONLY | O_DIRECTORY;
		else if (strcmp(c->src, "fifo") == 0)
			flags |= O_NONBLOCK;
		fd = open(c->path, flags);
		if (fd < 0) {
			fprintf(stderr, "probe: open %s: %s\n", c->path, strerror(errno));
			exit(2);
		}
		mark_errormsg();
		ret = pmem2_source_from_fd(&src, fd);
	}
	print_result("source", ret);
	if (ret != 0)
		goto out;

	if (pmem2_config_new(&cfg) != 0)
		abort();
	struct applied_config applied = apply_setters(cfg, c, rsv);

	if (strcmp(c->open_mode, "closed") == 0) {
		close(fd);
		fd = -1;
	}

	mark_errormsg();
	ret = pmem2_map_new(&map, cfg, src);
	print_result("map", ret);
	if (ret == 0) {
		report_map(map, rsv);
		report_data(map, applied.prot, fd, applied.offset);
		unsigned rw = PMEM2_PROT_READ | PMEM2_PROT_WRITE;
		if (c->memops[0] != '\0' && (applied.prot & rw) == rw)
			run_mem_ops(c, map);
	}
	if (rsv && c->rsvops[0] != '\0')
		run_rsv_ops(c, &rsv, map, premaps);
	if (map) {
		mark_errormsg();
		print_result("delete", pmem2_map_delete(&map));
	}

out:
	for (int i = 0; i < c->npremaps; i++) {
		if (premaps[i])
			pmem2_map_delete(&premaps[i]);
		pmem2_source_delete(&premap_srcs[i]);
	}
	if (rsv) {
		mark_errormsg();
		print_result("rsvDelete", pmem2_vm_reservation_delete(&rsv));
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	if (fd >= 0)
		close(fd);
	printf("}\n");
	fflush(stdout);
}

int
main(void)
{
	char line[MAX_LINE];

	mark_errormsg();
	snprintf(sentinel_msg, sizeof(sentinel_msg), "%s", pmem2_errormsg());
	if (sentinel_msg[0] == '\0') {
		fprintf(stderr, "probe: libpmem2 did not set the sentinel errormsg\n");
		return 2;
	}

	while (fgets(line, sizeof(line), stdin)) {
		struct probe_case c;
		memset(&c, 0, sizeof(c));
		strcpy(c.open_mode, "rdwr");
		char *save;
		for (char *tok = strtok_r(line, " \t\n", &save); tok;
				tok = strtok_r(NULL, " \t\n", &save))
			parse_token(&c, tok);
		if (c.id[0] == '\0') {
			fprintf(stderr, "probe: case without id\n");
			return 2;
		}
		run_case(&c);
	}
	return 0;
}
