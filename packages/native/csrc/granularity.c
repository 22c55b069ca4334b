/* granularity.c -- the store granularity of a new mapping and why (map.c: get_min_granularity) */

#include <stdlib.h>
#include <string.h>

#include "granularity.h"
#include "status.h"

/* strlen("CACHE_LINE"): libpmem2 copies the value into an 11-byte buffer or ignores it. */
#define FORCE_GRANULARITY_MAX_LENGTH 10

/* parse_force_granularity over a value (toupper in the C locale: ASCII only). */
int
parse_force_granularity(const char *value, size_t len)
{
	if (!value || len > FORCE_GRANULARITY_MAX_LENGTH)
		return -1;
	char upper[FORCE_GRANULARITY_MAX_LENGTH + 1];
	for (size_t i = 0; i < len; i++) {
		char c = value[i];
		upper[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	upper[len] = '\0';
	/* a value with a NUL inside (possible from JavaScript, not from the environment) */
	if (strlen(upper) != len)
		return -1;
	if (strcmp(upper, "BYTE") == 0)
		return GRANULARITY_BYTE;
	if (strcmp(upper, "CACHE_LINE") == 0 || strcmp(upper, "CACHELINE") == 0)
		return GRANULARITY_CACHE_LINE;
	if (strcmp(upper, "PAGE") == 0)
		return GRANULARITY_PAGE;
	return -1;
}

/* PMEM2_FORCE_GRANULARITY of the process environment, now. */
int
forced_granularity_now(void)
{
	const char *value = getenv("PMEM2_FORCE_GRANULARITY");
	return parse_force_granularity(value, value ? strlen(value) : 0);
}

/* pmem2_map_new's anonymous rule, then get_min_granularity. */
int
granularity_decide(const struct granularity_facts *facts, int *granularity, int *reason)
{
	int eadr = 0;
	if (facts->anonymous) {
		*granularity = GRANULARITY_BYTE;
		*reason = REASON_ANONYMOUS;
	} else if (facts->private_mapping) {
		*granularity = GRANULARITY_BYTE;
		*reason = REASON_PRIVATE;
	} else if (facts->forced >= 0) {
		*granularity = facts->forced;
		*reason = REASON_FORCED;
	} else if (!facts->map_sync) {
		*granularity = GRANULARITY_PAGE;
		*reason = REASON_NO_MAP_SYNC;
	} else if ((eadr = facts->eadr ? facts->eadr(facts->eadr_ctx) : 0) == EADR_FAILED) {
		return EADR_FAILED;
	} else if (!eadr) {
		*granularity = GRANULARITY_CACHE_LINE;
		*reason = REASON_NO_EADR;
	} else {
		*granularity = GRANULARITY_BYTE;
		*reason = REASON_EADR;
	}
	return 0;
}
