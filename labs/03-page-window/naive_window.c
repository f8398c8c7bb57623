/*
 * naive_window - a deliberately WRONG version of window. Do not copy it.
 *
 *   naive_window FILE OFFSET LENGTH
 *
 * Same interface and same checks as window, and it looks like the obvious
 * program: map LENGTH bytes starting at OFFSET, print them. The mistake is
 * handing the raw OFFSET to mmap(). mmap's offset must be a multiple of the
 * page size (sysconf(_SC_PAGESIZE)); any other value makes mmap fail with
 * EINVAL before anything is mapped. So, with 4 KiB pages and a file of
 * at least 8 KiB:
 *
 *   $ ./naive_window data.bin 4096 10      <- aligned: happens to work
 *   $ ./naive_window data.bin 100 10       <- not aligned
 *   naive_window: mmap: Invalid argument
 *   $ echo $?
 *   1
 *
 * It fails for almost every offset, yet passes a test that only ever uses
 * offset 0 - which is why the tests use unaligned offsets. There is no crash
 * here: mmap reports the error and the program reports it in turn. The fix
 * (your window.c): map from the page boundary at or below OFFSET and start
 * printing (OFFSET - that boundary) bytes into the mapping.
 */
#define _DEFAULT_SOURCE /* POSIX + BSD declarations under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Digits only, must fit in 64 bits (this part is fine). */
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

static int write_all(int fd, const unsigned char *p, size_t n)
{
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

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: naive_window FILE OFFSET LENGTH\n");
        return 2;
    }

    uint64_t offset;
    uint64_t length;
    if (parse_u64(argv[2], &offset) != 0) {
        fprintf(stderr, "naive_window: invalid OFFSET '%s'\n", argv[2]);
        return 2;
    }
    if (parse_u64(argv[3], &length) != 0) {
        fprintf(stderr, "naive_window: invalid LENGTH '%s'\n", argv[3]);
        return 2;
    }

    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "naive_window: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "naive_window: %s: %s\n", argv[1], strerror(errno));
        close(fd);
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "naive_window: %s: %s\n", argv[1],
                strerror(S_ISDIR(st.st_mode) ? EISDIR : EINVAL));
        close(fd);
        return 1;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (offset > size || length > size - offset) {
        fprintf(stderr,
                "naive_window: range %" PRIu64 "+%" PRIu64
                " is past end of file (size %" PRIu64 ")\n",
                offset, length, size);
        close(fd);
        return 1;
    }
    if (length == 0) {
        close(fd);
        return 0;
    }

    /* BUG: OFFSET goes to mmap as it is. Unless it is a multiple of the page
     * size, mmap fails with EINVAL. */
    unsigned char *base =
        mmap(NULL, (size_t)length, PROT_READ, MAP_PRIVATE, fd, (off_t)offset);
    if (base == MAP_FAILED) {
        perror("naive_window: mmap");
        close(fd);
        return 1;
    }

    int status = 0;
    if (write_all(STDOUT_FILENO, base, (size_t)length) != 0) {
        perror("naive_window: write");
        status = 1;
    }
    munmap(base, (size_t)length);
    close(fd);
    return status;
}
