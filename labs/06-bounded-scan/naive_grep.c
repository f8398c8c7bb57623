/*
 * naive_grep - a correct but FAT version of mapgrep. Do not copy its scan.
 *
 *   naive_grep [--stats] [--] PATTERN FILE
 *
 * It counts the lines of FILE that contain PATTERN, like
 * `LC_ALL=C grep -c -F PATTERN FILE`, and it gets the answer right. It maps
 * the whole file once and scans it front to back, which is exactly what
 * lab 01 taught. What it does not do is give anything back: every page it
 * touches stays in its page tables until munmap, so its resident set (RSS)
 * grows to the size of the file. On a 1 GiB file:
 *
 *   $ ./naive_grep --stats needle big.txt
 *   1
 *   naive_grep: VmHWM 1049720 kB      <- peak RSS: the whole file
 *   naive_grep: VmRSS 1504 kB         <- now, after munmap: too late
 *
 * MADV_SEQUENTIAL would not change that number: it only makes disk faults
 * read ahead forward; it frees nothing. On a machine with less free memory
 * than the file, the kernel has to reclaim memory during the scan to make
 * room, and what it reclaims may be other programs' data. mapgrep drops each
 * window's page-table entries itself (MADV_DONTNEED) as soon as it is done
 * with it.
 */
#define _GNU_SOURCE /* memmem() under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void print_stats(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];

    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0 || strncmp(line, "VmRSS:", 6) == 0)
            fprintf(stderr, "naive_grep: %.5s %ld kB\n", line, strtol(line + 6, NULL, 10));
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    bool stats = false;
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--stats") != 0) {
            fprintf(stderr, "usage: naive_grep [--stats] [--] PATTERN FILE\n");
            return 2;
        }
        stats = true;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: naive_grep [--stats] [--] PATTERN FILE\n");
        return 2;
    }
    const char *pat = argv[i];
    const char *name = argv[i + 1];
    size_t plen = strlen(pat);
    if (memchr(pat, '\n', plen) != NULL) {
        fprintf(stderr, "naive_grep: PATTERN must not contain a newline\n");
        return 2;
    }

    int fd = open(name, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "naive_grep: %s: %s\n", name, strerror(errno));
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "naive_grep: %s: %s\n", name,
                strerror(S_ISDIR(st.st_mode) ? EISDIR : EINVAL));
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    uint64_t count = 0;

    if (size > 0) {
        const unsigned char *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "naive_grep: %s: mmap: %s\n", name, strerror(errno));
            close(fd);
            return 1;
        }
        /* The scan itself is fine: find an occurrence, count its line, jump
         * to the line's end. The problem is only what it leaves behind. */
        size_t at = 0;
        while (at < size) {
            const unsigned char *m = memmem(p + at, size - at, pat, plen);
            if (m == NULL)
                break;
            count++;
            const unsigned char *nl = memchr(m, '\n', size - (size_t)(m - p));
            if (nl == NULL)
                break;
            at = (size_t)(nl - p) + 1;
        }
        munmap((void *)p, size);
    }
    close(fd);

    printf("%" PRIu64 "\n", count);
    if (stats)
        print_stats();
    return 0;
}
