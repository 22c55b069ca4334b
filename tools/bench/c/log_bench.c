// log_bench.c -- the C side of the log rows of `pnpm bench`: @pmem2/log's commit protocol on libpmem2
//
// Reads one case per line on stdin, in bench.c's format:
//   <id> <peer> log <path> <size> <len> <group> <batch> <samples> <warmup> <target_ms>
// where <size> is the log's area, <len> the payload of a record and <group> the records per
// commit; prints {"id":"...","granularity":"PAGE","batch":N,"samplesNs":[...]} per case.
// One operation appends one record as @pmem2/log lays it out (16-byte header, payload, zeros
// to a multiple of 8); every <group>th operation closes the group with a commit record that
// carries the CRC-32 (zlib's crc32) of the group, then makes the group durable with one call
// of pmem2_get_persist_fn(3) over its range (msync at PAGE; flushes + fence at CACHE_LINE;
// a fence at BYTE). When the next sample would pass the end of the area the log starts over
// at 0, untimed, as the JS side does between samples.
//
// Built twice: with zlib's crc32 (the C baseline, peer c-log) and with -DNATIVE_CRC, linking
// @pmem2/native's csrc/crc32*.c (peer c-log-hwcrc: the CRC routine @pmem2/log runs, so the
// report shows what the log's ratio owes to its CRC).

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libpmem2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef NATIVE_CRC
#include "crc32.h"
#define group_crc32(seed, p, n) crc32_ieee((seed), (p), (n))
#else
#include <zlib.h>
#define group_crc32(seed, p, n) ((uint32_t)crc32((seed), (p), (uInt)(n)))
#endif

#include "bench_output.h"

#define HEADER 4096
#define RECORD_HEADER 16
#define COMMIT_SIZE 32
#define MAX_SAMPLES 100000

struct log_case {
	char id[128], peer[32], workload[32], path[4096];
	size_t size, len;
	unsigned group;
	unsigned long batch, samples, warmup, target_ms;
};

struct log_state {
	uint8_t *area;
	size_t size, record, tail, group_start;
	unsigned count, group;
	uint32_t seed;
	pmem2_persist_fn persist;
	uint8_t *payload;
};

static void put_header(uint8_t *at, uint32_t length, uint64_t lsn, uint32_t type)
{
	uint32_t words[4] = {length, 1, (uint32_t)lsn + type, (uint32_t)(lsn >> 32)};
	memcpy(at, words, sizeof(words));
}

static void commit(struct log_state *s)
{
	uint8_t *at = s->area + s->tail;
	put_header(at, COMMIT_SIZE - RECORD_HEADER, s->tail, 3);
	uint64_t start = s->group_start;
	memcpy(at + 16, &start, 8);
	memcpy(at + 24, &s->count, 4);
	uint32_t crc = group_crc32(s->seed, s->area + s->group_start,
				   s->tail + 28 - s->group_start);
	memcpy(at + 28, &crc, 4);
	s->tail += COMMIT_SIZE;
	s->persist(s->area + s->group_start, s->tail - s->group_start);
	s->group_start = s->tail;
	s->count = 0;
}

static void append(struct log_state *s, size_t len)
{
	uint8_t *at = s->area + s->tail;
	put_header(at, (uint32_t)len, s->tail, 1);
	memcpy(at + RECORD_HEADER, s->payload, len);
	memset(at + RECORD_HEADER + len, 0, s->record - RECORD_HEADER - len);
	s->tail += s->record;
	if (++s->count == s->group)
		commit(s);
}

/* Starts the log over when `n` more records (and their commits) would not fit. */
static void make_room(struct log_state *s, unsigned long n)
{
	size_t need = n * s->record + (n / s->group + 2) * COMMIT_SIZE;
	if (s->tail + need <= s->size)
		return;
	s->tail = s->group_start = 0;
	s->count = 0;
}

static void run(struct log_state *s, size_t len, unsigned long n)
{
	for (unsigned long k = 0; k < n; k++)
		append(s, len);
}

static void report_error(const struct log_case *c, const char *what, const char *detail)
{
	print_error(c->id, what, detail);
}

static void run_case(const struct log_case *c)
{
	static uint64_t samples_ns[MAX_SAMPLES];
	if (strcmp(c->workload, "log") != 0 || c->group == 0 || c->samples > MAX_SAMPLES) {
		report_error(c, "case", "log_bench.c runs log cases with a group of at least 1");
		return;
	}
	/* Written in full and fsynced first: no sample pays for block allocation. */
	static char zeros[1 << 20];
	int fd = open(c->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (size_t off = 0; fd >= 0 && off < HEADER + c->size; off += sizeof(zeros)) {
		size_t n = HEADER + c->size - off < sizeof(zeros) ? HEADER + c->size - off : sizeof(zeros);
		if (pwrite(fd, zeros, n, (off_t)off) != (ssize_t)n) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0 || fsync(fd) != 0) {
		report_error(c, "open/pwrite/fsync", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	struct pmem2_map *map = NULL;
	struct log_state s = {0};
	if (pmem2_config_new(&cfg) || pmem2_source_from_fd(&src, fd) ||
	    pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE) ||
	    pmem2_map_new(&map, cfg, src)) {
		report_error(c, "pmem2_map_new", pmem2_errormsg());
		goto out;
	}
	s.area = (uint8_t *)pmem2_map_get_address(map) + HEADER;
	s.size = c->size;
	s.record = (RECORD_HEADER + c->len + 7) / 8 * 8;
	s.group = c->group;
	s.seed = 0x2545f491;
	s.persist = pmem2_get_persist_fn(map);
	s.payload = malloc(c->len + 1);
	if (!s.payload) {
		report_error(c, "malloc", strerror(errno));
		goto out;
	}
	memset(s.payload, 0x5a, c->len);
	for (size_t off = 0; off < s.size; off += 4096) /* untimed: no first-touch faults */
		s.area[off] = 0;

	/* A sample never holds more records than the area (make_room starts over before one). */
	unsigned long most = s.size / (s.record + COMMIT_SIZE);
	unsigned long cap = c->batch < most ? c->batch : most;
	unsigned long n = 1;
	uint64_t took;
	for (;;) { /* calibrate as bench.c does */
		make_room(&s, n);
		uint64_t t0 = now_ns();
		run(&s, c->len, n);
		took = now_ns() - t0;
		if (took >= c->target_ms * 1000000ull / 8 || n >= cap)
			break;
		n = n * 2 < cap ? n * 2 : cap;
	}
	double per_op = took > 0 ? (double)took / (double)n : 1;
	unsigned long batch = (unsigned long)((double)c->target_ms * 1e6 / per_op);
	batch = batch < 1 ? 1 : batch > cap ? cap : batch;
	for (unsigned long w = 0; w < c->warmup; w++) {
		make_room(&s, batch);
		run(&s, c->len, batch);
	}
	for (unsigned long k = 0; k < c->samples; k++) {
		make_room(&s, batch);
		uint64_t t0 = now_ns();
		run(&s, c->len, batch);
		samples_ns[k] = now_ns() - t0;
	}
	const char *names[] = {"BYTE", "CACHE_LINE", "PAGE"};
	print_samples(c->id, names[pmem2_map_get_store_granularity(map)], batch, samples_ns,
		      c->samples);
out:
	free(s.payload);
	if (map)
		pmem2_map_delete(&map);
	if (src)
		pmem2_source_delete(&src);
	if (cfg)
		pmem2_config_delete(&cfg);
	fsync(fd);
	close(fd);
	unlink(c->path);
}

int main(void)
{
	char line[8192];
#ifdef NATIVE_CRC
	crc32_init();
#endif
	while (fgets(line, sizeof(line), stdin)) {
		struct log_case c;
		memset(&c, 0, sizeof(c));
		int n = sscanf(line, "%127s %31s %31s %4095s %zu %zu %u %lu %lu %lu %lu", c.id, c.peer,
			       c.workload, c.path, &c.size, &c.len, &c.group, &c.batch, &c.samples,
			       &c.warmup, &c.target_ms);
		if (n == 11)
			run_case(&c);
		else if (n > 0)
			report_error(&c, "case", "expected 11 fields");
	}
	return 0;
}
