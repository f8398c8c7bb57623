/*
 * sidx - a sorted index of fixed-size records, searched through a read-only
 * mapping and replaced atomically with rename().
 *
 * Reference solution for lab 11-sorted-index (lesson 14-choosing).
 *
 *   sidx build INDEX < TEXT        lines "KEY VALUE" -> a sorted index file
 *   sidx lookup INDEX [KEY...]     "KEY VALUE" or "KEY not found" per key;
 *                                  without KEYs, one key per line of stdin
 *
 * The two halves teach the two sides of a file that other processes read
 * while it changes:
 *
 *  - The reader maps the file once, PROT_READ and MAP_PRIVATE, tells the
 *    kernel the access pattern is random (binary search jumps around, so
 *    readahead would fetch pages nobody reads), and trusts nothing in the
 *    file it has not checked: the header is validated against the file size
 *    before any record is touched, so a bad file is an error message, never
 *    a SIGBUS or a wrong answer.
 *
 *  - The writer never modifies the live file. It writes a complete new file
 *    under a temporary name in the same directory, makes it durable, and
 *    rename()s it over the old name. A reader that mapped the old file keeps
 *    the old inode (complete and unchanged); a reader that opens the name
 *    afterwards gets the new one. Nobody ever sees half a file.
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
 * line wins, and qsort does not promise to keep equal elements in order, so
 * the line number takes part in the comparison for "last" to mean anything
 * after sorting. */
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

/* Bytewise key order (the order of `LC_ALL=C sort`), then input order. */
static int cmp_entry(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = memcmp(a->rec.key, b->rec.key, sizeof a->rec.key);

    if (c != 0)
        return c;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sort, then keep the last entry of each run of equal keys, packed into a
 * plain array of records (the on-disk layout). Returns the record count. */
static size_t sort_unique(struct entries *es, struct sidx_record *out)
{
    size_t n = 0;

    if (es->n > 0)
        qsort(es->v, es->n, sizeof *es->v, cmp_entry);
    for (size_t i = 0; i < es->n; i++) {
        int last_of_run = i + 1 == es->n ||
                          memcmp(es->v[i].rec.key, es->v[i + 1].rec.key,
                                 sizeof es->v[i].rec.key) != 0;
        if (last_of_run)
            out[n++] = es->v[i].rec;
    }
    return n;
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

/* Write header + records to a temporary file, fsync it, rename it over
 * NAME, fsync the directory. On any failure before the rename the temporary
 * file is removed and NAME is untouched. */
static int publish(const char *name, const struct sidx_record *recs, size_t n)
{
    struct sidx_header h;
    char *tmp = NULL;
    char *dir = NULL;
    int fd, dfd, rc = -1;

    memset(&h, 0, sizeof h); /* reserved bytes are zero */
    memcpy(h.magic, SIDX_MAGIC, sizeof h.magic);
    h.version = SIDX_VERSION;
    h.record_size = sizeof(struct sidx_record);
    h.count = n;
    h.check = sidx_header_check(&h);

    fd = create_temp(name, &tmp);
    if (fd < 0)
        return -1;

    if (write_all(fd, &h, sizeof h) != 0 || write_all(fd, recs, n * sizeof *recs) != 0) {
        report("write", tmp, errno);
        close(fd);
        goto fail;
    }
    /* Data before name: without this fsync a crash shortly after the rename
     * can leave NAME pointing at a file whose blocks never reached the disk
     * (an empty or zero-filled index after reboot). */
    if (fsync(fd) != 0) {
        report("fsync", tmp, errno);
        close(fd);
        goto fail;
    }
    if (close(fd) != 0) {
        report("close", tmp, errno);
        goto fail;
    }
    /* The one atomic step: the name now refers to the new inode. Readers
     * that have the old one mapped keep it until they unmap. */
    if (rename(tmp, name) != 0) {
        report("rename", tmp, errno);
        goto fail;
    }
    free(tmp);
    tmp = NULL;

    /* The rename changed a directory; that change is durable only when the
     * directory itself is synced. Until then a crash may bring back the old
     * name (that is still a complete index, but not the one we built). */
    dir = dir_of(name);
    if (dir == NULL) {
        fprintf(stderr, "sidx: %s\n", strerror(ENOMEM));
        return -1;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        report("open directory", dir, errno);
        free(dir);
        return -1;
    }
    if (fsync(dfd) != 0)
        report("fsync directory", dir, errno);
    else
        rc = 0;
    close(dfd);
    free(dir);
    return rc;

fail:
    unlink(tmp); /* never leave a half-built file behind */
    free(tmp);
    return -1;
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

/* Map NAME and check its header against its size. Returns EXIT_OK with *ix
 * filled in, or the exit status after printing why. */
static int index_open(struct index *ix, const char *name)
{
    struct stat st;
    struct sidx_header h;
    int fd = open(name, O_RDONLY | O_CLOEXEC);

    /* Every field defined on every path, the failing ones included. */
    *ix = (struct index){ .name = name };
    if (fd < 0) {
        report("open", name, errno);
        return EXIT_FAIL;
    }
    if (fstat(fd, &st) != 0) {
        report("fstat", name, errno);
        close(fd);
        return EXIT_FAIL;
    }
    if (!S_ISREG(st.st_mode)) {
        report("open", name, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
        close(fd);
        return EXIT_FAIL;
    }
    /* Too short for a header: decided from the size alone, before mmap
     * (which would refuse a 0-byte length anyway). */
    if ((uint64_t)st.st_size < sizeof h) {
        close(fd);
        return corrupt(name, "file is %lld bytes, too short for the %zu-byte header",
                       (long long)st.st_size, sizeof h);
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        report("mmap", name, EFBIG);
        return EXIT_FAIL;
    }
    ix->size = (size_t)st.st_size;

    /* PROT_READ: the reader never writes, and a stray store becomes a
     * SIGSEGV instead of silent damage. MAP_PRIVATE or MAP_SHARED make no
     * difference to a read-only view: both show the page cache. */
    void *p = mmap(NULL, ix->size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    /* The mapping holds its own reference to the inode; the descriptor is
     * no longer needed. If NAME is replaced now, we keep this version. */
    close(fd);
    if (p == MAP_FAILED) {
        report("mmap", name, err);
        return EXIT_FAIL;
    }
    ix->base = p;

    /* Binary search touches about log2(count) records, far apart. Default
     * readahead would read the neighbours of each one from disk for
     * nothing; MADV_RANDOM turns it off for this mapping. It is advice: if
     * it fails, lookups are still correct, so say so and carry on. */
    if (madvise(p, ix->size, MADV_RANDOM) != 0)
        fprintf(stderr, "sidx: madvise %s: %s (continuing)\n", name, strerror(errno));

    /* Everything in the header is checked before it is used. memcpy reads
     * it out of the mapping into a properly typed object. */
    memcpy(&h, ix->base, sizeof h);
    int rc = EXIT_OK;
    if (memcmp(h.magic, SIDX_MAGIC, sizeof h.magic) != 0)
        rc = corrupt(name, "bad magic (not a sorted index)");
    else if (h.version != SIDX_VERSION)
        rc = corrupt(name, "unsupported version %" PRIu32, h.version);
    else if (h.record_size != sizeof(struct sidx_record))
        rc = corrupt(name, "record size %" PRIu32 ", expected %zu", h.record_size,
                     sizeof(struct sidx_record));
    else if (h.check != sidx_header_check(&h))
        rc = corrupt(name, "header checksum mismatch");
    /* The count must describe exactly the bytes that follow the header.
     * Computed by division, never count * 40: a forged count near 2^64
     * would make that product wrap around to the right size. This check is
     * what keeps the search inside the mapping, and so away from SIGBUS. */
    else if ((ix->size - sizeof h) % sizeof(struct sidx_record) != 0 ||
             h.count != (ix->size - sizeof h) / sizeof(struct sidx_record))
        rc = corrupt(name, "record count %" PRIu64 " does not match the file size %zu",
                     h.count, ix->size);
    if (rc != EXIT_OK) {
        munmap(p, ix->size);
        return rc;
    }
    /* The mapping starts on a page boundary and the header is 64 bytes, so
     * the records are suitably aligned for struct sidx_record. */
    ix->recs = (const struct sidx_record *)(const void *)(ix->base + sizeof h);
    ix->count = h.count;
    return EXIT_OK;
}

static void index_close(struct index *ix)
{
    if (munmap((void *)ix->base, ix->size) != 0)
        report("munmap", ix->name, errno);
}

/* Binary search for KEY (32 bytes, '\0'-padded). Returns 1 and *value when
 * found, 0 when not, -1 when the records met on the way contradict sorted
 * order (after printing why).
 *
 * The check costs nothing: every record the search reads must lie strictly
 * between the nearest records already read to its left and right. Checking
 * the whole file at startup would read every page and undo the point of a
 * random-access index; this catches disorder wherever it could mislead the
 * search, and answers are only ever given from records that passed it. */
static int index_find(const struct index *ix, const char *key, int64_t *value)
{
    const size_t klen = sizeof ix->recs[0].key;
    size_t lo = 0, hi = (size_t)ix->count; /* the key, if present, is in [lo, hi) */
    const struct sidx_record *left = NULL, *right = NULL;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2; /* no overflow, unlike (lo + hi) / 2 */
        const struct sidx_record *r = &ix->recs[mid];

        if ((left != NULL && memcmp(left->key, r->key, klen) >= 0) ||
            (right != NULL && memcmp(r->key, right->key, klen) >= 0)) {
            corrupt(ix->name, "records out of order near record %zu", mid);
            return -1;
        }
        int c = memcmp(key, r->key, klen);
        if (c == 0) {
            *value = r->value;
            return 1;
        }
        if (c < 0) {
            hi = mid;
            right = r;
        } else {
            lo = mid + 1;
            left = r;
        }
    }
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
