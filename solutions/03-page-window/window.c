/*
 * window - print the bytes [OFFSET, OFFSET+LENGTH) of FILE by mapping only
 * the pages that hold them.
 *
 * Reference solution for lab 03-page-window (lesson 06-alignment).
 *
 *   window FILE OFFSET LENGTH
 *
 * The rule this lab is about: the offset given to mmap() must be a multiple
 * of the page size, but the byte you want rarely is. So map from the page
 * boundary at or below OFFSET, and start reading `delta` bytes into the
 * mapping:
 *
 *            aligned            OFFSET                OFFSET+LENGTH
 *   file ... |..................|#####################|....
 *            |<---- delta ----->|<----- LENGTH ------>|
 *            |<-- mapped length = delta + LENGTH ---->|
 *            ^ mmap offset:     ^ base + delta:
 *              a page boundary    the first byte to print
 *
 * Databases, log viewers and index readers do exactly this to reach a record
 * deep inside a file much larger than they would ever map whole.
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

/* Parse a non-negative decimal number that fits in 64 bits. Accepts only
 * digits: no sign, no spaces, no "0x", nothing after the last digit.
 * strtoull() would be shorter, but it silently accepts leading blanks, a '+'
 * and even a '-' (which it negates into a huge value), so we do it by hand.
 * Returns 0 on success, -1 if the text is not such a number. */
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
            return -1; /* v * 10 + d would not fit */
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Write all n bytes to fd. write() may write fewer bytes than asked (a pipe
 * that is nearly full, a signal), so loop until everything is out. */
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
        fprintf(stderr, "usage: window FILE OFFSET LENGTH\n");
        return 2;
    }

    const char *name = argv[1];
    uint64_t offset;
    uint64_t length;

    if (parse_u64(argv[2], &offset) != 0) {
        fprintf(stderr, "window: invalid OFFSET '%s'\n", argv[2]);
        return 2;
    }
    if (parse_u64(argv[3], &length) != 0) {
        fprintf(stderr, "window: invalid LENGTH '%s'\n", argv[3]);
        return 2;
    }

    /* Ask, never assume: 4 KiB on x86-64, but 16 KiB or 64 KiB on some arm64
     * and ppc64 systems. A program with 4096 written into it would pass
     * unaligned offsets to mmap there. */
    errno = 0;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) {
        fprintf(stderr, "window: sysconf(_SC_PAGESIZE): %s\n",
                strerror(errno != 0 ? errno : EINVAL));
        return 1;
    }

    int status = 1;
    int err = 0;
    unsigned char *base = MAP_FAILED;
    size_t map_len = 0;

    int fd = open(name, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "window: %s: %s\n", name, strerror(errno));
        return 1;
    }

    struct stat st;
    if (fstat(fd, &st) != 0) {
        err = errno;
        goto out;
    }
    /* Only a regular file has a size that tells us where the data ends. */
    if (S_ISDIR(st.st_mode)) {
        err = EISDIR;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        err = EINVAL;
        goto out;
    }
    uint64_t size = (uint64_t)st.st_size;

    /* Check the range against the size before mapping. mmap itself would
     * not complain about a window past end-of-file; touching it would be
     * SIGBUS. Written as two comparisons so OFFSET+LENGTH cannot overflow. */
    if (offset > size || length > size - offset) {
        fprintf(stderr,
                "window: range %" PRIu64 "+%" PRIu64
                " is past end of file (size %" PRIu64 ")\n",
                offset, length, size);
        goto out;
    }

    /* Nothing to print, and mmap would reject a length of 0 (EINVAL). */
    if (length == 0) {
        status = 0;
        goto out;
    }

    /* Round down to a page boundary with % rather than a bit mask: correct
     * for any page size, not only powers of two. */
    uint64_t aligned = offset - offset % (uint64_t)page;
    uint64_t delta = offset - aligned; /* always < page */

    /* On a 32-bit system the window might not fit in the address space. */
    if (length > SIZE_MAX - delta) {
        err = EFBIG;
        goto out;
    }
    map_len = (size_t)(delta + length);

    /* Map only the window: from the page that holds OFFSET to the byte
     * after the last one we print. The kernel rounds the length up to whole
     * pages itself. MAP_PRIVATE + PROT_READ: we only look. The offset fits
     * in off_t because it is no larger than st_size, which is an off_t. */
    base = mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fd, (off_t)aligned);
    if (base == MAP_FAILED) {
        err = errno;
        goto out;
    }

    /* The bytes we want start delta bytes into the mapping. write() copies
     * them straight out of the page cache pages we mapped; they may be any
     * bytes at all, so no printf/puts that would stop at a '\0'. */
    if (write_all(STDOUT_FILENO, base + delta, (size_t)length) != 0) {
        fprintf(stderr, "window: stdout: %s\n", strerror(errno));
        goto out;
    }

    status = 0;

out:
    if (base != MAP_FAILED && munmap(base, map_len) != 0 && err == 0)
        err = errno;
    if (close(fd) != 0 && err == 0)
        err = errno;
    if (err != 0) {
        fprintf(stderr, "window: %s: %s\n", name, strerror(err));
        status = 1;
    }
    return status;
}
