/* probe_parse.c -- the conformance probe's parser of a case line's key=value tokens */
#include "probe.h"

#include <stddef.h>

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

/* How a key's value is stored into its member of struct probe_case. */
enum field_kind { FIELD_TEXT, FIELD_U64, FIELD_ULONG, FIELD_LONG, FIELD_INT, FIELD_PREMAPS };

/* A key of a case line: its member (offset and size) and the has_* flag it sets, if any. */
struct field {
	const char *key;
	enum field_kind kind;
	size_t at, size;
	size_t flag; /* NO_FLAG, or the offset of an int has_* member set to 1 */
};

#define MEMBER(m) offsetof(struct probe_case, m), sizeof(((struct probe_case *)0)->m)
#define FLAG(m) offsetof(struct probe_case, m)
#define NO_FLAG SIZE_MAX

static const struct field Fields[] = {
	{"id", FIELD_TEXT, MEMBER(id), NO_FLAG},
	{"src", FIELD_TEXT, MEMBER(src), NO_FLAG},
	{"path", FIELD_TEXT, MEMBER(path), NO_FLAG},
	{"open", FIELD_TEXT, MEMBER(open_mode), NO_FLAG},
	{"fd", FIELD_INT, MEMBER(raw_fd), NO_FLAG},
	{"anon", FIELD_U64, MEMBER(anon_size), NO_FLAG},
	{"gran", FIELD_LONG, MEMBER(gran), FLAG(has_gran)},
	{"offset", FIELD_U64, MEMBER(offset), FLAG(has_offset)},
	{"length", FIELD_U64, MEMBER(length), FLAG(has_length)},
	{"prot", FIELD_ULONG, MEMBER(prot), FLAG(has_prot)},
	{"sharing", FIELD_LONG, MEMBER(sharing), FLAG(has_sharing)},
	{"rsv", FIELD_U64, MEMBER(rsv_size), FLAG(has_rsv)},
	{"rsvoff", FIELD_U64, MEMBER(rsv_offset), NO_FLAG},
	{"premaps", FIELD_PREMAPS, MEMBER(npremaps), NO_FLAG},
	{"memops", FIELD_TEXT, MEMBER(memops), NO_FLAG},
	{"rsvops", FIELD_TEXT, MEMBER(rsvops), NO_FLAG},
	{"force", FIELD_TEXT, MEMBER(force), FLAG(has_force)},
};

/* Stores `value` into the member of `f`, after setting its has_* flag. */
static void
store_field(struct probe_case *c, const struct field *f, const char *key, char *value)
{
	char *member = (char *)c + f->at;
	if (f->flag != NO_FLAG)
		*(int *)((char *)c + f->flag) = 1;
	switch (f->kind) {
	case FIELD_TEXT:
		copy_value(member, f->size, key, value);
		break;
	case FIELD_U64:
		*(uint64_t *)member = parse_u64(key, value);
		break;
	case FIELD_ULONG:
		*(unsigned long *)member = (unsigned long)parse_u64(key, value);
		break;
	case FIELD_LONG:
		*(long *)member = parse_long(key, value);
		break;
	case FIELD_INT:
		*(int *)member = (int)parse_long(key, value);
		break;
	case FIELD_PREMAPS:
		parse_premaps(c, value);
		break;
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
	for (size_t i = 0; i < sizeof(Fields) / sizeof(Fields[0]); i++) {
		if (strcmp(key, Fields[i].key) == 0) {
			store_field(c, &Fields[i], key, eq + 1);
			return;
		}
	}
	fprintf(stderr, "probe: unknown key %s\n", key);
	exit(2);
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

