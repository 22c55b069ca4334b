/*
 * probe.c -- the conformance oracle: runs pmem2_map_new cases against the real libpmem2
 *
 * Reads one case per stdin line, as whitespace-separated key=value tokens, and prints one JSON
 * line per case with every return code and pmem2_errormsg() text along the way. The keys are
 * documented in src/probe-protocol.ts, which is the only writer of this input and reader of
 * this output. Compiled at test time (src/probe-build.ts); never committed as a binary.
 * The line parser is probe_parse.c, the operations after the map probe_ops.c (probe.h).
 */
#include "probe.h"

/* the text pmem2_errormsg() holds while no call under test has set one */
static char sentinel_msg[64];

/*
 * mark_errormsg -- puts a known text into the thread-local errormsg buffer, so that a failing
 * call that sets no message is reported as "" instead of a stale text (release builds of
 * libpmem2 never clear the buffer)
 */
void
mark_errormsg(void)
{
	struct pmem2_config *cfg;
	if (pmem2_config_new(&cfg) != 0)
		abort();
	(void) pmem2_config_set_sharing(cfg, (enum pmem2_sharing_type)SENTINEL_SHARING);
	pmem2_config_delete(&cfg);
}

const char *
current_errormsg(void)
{
	const char *msg = pmem2_errormsg();
	return strcmp(msg, sentinel_msg) == 0 ? "" : msg;
}

void
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
void
print_result(const char *name, int ret)
{
	printf(",\"%s\":{\"ret\":%d,\"msg\":", name, ret);
	print_json_string(ret != 0 ? current_errormsg() : "");
	putchar('}');
}


/* fnv1a -- 32-bit FNV-1a of a byte range, the checksum both sides compute */
uint32_t
fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

unsigned char
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
