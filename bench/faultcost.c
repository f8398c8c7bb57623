/* faultcost: what a page fault costs on this machine, a baseline for the
 * grading figures (the lab tests map and touch gigabytes).
 *
 *   faultcost MIB  ->  "fresh_us=1.234 cached_us=0.123"
 *
 * fresh: first touch of MIB of new anonymous memory, per 4 KiB page (a
 * fault, a page taken from the allocator and zeroed; on a virtual machine
 * also whatever the hypervisor does to back it).
 * cached: MIB of a file already in the page cache mapped and read, per
 * page (the page exists; the fault only maps it). The file is made in the
 * current directory and removed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* Read one byte per page; the sum keeps the reads from being dropped. */
static unsigned long touch_read(const volatile unsigned char *p, size_t len, size_t page)
{
    unsigned long sum = 0;
    for (size_t off = 0; off < len; off += page) sum += p[off];
    return sum;
}

int main(int argc, char **argv)
{
    long mib = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
    if (mib < 1 || mib > 4096) {
        fprintf(stderr, "usage: faultcost MIB (1 to 4096)\n");
        return 2;
    }
    size_t len = (size_t)mib << 20;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = len / page;

    unsigned char *anon = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (anon == MAP_FAILED) {
        perror("faultcost: mmap");
        return 1;
    }
    double t0 = now_us();
    for (size_t off = 0; off < len; off += page) anon[off] = 1;
    double fresh = (now_us() - t0) / (double)pages;
    munmap(anon, len);

    char name[] = "faultcost-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) {
        perror("faultcost: mkstemp");
        return 1;
    }
    unlink(name);
    /* Written with write(): the pages are in the page cache afterwards. */
    static unsigned char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (size_t done = 0; done < len; done += sizeof block) {
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block) {
            perror("faultcost: write");
            return 1;
        }
    }
    const unsigned char *file = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (file == MAP_FAILED) {
        perror("faultcost: mmap of the file");
        return 1;
    }
    t0 = now_us();
    unsigned long sum = touch_read(file, len, page);
    double cached = (now_us() - t0) / (double)pages;
    close(fd);
    if (sum != (unsigned long)pages * 'x') {
        fprintf(stderr, "faultcost: the mapping did not read back what was written\n");
        return 1;
    }
    printf("fresh_us=%.3f cached_us=%.3f\n", fresh, cached);
    return 0;
}
