// bench.c -- the C side of `pnpm bench`: the same workloads as the JS runner, on libpmem2.
//
// Reads one case per line on stdin:
//   <id> <peer> <workload> <path> <size> <len> <flags> <batch> <samples> <warmup> <target_ms>
// peer:     c-pmem2 (libpmem2's functions) or c-libc (plain memcpy into the mapping)
// workload: map | persist | memcpy | append | update | batch | floor (see tools/bench/README.md)
// and prints one JSON object per case on stdout:
//   {"id":"...","granularity":"PAGE","batch":N,"samplesNs":[...]}   or   {"id":"...","error":"..."}
// Each sample is the wall time of "batch" operations (CLOCK_MONOTONIC); the harness divides.
// The batch is <batch> at most, fewer when that many operations would take longer than
// <target_ms>: a calibration pass (the JS runner does the same) measures the operation first.
// PMEM2_FORCE_GRANULARITY comes from the environment the harness starts this process with.

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

#include "bench_output.h"

#define CACHE_LINE 64
#define RANDOM_OFFSETS 65536
#define BATCH_RANGES 64
#define MAX_SAMPLES 100000

struct bench_case {
	char id[128];
	char peer[32];
	char workload[32];
	char path[4096];
	size_t size;
	size_t len;
	unsigned flags;
	unsigned long batch;
	unsigned long samples;
	unsigned long warmup;
	unsigned long target_ms;
};

struct mapped {
	int fd;
	struct pmem2_config *cfg;
	struct pmem2_source *src;
	struct pmem2_map *map;
	char *base;
};

static const char *granularity_name(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "CACHE_LINE";
	case PMEM2_GRANULARITY_PAGE:
		return "PAGE";
	}
	return "UNKNOWN";
}

/* Prints a JSON string literal; ids and messages are plain ASCII, quotes are escaped. */
static void report_error(const struct bench_case *c, const char *what, const char *detail)
{
	print_error(c->id, what, detail);
}

/* Opens the file and prepares source + config; the mapping itself is made by the caller. */
static int prepare(const struct bench_case *c, struct mapped *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = open(c->path, O_RDWR);
	if (m->fd < 0) {
		report_error(c, "open", strerror(errno));
		return -1;
	}
	if (pmem2_config_new(&m->cfg) || pmem2_source_from_fd(&m->src, m->fd) ||
	    pmem2_config_set_required_store_granularity(m->cfg, PMEM2_GRANULARITY_PAGE)) {
		report_error(c, "pmem2 setup", pmem2_errormsg());
		return -1;
	}
	return 0;
}

static int map_now(const struct bench_case *c, struct mapped *m)
{
	if (pmem2_map_new(&m->map, m->cfg, m->src)) {
		report_error(c, "pmem2_map_new", pmem2_errormsg());
		return -1;
	}
	m->base = pmem2_map_get_address(m->map);
	return 0;
}

static void release(struct mapped *m)
{
	if (m->map) {
		pmem2_map_delete(&m->map);
	}
	if (m->src)
		pmem2_source_delete(&m->src);
	if (m->cfg)
		pmem2_config_delete(&m->cfg);
	if (m->fd >= 0) {
		fsync(m->fd); /* untimed: leave no dirty pages to the next case */
		close(m->fd);
	}
}

/*
 * Untimed: dirty every page so that no sample pays a first-touch or write-protect fault
 * (ext4 without DAX faults on the first store to a clean page). Not fsynced: pages that
 * stay dirty take no fault until writeback or an msync cleans them.
 */
static void prefault(const struct mapped *m, size_t size)
{
	volatile char *base = m->base;
	for (size_t off = 0; off < size; off += 4096)
		base[off] = base[off];
}

/* xorshift32 from a fixed seed: the JS runner builds the identical offset table. */
static void random_offsets(size_t *out, size_t n, size_t size)
{
	uint32_t x = 0x9E3779B9u;
	size_t slots = size / 8;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[i] = (size_t)(x % slots) * 8;
	}
}

/* Runs one operation number i of the case on an open mapping. */
struct op_state {
	const struct bench_case *c;
	struct mapped *m;
	pmem2_persist_fn persist;
	pmem2_flush_fn flush;
	pmem2_drain_fn drain;
	pmem2_memcpy_fn memcpy_fn;
	char *src;
	size_t *offsets;
};

/*
 * Range j of a batch operation whose first line index is `first` ((i % lines) * BATCH_RANGES
 * for operation i, see batch_first): one 64-byte line, 65 lines after the previous one (a
 * line of its own page, scattered through the file). The same line as (i * BATCH_RANGES + j)
 * * 65 % lines; reducing i first keeps the JS runner's arithmetic in int32 (no fmod), and
 * both sides compute the same offsets the same way.
 */
static size_t batch_offset(uint64_t first, size_t j, size_t lines)
{
	return (size_t)((first + j) * 65 % lines) * CACHE_LINE;
}

/* The first line index of batch operation i (batch_offset). */
static uint64_t batch_first(uint64_t i, size_t lines)
{
	return i % lines * BATCH_RANGES;
}

/* batch: store in 64 scattered lines, flush each line, one drain (C's persistRanges). */
static void batch_op(struct op_state *s, uint64_t i)
{
	char *base = s->m->base;
	size_t lines = s->c->size / CACHE_LINE;
	uint64_t first = batch_first(i, lines);
	for (size_t j = 0; j < BATCH_RANGES; j++)
		base[batch_offset(first, j, lines)] = (char)i;
	for (size_t j = 0; j < BATCH_RANGES; j++)
		s->flush(base + batch_offset(first, j, lines), CACHE_LINE);
	s->drain();
}

static int run_op(struct op_state *s, uint64_t i)
{
	const struct bench_case *c = s->c;
	char *base = s->m->base;
	size_t off;

	switch (c->workload[0]) {
	case 'm':
		if (c->workload[1] == 'a') { /* map */
			if (pmem2_map_new(&s->m->map, s->m->cfg, s->m->src))
				return -1;
			pmem2_map_delete(&s->m->map);
			return 0;
		}
		/* memcpy */
		off = (size_t)(i * c->len % c->size);
		if (c->peer[2] == 'l')
			memcpy(base + off, s->src, c->len);
		else
			s->memcpy_fn(base + off, s->src, c->len, c->flags);
		return 0;
	case 'p': /* persist: dirty every cache line of the range, then persist it */
		off = (size_t)(i * c->len % c->size);
		for (size_t l = 0; l < c->len; l += CACHE_LINE)
			base[off + l] = (char)i;
		s->persist(base + off, c->len);
		return 0;
	case 'a': /* append a record, persist it */
		off = (size_t)(i * c->len % c->size);
		memcpy(s->src, &i, sizeof(i));
		memcpy(base + off, s->src, c->len);
		s->persist(base + off, c->len);
		return 0;
	case 'b': /* batch of 64 ranges */
		batch_op(s, i);
		return 0;
	case 'f': /* floor: the drain function alone (what a no-argument N-API call wraps) */
		s->drain();
		return 0;
	case 'u': /* random 8-byte update, persist it */
		off = s->offsets[i % RANDOM_OFFSETS];
		*(volatile double *)(base + off) = (double)i;
		s->persist(base + off, 8);
		return 0;
	}
	return -1;
}

/* Runs n operations from number *i on; reports and returns -1 on failure. */
static int run_batch(struct op_state *s, uint64_t *i, unsigned long n)
{
	for (unsigned long b = 0; b < n; b++)
		if (run_op(s, (*i)++)) {
			report_error(s->c, "pmem2_map_new", pmem2_errormsg());
			return -1;
		}
	return 0;
}

/* Times n operations into *took (ns); -1 on failure. */
static int time_batch(struct op_state *s, uint64_t *i, unsigned long n, uint64_t *took)
{
	uint64_t t0 = now_ns();
	if (run_batch(s, i, n))
		return -1;
	*took = now_ns() - t0;
	return 0;
}

/*
 * Doubles a trial batch until it takes an eighth of the target sample time (or reaches the
 * case's batch), times that trial batch once more (as the JS runner does, whose first calls
 * run unoptimized), then sizes the batch so that a sample takes about the target time.
 */
static int calibrate(struct op_state *s, uint64_t *i, unsigned long *batch)
{
	const struct bench_case *c = s->c;
	uint64_t target = (uint64_t)c->target_ms * 1000000ull;
	unsigned long n = 1;
	uint64_t took;
	for (;;) {
		if (time_batch(s, i, n, &took))
			return -1;
		if (took >= target / 8 || n >= c->batch)
			break;
		n = n * 2 > c->batch ? c->batch : n * 2;
	}
	if (time_batch(s, i, n, &took))
		return -1;
	double per_op = took > 0 ? (double)took / (double)n : 1.0;
	double fit = (double)target / per_op;
	*batch = fit < 1.0 ? 1 : fit > (double)c->batch ? c->batch : (unsigned long)fit;
	return 0;
}

static void run_case(const struct bench_case *c)
{
	struct mapped m;
	struct op_state s = {.c = c, .m = &m};
	static uint64_t samples_ns[MAX_SAMPLES];
	int is_map = strcmp(c->workload, "map") == 0;
	const char *granularity = "n/a";

	if (c->samples > MAX_SAMPLES || c->batch == 0 || c->len == 0 || c->size % c->len) {
		report_error(c, "case", "bad batch/samples/len/size");
		return;
	}
	if (!is_map && strcmp(c->workload, "memcpy") && strcmp(c->workload, "persist") &&
	    strcmp(c->workload, "append") && strcmp(c->workload, "update") &&
	    strcmp(c->workload, "batch") && strcmp(c->workload, "floor")) {
		report_error(c, "case", "unknown workload");
		return;
	}
	if (prepare(c, &m))
		goto out;
	if (map_now(c, &m))
		goto out;
	granularity = granularity_name(pmem2_map_get_store_granularity(m.map));
	if (is_map) {
		pmem2_map_delete(&m.map);
	} else {
		s.persist = pmem2_get_persist_fn(m.map);
		s.flush = pmem2_get_flush_fn(m.map);
		s.drain = pmem2_get_drain_fn(m.map);
		s.memcpy_fn = pmem2_get_memcpy_fn(m.map);
		prefault(&m, c->size);
	}
	/* the copy source: one chunk (memcpy) or one record (append), like the JS side's */
	size_t src_len = is_map ? 64 : c->len;
	s.src = aligned_alloc(4096, (src_len + 4095) / 4096 * 4096);
	s.offsets = malloc(sizeof(size_t) * RANDOM_OFFSETS);
	if (!s.src || !s.offsets) {
		report_error(c, "malloc", strerror(errno));
		goto out_free;
	}
	memset(s.src, 0x5a, src_len);
	random_offsets(s.offsets, RANDOM_OFFSETS, c->size);

	uint64_t i = 0;
	unsigned long batch = 0;
	if (calibrate(&s, &i, &batch))
		goto out_free;
	for (unsigned long w = 0; w < c->warmup; w++)
		if (run_batch(&s, &i, batch))
			goto out_free;
	for (unsigned long k = 0; k < c->samples; k++) {
		uint64_t t0 = now_ns();
		if (run_batch(&s, &i, batch))
			goto out_free;
		samples_ns[k] = now_ns() - t0;
	}

	print_samples(c->id, granularity, batch, samples_ns, c->samples);

out_free:
	free(s.src);
	free(s.offsets);
out:
	release(&m);
}

int main(void)
{
	char line[8192];
	while (fgets(line, sizeof(line), stdin)) {
		struct bench_case c;
		memset(&c, 0, sizeof(c));
		int n = sscanf(line, "%127s %31s %31s %4095s %zu %zu %u %lu %lu %lu %lu", c.id,
			       c.peer, c.workload, c.path, &c.size, &c.len, &c.flags, &c.batch,
			       &c.samples, &c.warmup, &c.target_ms);
		if (n != 11) {
			if (n > 0)
				report_error(&c, "case", "expected 11 fields");
			continue;
		}
		run_case(&c);
	}
	return 0;
}
