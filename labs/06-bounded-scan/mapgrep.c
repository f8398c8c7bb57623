/*
 * mapgrep - count the lines of FILE that contain PATTERN (like
 * `LC_ALL=C grep -c -F PATTERN FILE`), through one mapping of the file,
 * while keeping the resident memory bounded to about one window.
 *
 * Lab 06-bounded-scan. Read README.md first; the lesson is
 * lessons/en/09-madvise.md. Run ./naive_grep --stats on a big file once to
 * see the problem this lab is about.
 *
 *   mapgrep [-w PAGES] [--stats] [--] PATTERN FILE
 *
 * What is already done: the options, the checks on PATTERN, opening and
 * fstat-ing FILE with its error messages, printing the count, the exit
 * status, and --stats (your peak RSS, from /proc/self/status).
 * What is yours: scan_file() below, which for now counts nothing. Look for
 * TODO.
 */
#define _GNU_SOURCE /* memmem() and madvise() under -std=c11 */

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
#include <sys/types.h>
#include <unistd.h>

#define MAX_WINDOW_PAGES 65536u
#define DEFAULT_WINDOW_BYTES ((size_t)2 << 20) /* 2 MiB */

static void usage(void)
{
    fprintf(stderr, "usage: mapgrep [-w PAGES] [--stats] [--] PATTERN FILE\n");
}

/* PAGES: a decimal number from 1 to MAX_WINDOW_PAGES, digits only.
 * Returns 0 and sets *out, or -1. */
static int parse_pages(const char *s, size_t *out)
{
    size_t v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (size_t)(*s - '0');
        if (v > MAX_WINDOW_PAGES)
            return -1;
    }
    if (v == 0)
        return -1;
    *out = v;
    return 0;
}

/* --stats: print VmHWM (peak RSS of the whole run) and VmRSS (now) from
 * /proc/self/status on stderr. Handy by hand; the tests do not trust it,
 * they measure your peak from outside. */
static void print_stats(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];

    if (f == NULL) {
        fprintf(stderr, "mapgrep: /proc/self/status: %s\n", strerror(errno));
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0 || strncmp(line, "VmRSS:", 6) == 0) {
            long kib = strtol(line + 6, NULL, 10);
            fprintf(stderr, "mapgrep: %.5s %ld kB\n", line, kib);
        }
    }
    fclose(f);
}

/* Count the lines of the open file fd (size bytes) that contain the pattern
 * pat (plen bytes, no '\n'; plen may be 0, which every line contains), and
 * store the number in *count. Scan in windows of window_pages pages; 0 means
 * the default: as many pages as make DEFAULT_WINDOW_BYTES (at least one).
 *
 * Return 0 on success. On failure return -1 with errno set and *what naming
 * the call that failed (for example "mmap"); main() prints
 * "mapgrep: FILE: <what>: <strerror text>". Release what you acquired. */
static int scan_file(int fd, size_t size, size_t window_pages,
                     const unsigned char *pat, size_t plen, uint64_t *count,
                     const char **what)
{
    /* Delete these once you use them. */
    (void)fd;
    (void)size;
    (void)window_pages;
    (void)pat;
    (void)plen;
    (void)what;

    *count = 0;

    /* TODO 1: the page size from sysconf(_SC_PAGESIZE), never 4096 written
     *         in the code. The window is window_pages * page bytes. */

    /* TODO 2: an empty file has no lines: count 0, and no mmap (a length of
     *         0 is EINVAL). */

    /* TODO 3: map the WHOLE file once, read-only:
     *         mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0)
     *         (len may be the size rounded up to whole pages), and advise
     *         the whole mapping MADV_SEQUENTIAL. */

    /* TODO 4: for each window [ws, we) of the file, in order:
     *         - madvise(MADV_WILLNEED) the NEXT window (if there is one);
     *         - count what belongs to this window;
     *         - madvise(MADV_DONTNEED) this window: RSS falls back.
     *         Every madvise address must be page-aligned.
     *
     *         The count must not depend on where the windows fall. A line
     *         can begin in one window and end several windows later (or at
     *         the end of the file, with no '\n'), and an occurrence of the
     *         pattern can begin before a window's end and finish after it.
     *         Decide what has to be remembered from one window to the next.
     *         Count each matching line once, however many times it holds
     *         the pattern. */

    /* TODO 5: munmap. Check every call. */

    return 0;
}

int main(int argc, char **argv)
{
    size_t window_pages = 0; /* 0: the default, 2 MiB worth of pages */
    bool stats = false;
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--stats") == 0) {
            stats = true;
        } else if (strcmp(argv[i], "-w") == 0) {
            if (i + 1 >= argc) {
                usage();
                return 2;
            }
            if (parse_pages(argv[++i], &window_pages) != 0) {
                fprintf(stderr, "mapgrep: invalid window '%s' (PAGES: 1 to %u)\n",
                        argv[i], MAX_WINDOW_PAGES);
                return 2;
            }
        } else {
            usage();
            return 2;
        }
    }
    if (argc - i != 2) {
        usage();
        return 2;
    }

    const char *pattern = argv[i];
    const char *name = argv[i + 1];
    size_t plen = strlen(pattern);

    /* grep -F would read a newline as "two patterns"; a line can never hold
     * one, so it is refused. */
    if (memchr(pattern, '\n', plen) != NULL) {
        fprintf(stderr, "mapgrep: PATTERN must not contain a newline\n");
        return 2;
    }

    int fd = open(name, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "mapgrep: %s: %s\n", name, strerror(errno));
        return 1;
    }

    int status = 1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "mapgrep: %s: %s\n", name, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "mapgrep: %s: %s\n", name,
                strerror(S_ISDIR(st.st_mode) ? EISDIR : EINVAL));
        goto out;
    }
    if ((uint64_t)st.st_size > SIZE_MAX) { /* only possible on 32-bit systems */
        fprintf(stderr, "mapgrep: %s: %s\n", name, strerror(EFBIG));
        goto out;
    }

    uint64_t count;
    const char *what = "";
    if (scan_file(fd, (size_t)st.st_size, window_pages, (const unsigned char *)pattern,
                  plen, &count, &what) != 0) {
        fprintf(stderr, "mapgrep: %s: %s: %s\n", name, what, strerror(errno));
        goto out;
    }
    printf("%" PRIu64 "\n", count);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "mapgrep: stdout: %s\n", strerror(errno));
        goto out;
    }
    status = 0;

out:
    if (close(fd) != 0 && status == 0) {
        fprintf(stderr, "mapgrep: %s: %s\n", name, strerror(errno));
        status = 1;
    }
    if (stats)
        print_stats();
    return status;
}
