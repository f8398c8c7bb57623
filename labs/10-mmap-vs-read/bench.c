/*
 * bench - the provided driver of lab 10: run the two queries of scan.h with
 * read()/pread(), through mmap, and over an in-memory copy, and report
 * results, speeds and ratios.
 *
 *   bench [--only LIST] [--repeat R] [--cold] FILE [LOOKUPS [SEED]]
 *
 * You do not need to change this file; README.md describes its contract and
 * its output format. In short: FILE is an array of 64-byte records
 * (its size a non-zero multiple of 64); LOOKUPS (default 100000) record
 * numbers are drawn from SEED (default 1) with splitmix64; six variants run,
 * each R times (default 1), and for each the median run is reported, with
 * the page faults it took (getrusage):
 *
 *   scan-read, scan-mmap        your scan_read, scan_mmap
 *   scan-memory                 the same sum over a malloc'd copy: the ceiling
 *   lookup-pread, lookup-mmap   your lookup_pread, lookup_mmap
 *   lookup-memory               the same lookups in the copy: the ceiling
 *
 * --only runs just the listed variants (comma-separated). The in-memory
 * copy is made (with read(), which also brings the file into the page
 * cache) only when a memory variant runs. --cold asks the kernel to drop
 * the file's cached pages (posix_fadvise POSIX_FADV_DONTNEED) before every
 * timed run.
 *
 * Exit status: 0 done and all results agree; 1 a failed call or results
 * that disagree; 2 bad arguments, or a file whose size is not a non-zero
 * multiple of 64.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "scan.h"

enum { SCAN_READ, SCAN_MMAP, SCAN_MEMORY, LOOKUP_PREAD, LOOKUP_MMAP, LOOKUP_MEMORY, NVARIANTS };

static const char *const variant_name[NVARIANTS] = {
    "scan-read", "scan-mmap", "scan-memory", "lookup-pread", "lookup-mmap", "lookup-memory",
};
/* How each is printed: "<query> <method>". */
static const char *const query_of[NVARIANTS] = { "scan", "scan", "scan", "lookup", "lookup", "lookup" };
static const char *const method_of[NVARIANTS] = { "read", "mmap", "memory", "pread", "mmap", "memory" };

/* One timed run; a variant reports its median run. */
struct run {
    double seconds;
    long minflt, majflt; /* page faults during the call (getrusage) */
};

struct result {
    int ran;
    uint64_t sum;
    struct run median;
};

/* ---- arguments ---- */

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int usage(const char *why)
{
    if (why != NULL)
        fprintf(stderr, "bench: %s\n", why);
    fprintf(stderr, "usage: bench [--only LIST] [--repeat R] [--cold] FILE [LOOKUPS [SEED]]\n"
                    "  LIST: comma-separated among scan-read, scan-mmap, scan-memory,\n"
                    "        lookup-pread, lookup-mmap, lookup-memory\n");
    return 2;
}

static int parse_only(char *list, int *want)
{
    for (char *tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
        int found = 0;
        for (int v = 0; v < NVARIANTS; v++) {
            if (strcmp(tok, variant_name[v]) == 0) {
                want[v] = 1;
                found = 1;
            }
        }
        if (!found) {
            fprintf(stderr, "bench: unknown variant '%s'\n", tok);
            return -1;
        }
    }
    return 0;
}

/* ---- the pieces of a run ---- */

/* splitmix64, the documented generator of record numbers. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole file in malloc'd memory, read with read(). */
static unsigned char *load_copy(const char *path, uint64_t size)
{
    if (size > SIZE_MAX) {
        errno = EFBIG;
        return NULL;
    }
    unsigned char *copy = malloc((size_t)size);
    if (copy == NULL)
        return NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        free(copy);
        return NULL;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t got = read(fd, copy + done, (size_t)size - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            int e = got < 0 ? errno : EIO; /* EOF early: the file shrank */
            close(fd);
            free(copy);
            errno = e;
            return NULL;
        }
        done += (size_t)got;
    }
    close(fd);
    return copy;
}

/* The ceilings: the same queries over memory, no system call, no fault. */
static uint64_t memory_scan(const unsigned char *copy, uint64_t size)
{
    uint64_t sum = 0;
    for (uint64_t off = 0; off < size; off += 8)
        sum += load_le64(copy + off);
    return sum;
}

static uint64_t memory_lookup(const unsigned char *copy, const uint64_t *idx, size_t n)
{
    uint64_t sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += load_le64(copy + idx[k] * RECORD_SIZE + RECORD_VALUE_OFFSET);
    return sum;
}

static int cmp_run(const void *a, const void *b)
{
    double x = ((const struct run *)a)->seconds, y = ((const struct run *)b)->seconds;
    return (x > y) - (x < y);
}

static void faults(long *minflt, long *majflt)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        memset(&ru, 0, sizeof ru);
    *minflt = ru.ru_minflt;
    *majflt = ru.ru_majflt;
}

/* Run variant v once: a fresh descriptor, the cache dropped if asked, and
 * only the call itself timed. 0, or -1 with errno set. */
static int run_once(int v, const char *path, uint64_t size, const unsigned char *copy,
                    const uint64_t *idx, size_t n, int cold, uint64_t *sum, struct run *run)
{
    int fd = -1;
    if (v != SCAN_MEMORY && v != LOOKUP_MEMORY) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return -1;
        /* Drops clean, unmapped pages of the file from the page cache (on
         * tmpfs the cache is the file itself, so nothing goes). */
        if (cold)
            (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    }
    int r = 0;
    long min0, maj0;
    faults(&min0, &maj0);
    double t0 = now();
    switch (v) {
    case SCAN_READ: r = scan_read(fd, size, sum); break;
    case SCAN_MMAP: r = scan_mmap(fd, size, sum); break;
    case SCAN_MEMORY: *sum = memory_scan(copy, size); break;
    case LOOKUP_PREAD: r = lookup_pread(fd, size, idx, n, sum); break;
    case LOOKUP_MMAP: r = lookup_mmap(fd, size, idx, n, sum); break;
    case LOOKUP_MEMORY: *sum = memory_lookup(copy, idx, n); break;
    }
    double t1 = now();
    int e = errno;
    faults(&run->minflt, &run->majflt);
    run->minflt -= min0;
    run->majflt -= maj0;
    if (fd >= 0)
        close(fd);
    errno = e;
    run->seconds = t1 - t0 > 1e-9 ? t1 - t0 : 1e-9; /* never 0: it divides */
    return r == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    int want[NVARIANTS] = { 0 };
    int only = 0, cold = 0;
    uint64_t repeat = 1, lookups = 100000, seed = 1;
    const char *path = NULL;
    int npos = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            if (parse_only(argv[++i], want) != 0)
                return usage(NULL);
            only = 1;
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            if (parse_u64(argv[++i], &repeat) != 0 || repeat == 0 || repeat > 1000)
                return usage("--repeat needs a number from 1 to 1000");
        } else if (strcmp(argv[i], "--cold") == 0) {
            cold = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage(NULL);
        } else if (npos == 0) {
            path = argv[i], npos++;
        } else if (npos == 1) {
            if (parse_u64(argv[i], &lookups) != 0 || lookups == 0 || lookups > 100000000)
                return usage("LOOKUPS must be a number from 1 to 100000000");
            npos++;
        } else if (npos == 2) {
            if (parse_u64(argv[i], &seed) != 0)
                return usage("SEED must be a non-negative decimal number");
            npos++;
        } else {
            return usage(NULL);
        }
    }
    if (path == NULL)
        return usage(NULL);
    if (!only)
        for (int v = 0; v < NVARIANTS; v++)
            want[v] = 1;

    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size % RECORD_SIZE != 0) {
        fprintf(stderr, "bench: %s: size %lld is not a non-zero multiple of %d bytes\n", path,
                (long long)st.st_size, RECORD_SIZE);
        return 2;
    }
    uint64_t size = (uint64_t)st.st_size;
    uint64_t records = size / RECORD_SIZE;

    size_t n = (size_t)lookups;
    uint64_t *idx = malloc(n * sizeof *idx);
    struct run *times = malloc((size_t)repeat * sizeof *times);
    unsigned char *copy = NULL;
    int status = 1;
    if (idx == NULL || times == NULL) {
        fprintf(stderr, "bench: %s\n", strerror(ENOMEM));
        goto out;
    }
    uint64_t state = seed;
    for (size_t k = 0; k < n; k++)
        idx[k] = splitmix64(&state) % records;

    if (want[SCAN_MEMORY] || want[LOOKUP_MEMORY]) {
        copy = load_copy(path, size);
        if (copy == NULL) {
            fprintf(stderr, "bench: %s: cannot make the in-memory copy: %s\n", path, strerror(errno));
            goto out;
        }
    }

    struct result res[NVARIANTS] = { { 0, 0, { 0, 0, 0 } } };
    for (int v = 0; v < NVARIANTS; v++) {
        if (!want[v])
            continue;
        for (uint64_t r = 0; r < repeat; r++) {
            uint64_t sum = 0;
            errno = 0;
            if (run_once(v, path, size, copy, idx, n, cold, &sum, &times[r]) != 0) {
                fprintf(stderr, "bench: %s %s: %s\n", query_of[v], method_of[v],
                        errno != 0 ? strerror(errno) : "failed without setting errno");
                goto out;
            }
            if (r > 0 && sum != res[v].sum) {
                fprintf(stderr, "bench: %s %s gave %" PRIu64 ", then %" PRIu64 " for the same query\n",
                        query_of[v], method_of[v], res[v].sum, sum);
                goto out;
            }
            res[v].sum = sum;
        }
        /* The median run (for an even count, the faster middle one). */
        qsort(times, (size_t)repeat, sizeof *times, cmp_run);
        res[v].median = times[(repeat - 1) / 2];
        res[v].ran = 1;
    }

    printf("bench bytes=%" PRIu64 " records=%" PRIu64 " lookups=%zu seed=%" PRIu64 " repeat=%" PRIu64
           " cache=%s file=%s\n",
           size, records, n, seed, repeat, cold ? "cold" : "warm", path);
    for (int v = 0; v < NVARIANTS; v++) {
        if (!res[v].ran)
            continue;
        const struct run *m = &res[v].median;
        if (v <= SCAN_MEMORY)
            printf("scan %s sum=%" PRIu64 " seconds=%.9f GB/s=%.3f", method_of[v], res[v].sum,
                   m->seconds, (double)size / m->seconds / 1e9);
        else
            printf("lookup %s sum=%" PRIu64 " seconds=%.9f ns/lookup=%.1f", method_of[v], res[v].sum,
                   m->seconds, m->seconds * 1e9 / (double)n);
        printf(" minflt=%ld majflt=%ld\n", m->minflt, m->majflt);
    }
    /* Ratios of speeds: how many times faster than read()/pread(). */
    for (int q = 0; q < 2; q++) {
        int base = q == 0 ? SCAN_READ : LOOKUP_PREAD;
        if (!res[base].ran || !(res[base + 1].ran || res[base + 2].ran))
            continue;
        printf("ratio %s", query_of[base]);
        for (int v = base + 1; v <= base + 2; v++)
            if (res[v].ran)
                printf(" %s/%s=%.3f", method_of[v], method_of[base], res[base].median.seconds / res[v].median.seconds);
        printf("\n");
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "bench: standard output: %s\n", strerror(errno));
        goto out;
    }

    /* Every variant of a query must give the same answer. */
    status = 0;
    for (int q = 0; q < 2; q++) {
        int first = -1;
        for (int v = q * 3; v < q * 3 + 3; v++) {
            if (!res[v].ran)
                continue;
            if (first < 0)
                first = v;
            else if (res[v].sum != res[first].sum) {
                fprintf(stderr, "bench: %s %s gave %" PRIu64 " but %s %s gave %" PRIu64 "\n", query_of[v],
                        method_of[v], res[v].sum, query_of[first], method_of[first], res[first].sum);
                status = 1;
            }
        }
    }

out:
    free(copy);
    free(times);
    free(idx);
    return status;
}
