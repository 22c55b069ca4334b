// bench_output.h -- what bench.c and log_bench.c share: the clock and the JSON lines they print

#ifndef PMEM2_BENCH_OUTPUT_H
#define PMEM2_BENCH_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Prints s as a JSON string (control characters become spaces). */
static inline void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar((unsigned char)*s < 0x20 ? ' ' : *s);
	}
	putchar('"');
}

/* The answer line of a case that failed: {"id":...,"error":"<what>: <detail>"}. */
static inline void print_error(const char *id, const char *what, const char *detail)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s: %s", what, detail);
	printf("{\"id\":");
	print_json_string(id);
	printf(",\"error\":");
	print_json_string(msg);
	printf("}\n");
	fflush(stdout);
}

/* The answer line of a case that ran: {"id":...,"granularity":...,"batch":N,"samplesNs":[...]}. */
static inline void print_samples(const char *id, const char *granularity, unsigned long batch,
				 const uint64_t *samples_ns, unsigned long samples)
{
	printf("{\"id\":");
	print_json_string(id);
	printf(",\"granularity\":\"%s\",\"batch\":%lu,\"samplesNs\":[", granularity, batch);
	for (unsigned long k = 0; k < samples; k++)
		printf("%s%llu", k ? "," : "", (unsigned long long)samples_ns[k]);
	printf("]}\n");
	fflush(stdout);
}

#endif
