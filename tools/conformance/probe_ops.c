/* probe_ops.c -- the conformance probe's mem function calls and reservation operations */
#include "probe.h"

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
void
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
void
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
