/*
 * reclog - a durable, append-only log of checksummed records, written
 * through a shared mapping and made durable with msync(MS_SYNC).
 *
 * Lab 05-record-log. Read README.md first (it defines the file format byte
 * by byte); the lesson is lessons/en/08-msync.md.
 *
 *   reclog append FILE < records     one record per input line; prints the
 *                                    new record count after each commit
 *   reclog list FILE                 prints every committed record, one per
 *                                    line, after checking them all
 *
 * Exit 0 on success, 1 on any error (a message on stderr), 2 for a usage
 * error.
 *
 * What is already done: main(), the input loop of `append` (cmd_append),
 * the messages (report, bad_log), little-endian helpers, the checksum
 * (record_crc), round_up, fsync_parent_dir and log_close.
 * What is yours: log_check, cmd_list, log_open, log_reserve and log_append,
 * marked TODO. As shipped, `append` reads its input and does nothing else,
 * and `list` prints nothing.
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

/* The header as it lies at offset 0 of the file (README.md, "File format").
 * A mapping starts on a page boundary, so every field is aligned. The
 * integers are little-endian in the file: convert with le32toh/htole32 and
 * le64toh/htole64 (<endian.h>). */
struct log_header {
    char magic[8];      /* "MMRECLOG" */
    uint32_t version;   /* 1 */
    uint32_t data_off;  /* where record 1 starts */
    uint64_t committed; /* how many records are committed */
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

/* ---- messages (done) -------------------------------------------------------- */

/* A failed system call: "reclog: WHAT NAME: <strerror>", for example
 * report("open", name, errno). Save errno right after the failing call. */
static void report(const char *what, const char *name, int err)
{
    fprintf(stderr, "reclog: %s %s: %s\n", what, name, strerror(err));
}

/* A file that is not a valid log: "reclog: NAME: <why>", printf-style, for
 * example bad_log(name, "header too short (%zu bytes)", size). README.md
 * lists the exact messages. */
static void bad_log(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "reclog: %s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- little-endian fields and the checksum (done) ------------------------- */

/* Byte-wise: correct on any host and at any alignment. Use them for the
 * record header (length, checksum). */
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

/* CRC-32 as in zlib, gzip and PNG, chainable like zlib's crc32(). */
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

/* The checksum stored in a record: CRC-32 of the 4 length bytes (as they are
 * in the file) followed by the payload. */
static uint32_t record_crc(uint32_t len, const unsigned char *payload)
{
    unsigned char lenb[4];
    put_le32(lenb, len);
    return crc32_update(crc32_update(0, lenb, 4), payload, len);
}

/* n rounded up to a multiple of `to` (records: 8; file sizes: the page). */
static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* After creating a file, fsync its directory so the new name is durable
 * too. Returns 0 or -1 with errno set. */
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

/* ---- checking a log (yours) ----------------------------------------------- */

/* Check the SIZE bytes at BASE, a whole log file. On success store the
 * committed count and the offset just past the last committed record, and
 * return 0. Otherwise print the README's message with bad_log() and return
 * -1. Both commands call it before doing anything else. */
static int log_check(const char *name, const unsigned char *base, size_t size,
                     uint64_t *committed, size_t *end)
{
    /* TODO 1: the header, in this order: at least HEADER_SIZE bytes, the
     *         magic, the version, the data offset (at least HEADER_SIZE, a
     *         multiple of 8, not past the end of the file).
     * TODO 2: walk the committed records from data_off. For each one, check
     *         that its 8-byte header and then its payload lie inside the
     *         file, then its checksum (record_crc). Every length comes from
     *         the file: compare it with what is left of the file before you
     *         use it, and never compute something like off + len that could
     *         wrap around. The next record starts at
     *         round_up(off + REC_HEADER + len, 8). */
    (void)name;
    (void)base;
    (void)size;
    (void)get_le32;
    (void)bad_log;
    *committed = 0;
    *end = 0;
    return 0;
}

/* ---- list (yours) ----------------------------------------------------------- */

static int cmd_list(const char *name)
{
    /* TODO 3: open NAME read-only and fstat it. A file shorter than the
     *         header is an error without mapping it (mmap refuses a length
     *         of 0). Map the whole file with PROT_READ, run log_check, and
     *         only if it passes print each committed record's payload
     *         followed by '\n' (fwrite: payloads may hold NUL bytes).
     *         Unmap and close; return 0, or 1 after any error. */
    (void)name;
    (void)log_check;
    return 0;
}

/* ---- append (yours) --------------------------------------------------------- */

/* Open (or create) the log for appending. Return 0, or -1 after printing a
 * message. Whatever it acquired is released by log_close(). */
static int log_open(struct log *lg, const char *name)
{
    *lg = (struct log){ .name = name, .fd = -1 };
    lg->page = (size_t)sysconf(_SC_PAGESIZE);

    /* TODO 4: open NAME O_RDWR (a shared writable mapping needs it),
     *         creating it with mode 0644 if it does not exist, and fstat it.
     *
     *         An empty (0-byte) file is a new log: ftruncate it to one page,
     *         map it, write the header (magic, version 1, data_off = the
     *         page size, committed = 0), msync the header with MS_SYNC, set
     *         lg->end = data_off. If you created the file, fsync_parent_dir.
     *
     *         Any other file: map all of it (PROT_READ | PROT_WRITE,
     *         MAP_SHARED) and log_check it; a bad file is left exactly as it
     *         was. */
    (void)fsync_parent_dir;
    return 0;
}

/* Make sure the file and the mapping reach at least NEED bytes. */
static int log_reserve(struct log *lg, size_t need)
{
    /* TODO 5: if NEED is past lg->size, grow the file with ftruncate to the
     *         smallest multiple of the page size that holds NEED bytes, then
     *         grow the mapping (mremap with MREMAP_MAYMOVE: the mapping may
     *         move, so keep offsets, not pointers). */
    (void)lg;
    (void)need;
    return 0;
}

/* Append one record and commit it. */
static int log_append(struct log *lg, const unsigned char *payload, size_t len)
{
    /* TODO 6: the record goes at lg->end, taking REC_HEADER + len rounded
     *         up to 8 bytes (log_reserve first). Write the length, the
     *         checksum (record_crc), the payload and zero padding.
     * TODO 7: msync(MS_SYNC) exactly the pages that hold the new record:
     *         the address must be page-aligned, so start at lg->end rounded
     *         DOWN to a page and lengthen the range by as much.
     * TODO 8: only now raise the header's count (one aligned 8-byte store)
     *         and msync(MS_SYNC) the header page.
     * TODO 9: acknowledge: print the new count and a newline on stdout and
     *         fflush(stdout). Update lg->committed and lg->end. */
    (void)lg;
    (void)payload;
    (void)len;
    (void)record_crc;
    (void)put_le32;
    (void)round_up;
    (void)log_reserve;
    return 0;
}

/* munmap does not flush and close does not unmap: only cleanup here. */
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
     * so NUL bytes inside a line are kept. A last line without '\n' is a
     * record too. */
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
