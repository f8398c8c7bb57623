/*
 * mapgrep - count the lines of FILE that contain PATTERN (like
 * `LC_ALL=C grep -c -F PATTERN FILE`), through one mapping of the file,
 * while keeping the resident memory bounded to about one window.
 *
 * Reference solution for lab 06-bounded-scan (lesson 09-madvise).
 *
 *   mapgrep [-w PAGES] [--stats] [--] PATTERN FILE
 *
 * The whole file is mapped once, read-only, and scanned window by window:
 *
 *   file  ┌──────────────┬──────────────┬──────────────┬────────────────┐
 *         │ done:        │ window k:    │ window k+1:  │ not touched    │
 *         │ MADV_DONTNEED│ being        │ MADV_WILLNEED│ yet            │
 *         │ (no longer   │ scanned      │ (readahead   │                │
 *         │  in our RSS) │ (in our RSS) │  started)    │                │
 *         └──────────────┴──────────────┴──────────────┴────────────────┘
 *         0              ws             we
 *
 * Why bother: a plain scan of a mapping leaves every page it touched in our
 * page tables, so RSS grows to the size of the file (1 GiB for a 1 GiB file;
 * run ./naive_grep --stats to see it). MADV_SEQUENTIAL does not change that;
 * only dropping the page-table entries ourselves does. MADV_DONTNEED on a
 * read-only file mapping is safe: the bytes stay in the page cache (and in
 * the file), and touching them again is just a minor fault.
 *
 * The interesting part is that the windows are an implementation detail the
 * answer must not depend on: a line can start in one window and end several
 * windows later, and a pattern occurrence can start a few bytes before a
 * window boundary and end after it. Both are handled by a little state that
 * survives from one window to the next (struct scan).
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

/* --stats: the kernel's own account of our memory. VmHWM is the peak RSS
 * ("high water mark") of the whole run; VmRSS is what is resident now. The
 * tests do not trust these lines; they measure the peak from outside
 * (getrusage(RUSAGE_CHILDREN) of a parent), which gives the same number. */
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

/* What must survive from one window to the next. */
struct scan {
    uint64_t count;  /* lines that contained the pattern so far */
    size_t next;     /* file offset where the work resumes */
    bool skipping;   /* we are inside a line already counted: all that is
                        left to do on it is to find its '\n' */
};

/* Do the work that belongs to window [ws, we) of the file mapped at base
 * (size bytes).
 *
 * The rule that makes windows invisible in the result: an occurrence of the
 * pattern belongs to the window in which it STARTS. So the search for window
 * k looks at occurrences starting in [ws, we), which may end up to plen - 1
 * bytes into window k+1. Those bytes are still mapped (the whole file is one
 * mapping; DONTNEED only removes page-table entries, it never unmaps), so
 * memmem can simply read across the boundary. It costs at most a page or two
 * of window k+1 early, which window k+1's own DONTNEED drops later.
 *
 * Lines need no such trick: once a line has been counted we only look for
 * its end ('\n'), and that search stops at we and carries on in the next
 * window (st->skipping), however many windows the line spans. Searching for
 * the '\n' with one memchr() to wherever it is would touch every page of a
 * very long line at once, and a file with no newline would come back into
 * RSS in full. */
static void scan_window(const unsigned char *base, size_t size, size_t ws, size_t we,
                        const unsigned char *pat, size_t plen, struct scan *st)
{
    /* An occurrence may end this far past we; never past the end of file. */
    size_t tail = plen > 0 ? plen - 1 : 0;
    size_t end = tail > size - we ? size : we + tail;
    size_t p = st->next > ws ? st->next : ws;

    while (p < we) {
        if (st->skipping) {
            const unsigned char *nl = memchr(base + p, '\n', we - p);
            if (nl == NULL) {
                p = we; /* the counted line goes on into the next window */
                break;
            }
            p = (size_t)(nl - base) + 1;
            st->skipping = false;
            continue;
        }
        /* The first occurrence starting in [p, we). A line with several
         * occurrences is counted once: after a hit we skip to its end. */
        if (end - p < plen)
            break; /* too close to the end of file for another occurrence */
        const unsigned char *m = memmem(base + p, end - p, pat, plen);
        if (m == NULL)
            break;
        st->count++;
        st->skipping = true;
        /* The pattern holds no '\n', so the line's end is after the match.
         * This may be past we: the next window then resumes from there. With
         * an empty pattern, plen is 0 and p stays at the line's start, whose
         * '\n' the skipping branch finds next (an empty line ends at once). */
        p = (size_t)(m - base) + plen;
    }
    st->next = p > we ? p : we;
}

/* Smaller of a window and what is left of a range. */
static size_t clamp(size_t win, size_t left)
{
    return win < left ? win : left;
}

/* Count the lines of the open file fd (size bytes) that hold the pattern,
 * scanning windows of window_pages pages (0: the default, 2 MiB).
 * Returns 0, or -1 with errno set and *what naming the call that failed. */
static int scan_file(int fd, size_t size, size_t window_pages,
                     const unsigned char *pat, size_t plen, uint64_t *count,
                     const char **what)
{
    struct scan st = { 0, 0, false };

    *count = 0;

    /* Ask, never assume: 4 KiB on x86-64, 16 or 64 KiB on some arm64 and
     * ppc64 systems. With 4096 written here, the "page-aligned" madvise
     * addresses below would be wrong on those machines. */
    errno = 0;
    long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0) {
        if (errno == 0)
            errno = EINVAL;
        *what = "sysconf(_SC_PAGESIZE)";
        return -1;
    }
    size_t page = (size_t)ps;
    if (window_pages == 0)
        window_pages = DEFAULT_WINDOW_BYTES > page ? DEFAULT_WINDOW_BYTES / page : 1;
    if (window_pages > SIZE_MAX / page) { /* only possible on 32-bit systems */
        errno = EOVERFLOW;
        *what = "window size";
        return -1;
    }
    /* A whole number of pages: every window starts on a page boundary. */
    size_t win = window_pages * page;

    /* An empty file has no lines, and mmap would refuse a length of 0. */
    if (size == 0)
        return 0;

    /* Map whole pages, so that every madvise range below is whole pages
     * too. The part of the last page past EOF is never read. */
    size_t maplen = size - size % page;
    if (maplen < size) {
        if (maplen > SIZE_MAX - page) {
            errno = EFBIG;
            *what = "mmap";
            return -1;
        }
        maplen += page;
    }

    /* Read-only and private: we never write, so there is no private copy for
     * MADV_DONTNEED to throw away; it only forgets page-table entries. */
    unsigned char *base = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        *what = "mmap";
        return -1;
    }

    int rc = -1, err;
    /* Readahead forward on disk faults. It frees nothing by itself: without
     * the DONTNEED below, RSS would still grow to the whole file. */
    if (madvise(base, maplen, MADV_SEQUENTIAL) != 0) {
        *what = "madvise(MADV_SEQUENTIAL)";
        goto out;
    }

    /* ws moves in whole windows, and win is a whole number of pages, so
     * every address passed to madvise is page-aligned. (ws = we rather than
     * ws += win: the sum could pass SIZE_MAX, we never does.) */
    for (size_t ws = 0, we; ws < size; ws = we) {
        we = ws + clamp(win, size - ws);

        /* Start reading the NEXT window into the page cache while we scan
         * this one. Asking for this window would only start I/O we are about
         * to wait for. WILLNEED fills no page tables: no RSS yet. */
        if (we < size && madvise(base + we, clamp(win, maplen - we), MADV_WILLNEED) != 0) {
            *what = "madvise(MADV_WILLNEED)";
            goto out;
        }

        scan_window(base, size, ws, we, pat, plen, &st);

        /* Done with this window: drop our page-table entries, and with them
         * this window's share of RSS. The page cache keeps the pages (other
         * processes, and a later run, still find them there); that would
         * take posix_fadvise(POSIX_FADV_DONTNEED) or MADV_PAGEOUT, which we
         * deliberately do not do to a file the user may be working with. */
        if (madvise(base + ws, clamp(win, maplen - ws), MADV_DONTNEED) != 0) {
            *what = "madvise(MADV_DONTNEED)";
            goto out;
        }
    }
    *count = st.count;
    rc = 0;

out:
    err = errno; /* munmap must not overwrite the reason we failed */
    if (munmap(base, maplen) != 0 && rc == 0) {
        err = errno;
        *what = "munmap";
        rc = -1;
    }
    errno = err;
    return rc;
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
     * one, so refuse it rather than silently count 0. */
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
