/* populate-probe.c -- whether the (emulated) kernel carries out MADV_POPULATE_READ/WRITE: run
 * under qemu-user, it prints "populate: works" or "populate: ignored" (madvise answered 0 and
 * mincore shows the page still not resident), and exits 0 either way; 1 if it cannot tell */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Whether one page of a fresh shared tmpfs mapping is resident after madvise(advice); -1 if
 * something failed. */
static int
resident_after(int advice)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/dev/shm", O_TMPFILE | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, page) != 0)
		return -1;
	char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	unsigned char vec = 0;
	int ok = p != MAP_FAILED && madvise(p, (size_t)page, advice) == 0 &&
			mincore(p, (size_t)page, &vec) == 0;
	if (p != MAP_FAILED)
		munmap(p, (size_t)page);
	return ok ? vec & 1 : -1;
}

int
main(void)
{
	int r = resident_after(MADV_POPULATE_READ);
	int w = resident_after(MADV_POPULATE_WRITE);
	if (r < 0 || w < 0) {
		fprintf(stderr, "populate-probe: a system call failed (read %d, write %d)\n", r, w);
		return 1;
	}
	printf("populate: %s\n", r && w ? "works" : "ignored");
	return 0;
}
