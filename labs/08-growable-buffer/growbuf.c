/*
 * growbuf - the provided driver of lab 08: append standard input to a
 * struct buf (your buffer.c) and report what the buffer holds.
 *
 *   growbuf [--copies N [--gap G]] [--keep K] [--crowd]
 *
 * You do not need to change this file; README.md describes its contract.
 * In short:
 *
 * - Without --copies, standard input is appended in pieces of varying size
 *   (1 byte to 64 KiB, as read() returns them).
 * - With --copies N, all of standard input (at most 64 MiB) is read first
 *   and then appended N times, one buf_append() per copy: a small input
 *   becomes a large stream without a large file on disk. With --gap G each
 *   copy is followed by G zero bytes (buf_append_zeros), which is how the
 *   tests reach 1 GiB while touching only a few thousand pages.
 * - --keep K shrinks the buffer to its first K bytes at the end.
 * - --crowd forces moves: before every append that has to grow the buffer,
 *   it maps one PROT_NONE page right behind the buffer (MAP_FIXED_NOREPLACE),
 *   so the buffer cannot grow in place and mremap must move it.
 *
 * At the end it prints, reading everything through b.base as it is then:
 *
 *   bytes LEN        bytes held (b.len)
 *   data D           bytes of input among them (LEN minus the gaps)
 *   cksum CRC        the CRC that `cksum` prints for those D bytes
 *   capacity CAP     bytes mapped (b.cap)
 *   moves M          how many calls returned with a different b.base
 *
 * Exit status: 0 done; 1 an error (a failed call, a broken contract);
 * 2 bad arguments, or an input too large for --copies; 3 the buffer could
 * not grow (an append failed): the summary of what it still holds is
 * printed anyway.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buffer.h"

#define CHUNK_MAX ((size_t)64 << 10)
#define PATTERN_MAX ((size_t)64 << 20)

/* ---- the CRC of POSIX cksum: polynomial 0x04C11DB7, bits taken most
 * significant first, then the length, then inverted. Eight bytes a step. */

static uint32_t crc_table[8][256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i << 24;
        for (int k = 0; k < 8; k++)
            c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int s = 1; s < 8; s++)
            crc_table[s][i] = (crc_table[s - 1][i] << 8) ^ crc_table[0][crc_table[s - 1][i] >> 24];
}

/* The buffer is mmap'd memory, which AddressSanitizer does not track, so
 * instrumenting this loop would check nothing and only slow it down. */
#if defined(__GNUC__)
__attribute__((no_sanitize("address", "undefined")))
#endif
static uint32_t crc_update(uint32_t c, const unsigned char *p, size_t n)
{
    while (n >= 8) {
        uint32_t a = c ^ ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
        c = crc_table[7][a >> 24] ^ crc_table[6][(a >> 16) & 0xff] ^ crc_table[5][(a >> 8) & 0xff] ^
            crc_table[4][a & 0xff] ^ crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
            crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        c = (c << 8) ^ crc_table[0][(c >> 24) ^ *p++];
    return c;
}

static uint32_t crc_finish(uint32_t c, size_t total)
{
    for (; total != 0; total >>= 8) {
        unsigned char byte = (unsigned char)(total & 0xff);
        c = crc_update(c, &byte, 1);
    }
    return ~c;
}

/* ---- arguments ---- */

static int parse_size(const char *s, size_t *out)
{
    size_t v = 0;
    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        size_t d = (size_t)(*s - '0');
        if (v > (SIZE_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int usage(const char *why)
{
    if (why != NULL)
        fprintf(stderr, "growbuf: %s\n", why);
    fprintf(stderr, "usage: growbuf [--copies N [--gap G]] [--keep K] [--crowd] < INPUT\n");
    return 2;
}

/* ---- the state of one run ---- */

static long page;
static struct buf b;
static size_t moves;
static int crowded;
static void **crowd_pages;
static size_t n_crowd;

/* What was appended, so that the summary can find the input bytes again:
 * `pieces` copies of `piece` bytes, each followed by `gap` zero bytes
 * (without --gap: one piece, the whole buffer). */
static size_t piece, gap, pieces;

static const char *errtext(int e)
{
    return e != 0 ? strerror(e) : "failed without setting errno";
}

/* What every successful call must leave behind. */
static int check_contract(const char *who, size_t want_len)
{
    const char *why = NULL;
    if (b.base == NULL || b.base == MAP_FAILED)
        why = "base is NULL or MAP_FAILED";
    else if (b.len != want_len)
        why = "len is not the number of bytes it should hold";
    else if (b.cap < b.len)
        why = "cap is smaller than len";
    else if (b.cap == 0 || b.cap % (size_t)page != 0)
        why = "cap is not a whole number of pages";
    if (why == NULL)
        return 0;
    fprintf(stderr, "growbuf: after %s the buffer breaks its contract: %s (len %zu, expected %zu, cap %zu)\n",
            who, why, b.len, want_len, b.cap);
    return -1;
}

/* Put a PROT_NONE page right behind the buffer, so it cannot grow in place.
 * MAP_FIXED_NOREPLACE never replaces a mapping: if the spot is already
 * taken (EEXIST), growth in place is impossible anyway. */
static int crowd(void)
{
    unsigned char *want = b.base + b.cap;
    void *p = mmap(want, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    if (p != want) { /* a kernel older than 4.17 took the address as a hint */
        munmap(p, (size_t)page);
        return 0;
    }
    void **more = realloc(crowd_pages, (n_crowd + 1) * sizeof *more);
    if (more == NULL) {
        munmap(p, (size_t)page);
        return -1;
    }
    crowd_pages = more;
    crowd_pages[n_crowd++] = p;
    return 0;
}

/* Append n bytes of data, or n zero bytes when data is NULL. Returns 0;
 * 1 when the call failed cleanly (reported); -1 on any other error
 * (reported). */
static int append(const unsigned char *data, size_t n)
{
    struct buf before = b;
    const char *who = data != NULL ? "buf_append" : "buf_append_zeros";
    if (crowded && n > b.cap - b.len && crowd() != 0) {
        fprintf(stderr, "growbuf: %s\n", strerror(ENOMEM));
        return -1;
    }
    errno = 0;
    int r = data != NULL ? buf_append(&b, data, n) : buf_append_zeros(&b, n);
    if (r != 0) {
        int e = errno;
        if (b.base != before.base || b.len != before.len || b.cap != before.cap) {
            fprintf(stderr, "growbuf: %s failed (%s) but changed the buffer; "
                            "a failed call must leave it as it was\n", who, errtext(e));
            return -1;
        }
        fprintf(stderr, "growbuf: %s: cannot add %zu bytes to the %zu held (capacity %zu): %s\n",
                who, n, b.len, b.cap, errtext(e));
        return 1;
    }
    if (check_contract(who, before.len + n) != 0)
        return -1;
    if (b.base != before.base)
        moves++;
    return 0;
}

/* Stream mode: append standard input piece by piece. The piece sizes vary
 * (a fixed sequence from 1 byte to 64 KiB) so that appends straddle page
 * and capacity boundaries in every possible way. */
static int append_stream(void)
{
    static unsigned char chunk[CHUNK_MAX];
    uint32_t lcg = 12345;
    for (;;) {
        lcg = lcg * 1103515245u + 12345u;
        size_t want = 1 + (lcg >> 8) % CHUNK_MAX;
        ssize_t got = read(STDIN_FILENO, chunk, want);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "growbuf: standard input: %s\n", strerror(errno));
            return -1;
        }
        if (got == 0)
            return 0;
        int r = append(chunk, (size_t)got);
        if (r != 0)
            return r;
    }
}

/* Read all of standard input into *pattern (malloc'd), at most PATTERN_MAX
 * bytes. Returns 0, 2 (too large) or -1, reported. */
static int read_pattern(unsigned char **pattern, size_t *len_out)
{
    size_t len = 0, cap = 0;
    unsigned char *p = NULL;
    for (;;) {
        if (len == cap) {
            if (cap == PATTERN_MAX) {
                fprintf(stderr, "growbuf: --copies needs an input of at most %zu bytes\n", PATTERN_MAX);
                *pattern = p;
                return 2;
            }
            cap = cap == 0 ? CHUNK_MAX : cap * 2;
            if (cap > PATTERN_MAX)
                cap = PATTERN_MAX;
            unsigned char *more = realloc(p, cap);
            if (more == NULL) {
                fprintf(stderr, "growbuf: %s\n", strerror(ENOMEM));
                *pattern = p;
                return -1;
            }
            p = more;
        }
        ssize_t got = read(STDIN_FILENO, p + len, cap - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "growbuf: standard input: %s\n", strerror(errno));
            *pattern = p;
            return -1;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    *pattern = p;
    *len_out = len;
    return 0;
}

/* --copies mode: append the pattern `copies` times, each copy followed by
 * `gap` zero bytes. */
static int append_copies(const unsigned char *pattern, size_t copies)
{
    for (size_t i = 0; i < copies; i++) {
        int r = append(pattern, piece);
        if (r != 0)
            return r;
        pieces++;
        if (gap > 0 && (r = append(NULL, gap)) != 0)
            return r;
    }
    return 0;
}

/* Print the summary. The input bytes are read back through the current
 * base; of each gap only the first and last byte are looked at, so its
 * untouched pages stay untouched. */
static int summary(void)
{
    uint32_t crc = 0;
    size_t data = 0;
    if (gap == 0) {
        data = b.len;
        crc = crc_update(0, b.base, data);
    } else {
        for (size_t i = 0; i < pieces; i++) {
            size_t at = i * (piece + gap);
            crc = crc_update(crc, b.base + at, piece);
            data += piece;
            at += piece;
            if (at + gap <= b.len && (b.base[at] != 0 || b.base[at + gap - 1] != 0)) {
                fprintf(stderr, "growbuf: the zero bytes appended at offset %zu are not zero\n", at);
                return -1;
            }
        }
    }
    printf("bytes %zu\ndata %zu\ncksum %" PRIu32 "\ncapacity %zu\nmoves %zu\n", b.len, data,
           crc_finish(crc, data), b.cap, moves);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "growbuf: standard output: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t copies = 0, keep = 0;
    int use_copies = 0, use_keep = 0, use_gap = 0;

    for (int i = 1; i < argc; i++) {
        size_t *slot = NULL;
        int *flag = NULL;
        if (strcmp(argv[i], "--crowd") == 0) {
            crowded = 1;
            continue;
        } else if (strcmp(argv[i], "--copies") == 0) {
            slot = &copies, flag = &use_copies;
        } else if (strcmp(argv[i], "--gap") == 0) {
            slot = &gap, flag = &use_gap;
        } else if (strcmp(argv[i], "--keep") == 0) {
            slot = &keep, flag = &use_keep;
        } else {
            return usage(NULL);
        }
        if (i + 1 >= argc || parse_size(argv[i + 1], slot) != 0) {
            fprintf(stderr, "growbuf: %s needs a number of bytes or copies, digits only\n", argv[i]);
            return 2;
        }
        *flag = 1;
        i++;
    }
    if (use_gap && !use_copies)
        return usage("--gap needs --copies");
    if (use_gap && use_keep)
        return usage("--keep cannot be combined with --gap");

    page = sysconf(_SC_PAGESIZE);
    if (page <= 0) {
        fprintf(stderr, "growbuf: sysconf(_SC_PAGESIZE) failed\n");
        return 1;
    }
    crc_init();

    unsigned char *pattern = NULL;
    if (use_copies) {
        int r = read_pattern(&pattern, &piece);
        if (r != 0) {
            free(pattern);
            return r == 2 ? 2 : 1;
        }
    }

    errno = 0;
    if (buf_init(&b) != 0) {
        fprintf(stderr, "growbuf: buf_init: %s\n", errtext(errno));
        free(pattern);
        return 1;
    }
    if (check_contract("buf_init", 0) != 0) {
        free(pattern);
        return 1;
    }

    int r = use_copies ? (piece > 0 ? append_copies(pattern, copies) : 0) : append_stream();
    free(pattern);
    if (gap == 0)
        pieces = 0; /* the summary then takes [0, len) as one piece */
    int status = r == 0 ? 0 : r == 1 ? 3 : 1;

    if (status == 0 && use_keep) {
        unsigned char *before = b.base;
        size_t k = keep < b.len ? keep : b.len;
        errno = 0;
        if (buf_shrink(&b, k) != 0) {
            fprintf(stderr, "growbuf: buf_shrink to %zu bytes: %s\n", k, errtext(errno));
            status = 1;
        } else if (check_contract("buf_shrink", k) != 0) {
            status = 1;
        } else {
            if (b.base != before)
                moves++;
            /* The invariant: what stays mapped past len is zero. Only the
             * rest of the last page is looked at (the pages after it were
             * just given back). */
            size_t end = b.len + ((size_t)page - b.len % (size_t)page) % (size_t)page;
            for (size_t i = b.len; i < end && i < b.cap; i++) {
                if (b.base[i] != 0) {
                    fprintf(stderr, "growbuf: after buf_shrink byte %zu (past len) is not zero\n", i);
                    status = 1;
                    break;
                }
            }
        }
    }

    if ((status == 0 || status == 3) && summary() != 0)
        status = 1;

    errno = 0;
    if (b.base != NULL && buf_free(&b) != 0) {
        fprintf(stderr, "growbuf: buf_free: %s\n", errtext(errno));
        status = 1;
    }
    for (size_t i = 0; i < n_crowd; i++)
        munmap(crowd_pages[i], (size_t)page);
    free(crowd_pages);
    return status;
}
