/*
 * reclog - a durable, append-only log of checksummed records, written
 * through a shared mapping and made durable with msync(MS_SYNC).
 *
 * Reference solution for lab 05-record-log (lesson 08-msync).
 *
 *   reclog append FILE < records     one record per input line
 *   reclog list FILE                 print every committed record
 *
 * The lesson in one line: the kernel may write any dirty page to disk at any
 * moment, so a crash-safe update makes the DATA durable first and only then
 * publishes it by changing a small commit field, which is made durable in
 * its turn. Here the data is a record, the commit field is the record count
 * in the header, and "durable" means msync(MS_SYNC) has returned.
 *
 * File format (all integers little-endian; README.md has the full text):
 *
 *   offset 0   magic      8 bytes  "MMRECLOG"
 *   offset 8   version    u32      1
 *   offset 12  data_off   u32      where record 1 starts (a new log: the
 *                                  page size, so the header owns page 0)
 *   offset 16  committed  u64      how many records are committed
 *   data_off   records, each at an offset that is a multiple of 8:
 *              u32 length, u32 CRC-32 of (the 4 length bytes + payload),
 *              payload, zero padding up to a multiple of 8
 *
 * Bytes after the last committed record are garbage (an append that was
 * interrupted) and are ignored by readers and overwritten by the next append.
 */
#define _GNU_SOURCE /* mremap, getline, htole32 and friends */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define LOG_MAGIC "MMRECLOG"  /* 8 bytes, no terminating NUL in the file */
#define LOG_VERSION 1u
#define HEADER_SIZE 24u       /* sizeof(struct log_header) */
#define REC_HEADER 8u         /* u32 length + u32 checksum */

/* The header as it lies at offset 0 of the file. The mapping starts on a
 * page boundary, so every field is naturally aligned. */
struct log_header {
    char magic[8];
    uint32_t version;   /* little-endian */
    uint32_t data_off;  /* little-endian */
    uint64_t committed; /* little-endian */
};
_Static_assert(sizeof(struct log_header) == HEADER_SIZE, "header layout");

/* An open log, mapped read-write. */
struct log {
    const char *name;
    int fd;
    unsigned char *base; /* MAP_SHARED mapping of the whole file */
    size_t size;         /* file size == mapped length */
    size_t page;         /* sysconf(_SC_PAGESIZE) */
    uint64_t committed;  /* our copy of the header's count */
    size_t end;          /* offset just past the last committed record */
};

/* ---- messages ------------------------------------------------------------ */

/* A failed system call: "reclog: WHAT NAME: <strerror>". */
static void report(const char *what, const char *name, int err)
{
    fprintf(stderr, "reclog: %s %s: %s\n", what, name, strerror(err));
}

/* A file that is not a valid log: "reclog: NAME: <why>". */
static void bad_log(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "reclog: %s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- little-endian fields and the checksum --------------------------------- */

/* Byte-wise loads: correct on any host and at any alignment. */
static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* CRC-32 as in zlib, gzip and PNG (reflected polynomial 0xEDB88320), in the
 * chainable form of zlib's crc32(): crc32_update(crc32_update(0, a), b) is
 * the CRC of a followed by b. Bit by bit: slow, but short and obviously
 * right, and the records are small. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n-- > 0) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* A record's checksum covers its length field too. Then a slot of zeros
 * (space the file grew into but no record ever reached) does not pass for an
 * empty record: the CRC of four zero bytes is 0x2144DF1C, not 0. */
static uint32_t record_crc(uint32_t len, const unsigned char *payload)
{
    unsigned char lenb[4];
    put_le32(lenb, len);
    return crc32_update(crc32_update(0, lenb, 4), payload, len);
}

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* ---- checking a log -------------------------------------------------------- */

/* Check the SIZE bytes at BASE, a whole log file. On success store the
 * committed count and the offset just past the last committed record.
 * Otherwise print why and return -1. Both commands run this before they do
 * anything else, so a damaged file is reported, never "repaired".
 *
 * Every length read from the file is untrusted: compare it against what is
 * left of the file BEFORE using it, and never compute off + len (it could
 * wrap around). */
static int log_check(const char *name, const unsigned char *base, size_t size,
                     uint64_t *committed, size_t *end)
{
    if (size < HEADER_SIZE) {
        bad_log(name, "header too short (%zu bytes)", size);
        return -1;
    }
    const struct log_header *h = (const struct log_header *)base;
    if (memcmp(h->magic, LOG_MAGIC, 8) != 0) {
        bad_log(name, "bad magic, not a record log");
        return -1;
    }
    uint32_t version = le32toh(h->version);
    if (version != LOG_VERSION) {
        bad_log(name, "unsupported version %" PRIu32, version);
        return -1;
    }
    uint32_t data_off = le32toh(h->data_off);
    if (data_off < HEADER_SIZE || data_off % 8 != 0 || data_off > size) {
        bad_log(name, "bad data offset %" PRIu32, data_off);
        return -1;
    }
    uint64_t count = le64toh(h->committed);

    /* Walk the committed records. Each one needs at least 8 bytes, so this
     * loop ends at end-of-file however large the count is. */
    size_t off = data_off;
    for (uint64_t k = 0; k < count; k++) {
        if (off > size || size - off < REC_HEADER) {
            bad_log(name, "commit count %" PRIu64 " runs past the end of the file", count);
            return -1;
        }
        uint32_t len = get_le32(base + off);
        uint32_t crc = get_le32(base + off + 4);
        if (len > size - off - REC_HEADER) {
            bad_log(name, "commit count %" PRIu64 " runs past the end of the file", count);
            return -1;
        }
        if (record_crc(len, base + off + REC_HEADER) != crc) {
            bad_log(name, "record %" PRIu64 " is damaged (checksum mismatch)", k + 1);
            return -1;
        }
        /* The padding may lie past end-of-file in a file that ends right
         * after a payload; off may then exceed size, which the next round
         * (if any) reports. */
        off = round_up(off + REC_HEADER + len, 8);
    }
    *committed = count;
    *end = off;
    return 0;
}

/* ---- list ------------------------------------------------------------------ */

static int cmd_list(const char *name)
{
    int fd = open(name, O_RDONLY);
    if (fd < 0) {
        report("open", name, errno);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        report("fstat", name, errno);
        close(fd);
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        report("open", name, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    if (size < HEADER_SIZE) { /* also avoids mmap's EINVAL for length 0 */
        bad_log(name, "header too short (%zu bytes)", size);
        close(fd);
        return 1;
    }
    /* A reader only needs PROT_READ. MAP_SHARED or MAP_PRIVATE makes no
     * difference as long as nothing is written. */
    unsigned char *base = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    int err = errno;
    close(fd); /* the mapping keeps its own reference to the file */
    if (base == MAP_FAILED) {
        report("mmap", name, err);
        return 1;
    }

    int status = 1;
    uint64_t count;
    size_t end;
    /* Verify everything before printing anything: a damaged log prints
     * nothing rather than a misleading prefix. */
    if (log_check(name, base, size, &count, &end) == 0) {
        const struct log_header *h = (const struct log_header *)base;
        size_t off = le32toh(h->data_off);
        for (uint64_t k = 0; k < count; k++) {
            uint32_t len = get_le32(base + off);
            fwrite(base + off + REC_HEADER, 1, len, stdout);
            putchar('\n');
            off = round_up(off + REC_HEADER + len, 8);
        }
        if (fflush(stdout) != 0 || ferror(stdout))
            report("write", "standard output", errno);
        else
            status = 0;
    }
    munmap(base, size);
    return status;
}

/* ---- append ---------------------------------------------------------------- */

/* Make the new directory entry durable: fsync(file) covers the inode and
 * the data, not the name in the directory. */
static int fsync_parent_dir(const char *name)
{
    char *copy = strdup(name);
    if (copy == NULL)
        return -1;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    free(copy);
    if (dfd < 0)
        return -1;
    int rc = fsync(dfd);
    int err = errno;
    close(dfd);
    errno = err;
    return rc;
}

/* Write the header of a brand-new (0-byte) log and make it durable. */
static int log_init(struct log *lg)
{
    if (ftruncate(lg->fd, (off_t)lg->page) != 0) {
        report("ftruncate", lg->name, errno);
        return -1;
    }
    lg->size = lg->page;
    lg->base = mmap(NULL, lg->size, PROT_READ | PROT_WRITE, MAP_SHARED, lg->fd, 0);
    if (lg->base == MAP_FAILED) {
        report("mmap", lg->name, errno);
        lg->base = NULL;
        return -1;
    }
    struct log_header *h = (struct log_header *)lg->base;
    memcpy(h->magic, LOG_MAGIC, 8);
    h->version = htole32(LOG_VERSION);
    /* Records start on the second page: the header owns page 0 alone, so
     * syncing the header never rewrites record pages and vice versa. The
     * value is stored, so a reader never needs to know our page size. */
    h->data_off = htole32((uint32_t)lg->page);
    h->committed = 0;
    if (msync(lg->base, HEADER_SIZE, MS_SYNC) != 0) {
        report("msync", lg->name, errno);
        return -1;
    }
    lg->committed = 0;
    lg->end = lg->page;
    return 0;
}

/* Open (or create) the log for appending. Returns -1 after a message. */
static int log_open(struct log *lg, const char *name)
{
    *lg = (struct log){ .name = name, .fd = -1 };
    lg->page = (size_t)sysconf(_SC_PAGESIZE);

    /* O_RDWR: a MAP_SHARED, PROT_WRITE mapping needs read and write. Try
     * without O_CREAT first, to know whether we made a new directory entry
     * that must itself be synced. */
    int created = 0;
    lg->fd = open(name, O_RDWR);
    if (lg->fd < 0 && errno == ENOENT) {
        lg->fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0644);
        created = 1;
    }
    if (lg->fd < 0) {
        report("open", name, errno);
        return -1;
    }
    struct stat st;
    if (fstat(lg->fd, &st) != 0) {
        report("fstat", name, errno);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        report("open", name, EINVAL);
        return -1;
    }

    /* A 0-byte file is a log nobody has started yet (also what a crash
     * right after the create leaves); anything else must be a valid log. */
    if (st.st_size == 0) {
        if (log_init(lg) != 0)
            return -1;
        if (created && fsync_parent_dir(name) != 0) {
            report("fsync directory of", name, errno);
            return -1;
        }
        return 0;
    }

    lg->size = (size_t)st.st_size;
    lg->base = mmap(NULL, lg->size, PROT_READ | PROT_WRITE, MAP_SHARED, lg->fd, 0);
    if (lg->base == MAP_FAILED) {
        report("mmap", name, errno);
        lg->base = NULL;
        return -1;
    }
    /* Nothing has been stored yet, so a bad file leaves here unmodified. */
    return log_check(name, lg->base, lg->size, &lg->committed, &lg->end);
}

/* Make sure the file (and the mapping) reach at least NEED bytes. */
static int log_reserve(struct log *lg, size_t need)
{
    if (need <= lg->size)
        return 0;
    /* Grow in whole pages: the smallest multiple of the page size that
     * holds the record. A store beyond end-of-file would be SIGBUS, so the
     * file grows BEFORE the record is written. ftruncate makes the new part
     * a hole of zeros; the blocks are allocated when the pages are written
     * back (posix_fallocate would reserve them up front). */
    size_t new_size = round_up(need, lg->page);
    if (new_size < need || (off_t)new_size < 0) {
        report("grow", lg->name, EFBIG);
        return -1;
    }
    if (ftruncate(lg->fd, (off_t)new_size) != 0) {
        report("ftruncate", lg->name, errno);
        return -1;
    }
    /* mremap moves page-table entries, not data. MREMAP_MAYMOVE lets the
     * kernel pick a new address when the range after ours is taken, so
     * every pointer into the old mapping is invalid afterwards: we keep
     * offsets, never pointers, across a grow. */
    void *p = mremap(lg->base, lg->size, new_size, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) {
        report("mremap", lg->name, errno);
        return -1;
    }
    lg->base = p;
    lg->size = new_size;
    return 0;
}

/* Append one record and commit it. The order of the four steps is the whole
 * point of the lab:
 *
 *   1. write the record past the last committed one (nothing counts it yet)
 *   2. msync(MS_SYNC) the pages that hold it        -> the record is durable
 *   3. header.committed += 1                        -> publish it
 *   4. msync(MS_SYNC) the header page               -> the count is durable
 *
 * The kernel may write the header page on its own at any moment after step
 * 3. That is harmless: the record it counts is on disk since step 2. If step
 * 3 came before step 2, a crash could leave a count covering a record that
 * never reached the disk. */
static int log_append(struct log *lg, const unsigned char *payload, size_t len)
{
    if (len > UINT32_MAX) {
        bad_log(lg->name, "record %" PRIu64 " is too long (%zu bytes)", lg->committed + 1, len);
        return -1;
    }
    size_t start = lg->end; /* a multiple of 8 */
    size_t rec_size = REC_HEADER + round_up(len, 8);
    if (log_reserve(lg, start + rec_size) != 0)
        return -1;

    /* 1. The record, padding included: the slot may hold the remains of an
     *    append that was killed half-way, so every byte is written. */
    unsigned char *p = lg->base + start;
    put_le32(p, (uint32_t)len);
    put_le32(p + 4, record_crc((uint32_t)len, payload));
    if (len > 0)
        memcpy(p + REC_HEADER, payload, len);
    memset(p + REC_HEADER + len, 0, rec_size - REC_HEADER - len);

    /* 2. msync wants a page-aligned address: round the start down to its
     *    page and lengthen the range by as much. The kernel rounds the
     *    length up to whole pages itself. Only these pages: syncing the
     *    whole file would also write the header page, and we must not make
     *    anything but the record durable before the record is. */
    size_t sync_from = start - start % lg->page;
    if (msync(lg->base + sync_from, start + rec_size - sync_from, MS_SYNC) != 0) {
        /* EIO and friends: the record is not known to be on disk. Retrying
         * would probably "succeed" without writing; stop instead. */
        report("msync", lg->name, errno);
        return -1;
    }

    /* 3. Publish: one aligned 8-byte store (volatile keeps the compiler from
     *    splitting it). It sits in the first sector of the file, which the
     *    disk writes whole, so the count on disk is either old or new. */
    lg->committed++;
    struct log_header *h = (struct log_header *)lg->base;
    *(volatile uint64_t *)&h->committed = htole64(lg->committed);

    /* 4. The header page. */
    if (msync(lg->base, HEADER_SIZE, MS_SYNC) != 0) {
        report("msync", lg->name, errno);
        return -1;
    }
    lg->end = start + rec_size;

    /* Acknowledge only now: what we print is durable. Flush at once so the
     * reader of the pipe sees each commit as it happens. */
    printf("%" PRIu64 "\n", lg->committed);
    if (fflush(stdout) != 0) {
        report("write", "standard output", errno);
        return -1;
    }
    return 0;
}

/* munmap does not flush and close does not unmap; both are only cleanup
 * here, every commit has already been synced. */
static void log_close(struct log *lg)
{
    if (lg->base != NULL)
        munmap(lg->base, lg->size);
    if (lg->fd >= 0)
        close(lg->fd);
}

static int cmd_append(const char *name)
{
    struct log lg;
    int status = 1;
    char *line = NULL;
    size_t cap = 0;

    if (log_open(&lg, name) != 0)
        goto out;

    /* One record per line, without its '\n'. getline returns the length,
     * so NUL bytes inside a line are kept (strlen would cut them). A last
     * line without '\n' is a record too. */
    for (;;) {
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            if (ferror(stdin)) {
                report("read", "standard input", errno);
                goto out;
            }
            break; /* end of input */
        }
        size_t len = (size_t)n;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (log_append(&lg, (const unsigned char *)line, len) != 0)
            goto out;
    }
    status = 0;
out:
    free(line);
    log_close(&lg);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "append") == 0)
        return cmd_append(argv[2]);
    if (argc == 3 && strcmp(argv[1], "list") == 0)
        return cmd_list(argv[2]);
    fprintf(stderr, "usage: reclog append FILE < records\n"
                    "       reclog list FILE\n");
    return 2;
}
