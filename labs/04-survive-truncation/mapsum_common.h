/*
 * mapsum_common.h - the parts of lab 04 that are not the lesson, shared by
 * mapsum.c (yours) and naive_mapsum.c. Read it, do not edit it: the grader
 * uses its own copy.
 *
 *   parse_options()  the command line (exit 2 on a mistake)
 *   fnv1a64_step()   one byte of the checksum
 *   print_sum()      the result line on stdout
 *   checkpoint()     the test hook: call it before reading each byte
 *
 * The test hook. To truncate the file at a precise moment without sleeping,
 * the tests start the program with
 *
 *   --pause-at OFFSET READY GO
 *
 * READY and GO are named pipes (FIFOs) the test created. When exactly OFFSET
 * bytes have been checksummed, checkpoint() writes "paused OFFSET\n" to READY
 * and then waits until GO reaches end-of-file (the test opens it and closes
 * it again). In between, the test truncates the file. The program then goes
 * on with byte OFFSET, which now may lie beyond the end of the file.
 *
 *   --fault-outside OTHER
 *
 * makes checkpoint(), at the same moment (offset 0 without --pause-at), map
 * OTHER one page longer than it is and read the first byte of that extra
 * page: a SIGBUS whose address is NOT in the mapping of FILE. A correct
 * handler lets that one kill the program.
 *
 * The hook never touches the mapping of FILE, so a SIGBUS handler can never
 * jump out of the middle of it, and it talks through plain system calls, not
 * stdio, so it leaves no half-written stdio buffer behind either.
 */
#ifndef MAPSUM_COMMON_H
#define MAPSUM_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* FNV-1a, 64 bits: start from the offset basis; for each byte b, in file
 * order: hash ^= b, then hash *= prime (modulo 2^64, which unsigned
 * arithmetic gives for free). The hash of zero bytes is the basis. */
#define FNV1A64_BASIS UINT64_C(0xcbf29ce484222325)
#define FNV1A64_PRIME UINT64_C(0x100000001b3)

static inline uint64_t fnv1a64_step(uint64_t hash, unsigned char byte)
{
    return (hash ^ byte) * FNV1A64_PRIME;
}

struct mapsum_opts {
    const char *prog;    /* program name for messages */
    const char *file;    /* FILE */
    uint64_t at;         /* the checkpoint offset (--pause-at, default 0) */
    const char *ready;   /* --pause-at FIFOs, NULL when not pausing */
    const char *go;
    const char *outside; /* --fault-outside OTHER, or NULL */
};

/* Digits only, must fit in 64 bits. 0 on success, -1 otherwise. */
static inline int mapsum_parse_u64(const char *s, uint64_t *out)
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

static inline void mapsum_usage(const char *prog)
{
    fprintf(stderr, "usage: %s [--pause-at OFFSET READY GO] [--fault-outside OTHER] FILE\n",
            prog);
    exit(2);
}

/* Fill *o from the command line, or print a message and exit 2. */
static inline void parse_options(int argc, char **argv, const char *prog,
                                 struct mapsum_opts *o)
{
    *o = (struct mapsum_opts){ .prog = prog };
    int i = 1;
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        if (strcmp(argv[i], "--pause-at") == 0 && i + 3 < argc) {
            if (mapsum_parse_u64(argv[i + 1], &o->at) != 0) {
                fprintf(stderr, "%s: invalid OFFSET '%s'\n", prog, argv[i + 1]);
                exit(2);
            }
            o->ready = argv[i + 2];
            o->go = argv[i + 3];
            i += 4;
        } else if (strcmp(argv[i], "--fault-outside") == 0 && i + 1 < argc) {
            o->outside = argv[i + 1];
            i += 2;
        } else {
            mapsum_usage(prog);
        }
    }
    if (argc - i != 1)
        mapsum_usage(prog);
    o->file = argv[i];
}

/* Print "HASH COUNT": 16 lowercase hex digits, a space, the number of bytes
 * the hash covers, a newline. */
static inline void print_sum(uint64_t hash, uint64_t count)
{
    printf("%016" PRIx64 " %" PRIu64 "\n", hash, count);
    fflush(stdout);
}

/* A write(2) of a whole string, for the hook's messages (no stdio here). */
static inline void mapsum_say(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static inline void mapsum_hook_fail(const struct mapsum_opts *o, const char *what,
                                    const char *name)
{
    const char *err = strerror(errno);
    mapsum_say(o->prog);
    mapsum_say(": ");
    mapsum_say(what);
    mapsum_say(" ");
    mapsum_say(name);
    mapsum_say(": ");
    mapsum_say(err);
    mapsum_say("\n");
    _exit(1);
}

/* The pause: announce it on READY, then wait for GO to be closed. */
static inline void mapsum_pause(const struct mapsum_opts *o)
{
    char msg[40];
    int n = snprintf(msg, sizeof msg, "paused %" PRIu64 "\n", o->at);

    int fd = open(o->ready, O_WRONLY | O_CLOEXEC); /* blocks until the test reads */
    if (fd < 0)
        mapsum_hook_fail(o, "--pause-at: open", o->ready);
    if (write(fd, msg, (size_t)n) != n)
        mapsum_hook_fail(o, "--pause-at: write", o->ready);
    close(fd);

    fd = open(o->go, O_RDONLY | O_CLOEXEC); /* blocks until the test opens it */
    if (fd < 0)
        mapsum_hook_fail(o, "--pause-at: open", o->go);
    char buf[64];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) != 0) {
        if (r < 0 && errno != EINTR)
            mapsum_hook_fail(o, "--pause-at: read", o->go);
    }
    close(fd);
}

/* The foreign fault: map OTHER one page longer than its pages and read the
 * first byte of that extra page, which lies wholly beyond its end. */
static inline void mapsum_fault_outside(const struct mapsum_opts *o)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    int fd = open(o->outside, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        mapsum_hook_fail(o, "--fault-outside: open", o->outside);
    struct stat st;
    if (fstat(fd, &st) != 0)
        mapsum_hook_fail(o, "--fault-outside: fstat", o->outside);
    size_t pages_len = ((size_t)st.st_size + page - 1) / page * page;
    volatile const unsigned char *p =
        mmap(NULL, pages_len + page, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        mapsum_hook_fail(o, "--fault-outside: mmap", o->outside);
    close(fd);
    (void)p[pages_len]; /* SIGBUS: this page holds no byte of OTHER */
    /* Not reached unless OTHER grew meanwhile. */
    munmap((void *)(uintptr_t)p, pages_len + page);
}

/* Call checkpoint(o, i) just before reading byte i of the mapping, and
 * checkpoint(o, size) once after the last byte. It does something only the
 * first time i equals the checkpoint offset, and only when --pause-at or
 * --fault-outside was given: first the pause, then the foreign fault. */
static inline void checkpoint(const struct mapsum_opts *o, uint64_t done)
{
    static int fired;

    if (fired || done != o->at || (o->ready == NULL && o->outside == NULL))
        return;
    fired = 1;
    if (o->ready != NULL)
        mapsum_pause(o);
    if (o->outside != NULL)
        mapsum_fault_outside(o);
}

#endif
