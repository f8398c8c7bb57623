/*
 * window - print the bytes [OFFSET, OFFSET+LENGTH) of FILE by mapping only
 * the pages that hold them.
 *
 * Lab 03-page-window. Read README.md first; the lesson is
 * lessons/en/06-alignment.md. Run ./naive_window with an odd OFFSET once to
 * see the mistake this lab is about.
 *
 *   window FILE OFFSET LENGTH
 *
 * What is already done: the argument count, parsing and validating OFFSET
 * and LENGTH (exit 2 on bad input), and write_all() for binary-safe output.
 * What is yours: everything marked TODO in main(). For now the program prints
 * nothing and exits 0.
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

/* Parse a non-negative decimal number that fits in 64 bits: digits only,
 * no sign, no spaces, nothing after the last digit. 0 on success, -1 if the
 * text is not such a number. */
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
            return -1; /* would overflow */
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Write all n bytes to fd, retrying after partial writes and EINTR.
 * Returns 0, or -1 with errno set. */
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

    /* Delete these once you use them. */
    (void)name;
    (void)write_all;

    /* TODO 1: open FILE read-only and fstat it (a directory is EISDIR).
     *         On failure: "window: FILE: <strerror>" on stderr, exit 1. */

    /* TODO 2: if OFFSET + LENGTH is past the file size, print
     *         "window: range OFFSET+LENGTH is past end of file (size SIZE)"
     *         on stderr and exit 1. Compare without computing OFFSET+LENGTH:
     *         that sum can overflow. */

    /* TODO 3: LENGTH 0: nothing to print, exit 0 without mapping. */

    /* TODO 4: get the page size from sysconf(_SC_PAGESIZE) (never 4096
     *         written in the code). Round OFFSET down to a multiple of it
     *         (aligned) and let delta = OFFSET - aligned. */

    /* TODO 5: map only the window:
     *         mmap(NULL, delta + LENGTH, PROT_READ, MAP_PRIVATE, fd, aligned)
     *         The bytes you want begin at base + delta. Print them with
     *         write_all() (they may contain '\0'), then munmap and close.
     *         Check every call. */

    return 0;
}
