/* copygrow: the baseline for lab 08. Appends stdin N times to a buffer
 * that grows the way code without mremap must: map a region twice as
 * large, copy everything across, unmap the old one.
 *
 *   copygrow N < INPUT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long copies = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char in[1 << 16];
    size_t n = fread(in, 1, sizeof in, stdin);
    size_t cap = page, len = 0;
    char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) return 1;
    for (long c = 0; c < copies; c++) {
        if (len + n > cap) {
            size_t ncap = cap;
            while (ncap < len + n) ncap *= 2;
            char *nb = mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (nb == MAP_FAILED) return 1;
            memcpy(nb, buf, len);
            munmap(buf, cap);
            buf = nb;
            cap = ncap;
        }
        memcpy(buf + len, in, n);
        len += n;
    }
    unsigned long sum = 0;
    for (size_t i = 0; i < len; i += page) sum += (unsigned char)buf[i];
    printf("%zu %lu\n", len, sum);
    munmap(buf, cap);
    return 0;
}
