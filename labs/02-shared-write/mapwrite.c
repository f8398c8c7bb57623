/*
 * mapwrite - copy INPUT (or standard input) into OUTPUT through a shared,
 * writable mapping of OUTPUT.
 *
 * Lab 02-shared-write. Read README.md first; the lesson is
 * lessons/en/05-writing.md. Run ./naive_write once to see what goes wrong
 * when one step is missing.
 *
 *   mapwrite OUTPUT [INPUT]
 *
 * Exit 0 on success. On any error print "mapwrite: <what failed>: <strerror>"
 * on stderr and exit 1 (report() does the printing). Wrong argument count:
 * usage message, exit 2 (done).
 *
 * What is already done: argument checking, read_all() and report().
 * What is yours: everything marked TODO in main(). For now the program only
 * empties OUTPUT and exits 0 without copying anything.
 */
#define _DEFAULT_SOURCE /* POSIX + BSD declarations under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Print "mapwrite: WHAT NAME: <strerror(err)>" (or "mapwrite: WHAT: ..."
 * when name is NULL). Save errno in a variable right after the failing
 * call: other calls, even fprintf, may change it. */
static void report(const char *what, const char *name, int err)
{
    if (name != NULL)
        fprintf(stderr, "mapwrite: %s %s: %s\n", what, name, strerror(err));
    else
        fprintf(stderr, "mapwrite: %s: %s\n", what, strerror(err));
}

/* Read everything from fd into a malloc'd buffer and store the byte count in
 * *len. Returns NULL with errno set on failure. The caller frees the buffer.
 * Works for pipes too, whose size is unknown until end of input. */
static unsigned char *read_all(int fd, size_t *len)
{
    size_t cap = 64 * 1024;
    size_t n = 0;
    unsigned char *buf = malloc(cap);

    if (buf == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            unsigned char *bigger =
                cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            free(buf);
            errno = err;
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: mapwrite OUTPUT [INPUT]\n");
        return 2;
    }

    const char *out_name = argv[1];
    const char *in_name = argc == 3 ? argv[2] : NULL; /* NULL: stdin */

    /* TODO 1: get the input bytes: open INPUT read-only (or use
     *         STDIN_FILENO when in_name is NULL), call read_all(), close
     *         INPUT. Report failures with report() and exit 1.
     *         (Delete the three (void) lines below once you use them.) */
    (void)in_name;
    (void)read_all;
    (void)report;

    /* TODO 2: this open() is only a placeholder: it empties OUTPUT so that
     *         an old file can never pass for your result. Open OUTPUT so that
     *         it can be mapped shared and writable (which access mode does
     *         that need?), creating it with mode 0644, and report errors. */
    int fd = open(out_name, O_RDWR | O_CREAT | O_TRUNC, 0644);

    /* TODO 3: give OUTPUT its final size, exactly the input size, BEFORE
     *         mapping it. (naive_write.c skips this; run it to see why.) */

    /* TODO 4: if the input is not empty: map OUTPUT with
     *         mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
     *         check for MAP_FAILED, and memcpy the input into the mapping.
     *         Never write() to OUTPUT. An empty input leaves OUTPUT empty
     *         and needs no mapping (a length of 0 is EINVAL). */

    /* TODO 5: msync(base, n, MS_SYNC) over the whole mapping, then munmap,
     *         close and free. Check every call; any failure means exit 1. */

    if (fd >= 0)
        close(fd);
    return 0;
}
