/*
 * naive_write - a deliberately WRONG version of mapwrite. Do not copy it.
 *
 *   naive_write OUTPUT [INPUT]
 *
 * Same interface as mapwrite, and it looks reasonable: open the output,
 * map as many bytes as the input holds, memcpy into the mapping. But it
 * never gives the file a size. It opens OUTPUT with O_TRUNC, so the file is
 * 0 bytes long, and mmap() does not mind: a mapping may reach past
 * end-of-file. The bill comes on the first store. Every page of the mapping
 * lies wholly beyond EOF, and touching such a page (read or write) raises
 * SIGBUS. So, whenever the input is not empty:
 *
 *   $ ./naive_write out.txt README.md
 *   Bus error                  <- printed by the shell, not the program
 *   $ echo $?
 *   135                        <- 128 + 7, SIGBUS on x86-64 Linux
 *
 * and out.txt is left at 0 bytes. The fix, which your mapwrite.c must have,
 * is one call between open() and mmap():  ftruncate(fd, n).
 *
 * With an empty input it does nothing and exits 0 (there is no store to
 * fault on). The program does not catch SIGBUS: dying is the demonstration.
 * (A program built with -fsanitize=address reports the signal itself and
 * exits 1 unless ASAN_OPTIONS=handle_sigbus=0.)
 */
#define _DEFAULT_SOURCE /* POSIX + BSD declarations under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* Read everything from fd into a malloc'd buffer (this part is fine). */
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
        fprintf(stderr, "usage: naive_write OUTPUT [INPUT]\n");
        return 2;
    }

    int in_fd = STDIN_FILENO;
    if (argc == 3) {
        in_fd = open(argv[2], O_RDONLY);
        if (in_fd < 0) {
            fprintf(stderr, "naive_write: open %s: %s\n", argv[2],
                    strerror(errno));
            return 1;
        }
    }
    size_t n = 0;
    unsigned char *data = read_all(in_fd, &n);
    if (data == NULL) {
        fprintf(stderr, "naive_write: read: %s\n", strerror(errno));
        return 1;
    }
    if (argc == 3)
        close(in_fd);

    /* O_TRUNC: the file is now 0 bytes long ... */
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "naive_write: open %s: %s\n", argv[1],
                strerror(errno));
        free(data);
        return 1;
    }

    if (n > 0) {
        /* BUG: no ftruncate(fd, n) here. */

        /* ... and mmap succeeds anyway: it does not compare the length with
         * the file size. */
        unsigned char *base =
            mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED) {
            fprintf(stderr, "naive_write: mmap: %s\n", strerror(errno));
            close(fd);
            free(data);
            return 1;
        }

        /* The first byte stored here lands in a page that is wholly past
         * end-of-file: SIGBUS, and the process dies inside memcpy. */
        memcpy(base, data, n);

        /* Never reached when n > 0. */
        msync(base, n, MS_SYNC);
        munmap(base, n);
    }

    close(fd);
    free(data);
    return 0;
}
