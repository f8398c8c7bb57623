/*
 * mapwc - count lines, words and bytes of files through a read-only mapping.
 *
 * Lab 01-mapped-wc. Read README.md first; the lesson is
 * lessons/en/04-reading.md.
 *
 *   mapwc FILE...
 *
 * For each file print "LINES WORDS BYTES NAME"; with two or more files finish
 * with "LINES WORDS BYTES total". Errors go to stderr as
 * "mapwc: NAME: <strerror text>", the file is skipped, and the exit status
 * becomes 1.
 *
 * What is already done: argument checking, the loop over the files, printing,
 * the total line and the exit status. What is yours: count_file() below,
 * which for now claims every file is empty. Look for TODO.
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
#include <unistd.h>

struct counts {
    uint64_t lines; /* number of '\n' bytes */
    uint64_t words; /* maximal runs of non-whitespace bytes */
    uint64_t bytes; /* the file size */
};

/* Whitespace in the C locale: ' ', '\t', '\n', '\v', '\f', '\r'.
 * Use this rather than isspace(), whose answer depends on the locale. */
static inline int is_c_space(unsigned char ch)
{
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* Count the file called NAME into *c.
 * Return 0 on success. On any failure print "mapwc: NAME: <strerror text>"
 * on stderr, release what you acquired, and return -1. */
static int count_file(const char *name, struct counts *c)
{
    (void)name;

    c->lines = 0;
    c->words = 0;
    c->bytes = 0;

    /* TODO 1: open NAME read-only. */

    /* TODO 2: fstat the descriptor. Only a regular file can be counted:
     *         a directory is the error EISDIR ("Is a directory"). */

    /* TODO 3: the file size is st_size. A 0-byte file is "0 0 0": do not
     *         call mmap for it (a length of 0 is EINVAL). Keep sizes in
     *         64-bit types, files can be larger than 4 GiB. */

    /* TODO 4: map the whole file with ONE call:
     *         mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)
     *         and check for MAP_FAILED (not NULL!). */

    /* TODO 5: walk the mapping as an array of unsigned char and count
     *         lines and words (is_c_space() helps). Never read() the file. */

    /* TODO 6: munmap, then close. Check both for errors. */

    return 0;
}

static void print_counts(const struct counts *c, const char *name)
{
    printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n",
           c->lines, c->words, c->bytes, name);
    /* Keep results and error messages in order when both go to one pipe. */
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mapwc FILE...\n");
        return 2;
    }

    struct counts total = {0, 0, 0};
    int status = 0;

    for (int i = 1; i < argc; i++) {
        struct counts c;

        if (count_file(argv[i], &c) != 0) {
            status = 1; /* skip this file, remember the failure */
            continue;
        }
        print_counts(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }

    if (argc > 2)
        print_counts(&total, "total");

    return status;
}
