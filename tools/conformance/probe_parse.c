/* probe_parse.c -- the conformance probe's parser of a case line's key=value tokens */
#include "probe.h"

uint64_t
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

void
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

int
open_flags(const char *mode)
{
	if (strcmp(mode, "rdonly") == 0)
		return O_RDONLY;
	if (strcmp(mode, "wronly") == 0)
		return O_WRONLY;
	return O_RDWR; /* rdwr, and closed (opened rdwr, closed after pmem2_source_from_fd) */
}

