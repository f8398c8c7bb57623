/*
 * sidx - a sorted index of fixed-size records, searched through a read-only
 * mapping and replaced atomically with rename().
 *
 * Lab 11-sorted-index. Read README.md first; the lesson is
 * lessons/en/14-choosing.md. The file format is in sidx.h (provided, do not
 * edit it).
 *
 *   sidx build INDEX < TEXT        lines "KEY VALUE" -> a sorted index file
 *   sidx lookup INDEX [KEY...]     "KEY VALUE" or "KEY not found" per key;
 *                                  without KEYs, one key per line of stdin
 *
 * What is already done: the command line, reading and checking the input
 * text (read_input, with its error messages), creating a temporary file next
 * to INDEX (create_temp), the directory of a path (dir_of), the loop over
 * the keys and the output format (cmd_lookup, answer), and the messages.
 *
 * What is yours, marked TODO:
 *   build:  cmp_entry, sort_unique  sort, one record per key, the last wins
 *           publish                 header, temporary file, fsync, rename,
 *                                   fsync of the directory
 *   lookup: index_open              open, check the size, mmap, madvise,
 *                                   check the header
 *           index_close             munmap
 *           index_find              binary search in the mapping
 *
 * As shipped, build reads its input and writes nothing, and lookup answers
 * "not found" to every key without opening INDEX.
 */
#define _GNU_SOURCE /* getline, fsync, O_CLOEXEC, O_DIRECTORY under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sidx.h"

/* Exit statuses, as the README documents them. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,    /* bad input text, or a system call failed */
    EXIT_USAGE = 2,   /* wrong arguments */
    EXIT_CORRUPT = 3, /* lookup: INDEX is not a valid index */
};

static void usage(void)
{
    fprintf(stderr, "usage: sidx build INDEX < TEXT\n"
                    "       sidx lookup INDEX [KEY...]\n");
}

/* "sidx: WHAT NAME: <strerror>" for a failed system call. */
static void report(const char *what, const char *name, int err)
{
    fprintf(stderr, "sidx: %s %s: %s\n", what, name, strerror(err));
}

/* Write all n bytes, retrying after partial writes and EINTR. */
static int write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;

    while (n > 0) {
        ssize_t done = write(fd, p, n);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += done;
        n -= (size_t)done;
    }
    return 0;
}

/* ------------------------------------------------------------------ build */

/* A record plus the input line it came from: with duplicate keys the last
 * line wins, and qsort is not stable, so the line number must take part in
 * the comparison for "last" to mean anything after sorting. */
struct entry {
    struct sidx_record rec;
    size_t seq;
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A decimal int64: an optional '-' and digits only. 0, or -1 if not. */
static int parse_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0;
    /* The magnitude of INT64_MIN is one more than INT64_MAX. */
    uint64_t limit = (uint64_t)INT64_MAX;

    if (len > 0 && s[0] == '-') {
        neg = 1;
        limit += 1;
        i = 1;
    }
    if (i == len)
        return -1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (!neg)
        *out = (int64_t)v;
    else if (v == (uint64_t)INT64_MAX + 1)
        *out = INT64_MIN; /* -v itself does not fit in an int64_t */
    else
        *out = -(int64_t)v;
    return 0;
}

/* Parse one input line (without its '\n') into *e. Returns 1 for a record,
 * 0 for a blank line, -1 for a bad line (after printing why). */
static int parse_line(const char *line, size_t len, size_t lineno, struct entry *e)
{
    size_t i = 0, k0, k1, v0, v1;

    if (memchr(line, '\0', len) != NULL) {
        fprintf(stderr, "sidx: line %zu: contains a NUL byte\n", lineno);
        return -1;
    }
    while (i < len && is_blank(line[i]))
        i++;
    if (i == len)
        return 0;
    k0 = i;
    while (i < len && !is_blank(line[i]))
        i++;
    k1 = i;
    while (i < len && is_blank(line[i]))
        i++;
    v0 = i;
    while (i < len && !is_blank(line[i]))
        i++;
    v1 = i;
    while (i < len && is_blank(line[i]))
        i++;
    if (v0 == v1 || i != len) {
        fprintf(stderr, "sidx: line %zu: expected KEY VALUE\n", lineno);
        return -1;
    }
    if (k1 - k0 > SIDX_KEY_MAX) {
        fprintf(stderr, "sidx: line %zu: key longer than %d bytes\n", lineno, SIDX_KEY_MAX);
        return -1;
    }
    memset(e, 0, sizeof *e); /* the key's padding must be '\0' bytes */
    memcpy(e->rec.key, line + k0, k1 - k0);
    if (parse_i64(line + v0, v1 - v0, &e->rec.value) != 0) {
        fprintf(stderr, "sidx: line %zu: VALUE '%.*s' is not a 64-bit integer\n",
                lineno, (int)(v1 - v0), line + v0);
        return -1;
    }
    e->seq = lineno;
    return 1;
}

/* Read every line of stdin into *es. 0, or -1 after printing why. */
static int read_input(struct entries *es)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;

    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)got;
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        struct entry e;
        int r = parse_line(line, len, lineno, &e);
        if (r < 0) {
            rc = -1;
            break;
        }
        if (r == 0)
            continue;
        if (es->n == es->cap) {
            size_t ncap = es->cap ? es->cap * 2 : 1024;
            struct entry *nv = NULL;
            if (ncap <= SIZE_MAX / sizeof *nv)
                nv = realloc(es->v, ncap * sizeof *nv);
            if (nv == NULL) {
                fprintf(stderr, "sidx: %s\n", strerror(ENOMEM));
                rc = -1;
                break;
            }
            es->v = nv;
            es->cap = ncap;
        }
        es->v[es->n++] = e;
    }
    if (rc == 0 && ferror(stdin)) {
        report("read", "standard input", errno);
        rc = -1;
    }
    free(line);
    return rc;
}

/* qsort comparator for struct entry. The index is sorted bytewise by key:
 * memcmp over the whole 32-byte, '\0'-padded key field gives exactly the
 * order of `LC_ALL=C sort` (a shorter key sorts before its extensions).
 * Return <0, 0 or >0 as qsort wants. */
static int cmp_entry(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;

    /* TODO 1: compare the keys with memcmp. For equal keys, compare seq
     *         (the input line number) so that, after sorting, the entries
     *         of one key are in input order. qsort does not promise to
     *         keep equal elements in order: without seq, "the last one
     *         wins" would depend on the C library. */
    (void)a;
    (void)b;
    return 0;
}

/* Sort es->v, then copy ONE record per key into out (which has room for
 * es->n records): for a key given on several lines, the record from the
 * last of those lines. Returns the number of records written to out. */
static size_t sort_unique(struct entries *es, struct sidx_record *out)
{
    /* TODO 2: qsort es->v with cmp_entry (qsort on 0 elements is fine, but
     *         es->v is NULL then: skip it). Then walk the sorted entries and
     *         keep an entry when it is the last of its run of equal keys. */
    (void)es;
    (void)out;
    (void)cmp_entry;
    return 0;
}

/* The directory that holds PATH ("." or "/" when that is all there is),
 * in a malloc'd string. The rename is an entry in THAT directory, so that
 * is the directory to fsync. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash == NULL ? 0 : (size_t)(slash - path);
    char *d;

    if (slash == NULL)
        return strdup(".");
    if (len == 0)
        len = 1; /* "/index": the root directory */
    d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, path, len);
        d[len] = '\0';
    }
    return d;
}

/* Create a new file NAME.tmp.PID.N next to NAME. O_EXCL: never reuse a file
 * that already exists (another builder's, or a stale one). 0644 is reduced
 * by the umask, like any new file. Returns the fd and the name in *tmp. */
static int create_temp(const char *name, char **tmp)
{
    size_t len = strlen(name) + 64;
    char *t = malloc(len);

    if (t == NULL) {
        fprintf(stderr, "sidx: %s\n", strerror(ENOMEM));
        return -1;
    }
    for (unsigned n = 0; n < 100; n++) {
        snprintf(t, len, "%s.tmp.%ld.%u", name, (long)getpid(), n);
        int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            *tmp = t;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    report("create", t, errno);
    free(t);
    return -1;
}

/* Write header + records as a new file, and put it in place of NAME in one
 * atomic step. Returns 0, or -1 after printing why ("sidx: WHAT NAME:
 * <strerror>", see report()). On a failure before the rename, remove the
 * temporary file: NAME must be left exactly as it was. */
static int publish(const char *name, const struct sidx_record *recs, size_t n)
{
    /* TODO 3: fill a struct sidx_header: memset it to zero first (the
     *         reserved bytes are zero), magic SIDX_MAGIC (all 8 bytes, use
     *         memcpy), version SIDX_VERSION, record_size, count = n, and
     *         LAST check = sidx_header_check(&h). */

    /* TODO 4: fd = create_temp(name, &tmp): a new file next to NAME.
     *         write_all the header, then the n records (one array). */

    /* TODO 5: fsync(fd), then close(fd) (check both). The data must be on
     *         disk before the new name points at it. */

    /* TODO 6: rename(tmp, name). From here on, new readers get the new
     *         file; readers that have the old one mapped keep the old one. */

    /* TODO 7: make the rename durable: open dir_of(name) with
     *         O_RDONLY | O_DIRECTORY, fsync it, close it. */

    /* Delete these once you use them. */
    (void)name;
    (void)recs;
    (void)n;
    (void)create_temp;
    (void)dir_of;
    (void)write_all;
    return 0;
}

static int cmd_build(const char *name)
{
    struct entries es = {0};
    struct sidx_record *recs = NULL;
    int status = EXIT_FAIL;

    /* All input is read and checked before any file is created: a bad line
     * leaves the existing INDEX exactly as it was. */
    if (read_input(&es) != 0)
        goto out;
    recs = malloc(es.n > 0 ? es.n * sizeof *recs : 1);
    if (recs == NULL) {
        fprintf(stderr, "sidx: %s\n", strerror(ENOMEM));
        goto out;
    }
    size_t n = sort_unique(&es, recs);
    if (publish(name, recs, n) == 0)
        status = EXIT_OK;
out:
    free(recs);
    free(es.v);
    return status;
}

/* ----------------------------------------------------------------- lookup */

struct index {
    const char *name;
    const unsigned char *base; /* the mapping: header, then records */
    size_t size;               /* mapped length = file size */
    const struct sidx_record *recs;
    uint64_t count;
};

static int corrupt(const char *name, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "sidx: %s: corrupt index: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_CORRUPT;
}

/* Open NAME, map it whole, and check its header against its size. Returns
 * EXIT_OK with *ix filled in, or the exit status after printing why:
 * EXIT_FAIL ("sidx: WHAT NAME: <strerror>") for a failing call or a file
 * that is not a regular file (a directory is EISDIR), EXIT_CORRUPT (use
 * corrupt(), with the wording of the README) for a file that is not a
 * valid index. Nothing may read a record before every check has passed. */
static int index_open(struct index *ix, const char *name)
{
    ix->name = name;

    /* TODO 8: open NAME read-only, fstat it. Not a regular file: EXIT_FAIL.
     *         Shorter than the header: corrupt "file is N bytes, too short
     *         for the 64-byte header", decided BEFORE mmap (a 0-byte file
     *         cannot be mapped: length 0 is EINVAL). */

    /* TODO 9: map the whole file once:
     *         mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)
     *         (compare with MAP_FAILED), then close fd: the mapping keeps
     *         the file. madvise(base, size, MADV_RANDOM): binary search
     *         jumps around, readahead would be wasted. */

    /* TODO 10: memcpy the header out of the mapping and check, in order:
     *          magic, version, record_size, check == sidx_header_check(),
     *          and that count records fill exactly the rest of the file.
     *          Divide, never multiply: a forged count * 40 can wrap around
     *          to the right size. On a failure: munmap, return corrupt(...). */

    /* TODO 11: ix->base, ix->size, ix->recs (just after the header) and
     *          ix->count. */

    ix->base = NULL;
    ix->size = 0;
    ix->recs = NULL;
    ix->count = 0;
    (void)corrupt;
    return EXIT_OK;
}

static void index_close(struct index *ix)
{
    /* TODO 12: munmap the mapping (the same address and length as mmap);
     *          report a failure with report("munmap", ...). */
    (void)ix;
}

/* Binary search for KEY (32 bytes, '\0'-padded, compare with memcmp over
 * all 32) among ix->recs[0 .. ix->count). Returns 1 and *value when found,
 * 0 when not, -1 when the records met on the way contradict sorted order,
 * after corrupt(ix->name, "records out of order near record %zu", i).
 *
 * The order check reads nothing extra: every record the search reads must
 * lie strictly between the nearest records already read on its left and on
 * its right (keep pointers to them). */
static int index_find(const struct index *ix, const char *key, int64_t *value)
{
    /* TODO 13: lo = 0, hi = count; while lo < hi: mid = lo + (hi - lo) / 2,
     *          check mid against the left and right records seen so far,
     *          compare, and either return the value or narrow [lo, hi). */
    (void)ix;
    (void)key;
    (void)value;
    return 0;
}

/* Answer one key. Returns EXIT_OK, or an exit status to stop with. */
static int answer(const struct index *ix, const char *key, size_t len)
{
    char k[SIDX_KEY_MAX + 1] = {0};
    int64_t value = 0;
    int found = 0;

    /* A key that is empty, too long or holds a '\0' cannot be stored, so it
     * is not found; no search needed. */
    if (len > 0 && len <= SIDX_KEY_MAX && memchr(key, '\0', len) == NULL) {
        memcpy(k, key, len);
        found = index_find(ix, k, &value);
        if (found < 0)
            return EXIT_CORRUPT;
    }
    fwrite(key, 1, len, stdout);
    if (found)
        printf(" %" PRId64 "\n", value);
    else
        fputs(" not found\n", stdout);
    /* One flush per answer: a program feeding keys one at a time through a
     * pipe sees each answer before it sends the next key. */
    if (fflush(stdout) != 0) {
        report("write", "standard output", errno);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int cmd_lookup(const char *name, int nkeys, char **keys)
{
    struct index ix;
    int status = index_open(&ix, name);

    if (status != EXIT_OK)
        return status;

    if (nkeys > 0) {
        for (int i = 0; i < nkeys && status == EXIT_OK; i++)
            status = answer(&ix, keys[i], strlen(keys[i]));
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t got;
        while (status == EXIT_OK && (got = getline(&line, &cap, stdin)) >= 0) {
            size_t len = (size_t)got;
            if (len > 0 && line[len - 1] == '\n')
                len--;
            if (len > 0) /* empty lines are skipped */
                status = answer(&ix, line, len);
        }
        if (status == EXIT_OK && ferror(stdin)) {
            report("read", "standard input", errno);
            status = EXIT_FAIL;
        }
        free(line);
    }
    index_close(&ix);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "build") == 0)
        return cmd_build(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "lookup") == 0)
        return cmd_lookup(argv[2], argc - 3, argv + 3);
    usage();
    return EXIT_USAGE;
}
