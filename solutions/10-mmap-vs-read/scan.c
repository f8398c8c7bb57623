/*
 * scan.c - two queries over a file of 64-byte records, each written twice:
 * with read()/pread() and through a read-only mapping.
 *
 * Reference solution for lab 10-mmap-vs-read (lesson 13-performance).
 *
 * What the two styles cost, which is what bench measures:
 *
 *   read()/pread()  one system call per buffer (or per lookup), and the
 *                   kernel copies the bytes from the page cache into our
 *                   buffer. Big buffers make the call cost vanish; the copy
 *                   stays.
 *   mmap            no call per access and no copy: the page-cache pages
 *                   themselves appear in our address space. The price is
 *                   paid in page faults, the first time each page is
 *                   touched (fault-around maps up to 16 cached pages per
 *                   fault), plus mmap/munmap and the TLB.
 *
 * Which bill is bigger depends on the machine. Where the lesson measured,
 * a cached scan ran at 10.6 GB/s mapped against 6.1 GB/s with read(), and
 * a random lookup cost 18-32 ns through a mapping against 575-1113 ns with
 * pread (a system call for 8 bytes). On a machine where faults are dear,
 * such as a busy virtual machine, read() can win both. Hence bench.
 */
#define _DEFAULT_SOURCE /* MAP_* and madvise under -std=c11 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "scan.h"

/* 1 MiB: big enough that the cost of each read() call is spread over many
 * bytes (4 KiB buffers were measurably slower), small enough to stay in the
 * CPU caches while we sum it. A multiple of 8, so no word is ever split
 * between two buffers when read() returns full buffers. */
#define READ_BUF ((size_t)1 << 20)

int scan_read(int fd, uint64_t size, uint64_t *sum)
{
    unsigned char *buf = malloc(READ_BUF);
    if (buf == NULL)
        return -1;

    uint64_t total = 0, done = 0;
    size_t have = 0; /* bytes in buf not yet summed: read() may return a
                        count that is not a multiple of 8 */
    while (done < size) {
        ssize_t got = read(fd, buf + have, READ_BUF - have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (got == 0) { /* the file is shorter than it was: say so */
            free(buf);
            errno = EIO;
            return -1;
        }
        have += (size_t)got;
        done += (uint64_t)got;
        size_t whole = have - have % 8;
        for (size_t off = 0; off < whole; off += 8)
            total += load_le64(buf + off);
        /* Carry a split word over to the next read. */
        for (size_t i = whole; i < have; i++)
            buf[i - whole] = buf[i];
        have -= whole;
    }
    free(buf);
    *sum = total;
    return 0;
}

int scan_mmap(int fd, uint64_t size, uint64_t *sum)
{
    if (size > SIZE_MAX) { /* a 32-bit address space cannot hold it */
        errno = EFBIG;
        return -1;
    }
    /* PROT_READ + MAP_PRIVATE: we only look. The mapping shares the page
     * cache pages, so no byte is copied. size > 0: the driver checked. */
    const unsigned char *p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return -1;

    /* Try it: madvise((void *)p, size, MADV_SEQUENTIAL) asks for aggressive
     * readahead. On a warm cache it changes nothing; from a cold cache
     * (bench --cold) compare. It is advice, so failure would not matter. */

    uint64_t total = 0;
    for (uint64_t off = 0; off < size; off += 8)
        total += load_le64(p + off);

    if (munmap((void *)p, (size_t)size) != 0)
        return -1;
    *sum = total;
    return 0;
}

int lookup_pread(int fd, uint64_t size, const uint64_t *idx, size_t n, uint64_t *sum)
{
    (void)size;
    uint64_t total = 0;
    for (size_t k = 0; k < n; k++) {
        /* One system call for 8 bytes: this is the cost being measured.
         * pread takes the offset itself, so no lseek and no shared file
         * position. */
        unsigned char word[8];
        off_t off = (off_t)(idx[k] * RECORD_SIZE + RECORD_VALUE_OFFSET);
        size_t got = 0;
        while (got < sizeof word) {
            ssize_t r = pread(fd, word + got, sizeof word - got, off + (off_t)got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                if (r == 0)
                    errno = EIO; /* past the end: the file shrank */
                return -1;
            }
            got += (size_t)r;
        }
        total += load_le64(word);
    }
    *sum = total;
    return 0;
}

int lookup_mmap(int fd, uint64_t size, const uint64_t *idx, size_t n, uint64_t *sum)
{
    if (size > SIZE_MAX) {
        errno = EFBIG;
        return -1;
    }
    const unsigned char *p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return -1;

    /* Try it: MADV_RANDOM turns readahead off for faults in this range.
     * From a cold cache each fault then reads just what it needs instead of
     * a window around it; with a warm cache there is nothing to read. */

    uint64_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += load_le64(p + idx[k] * RECORD_SIZE + RECORD_VALUE_OFFSET);

    if (munmap((void *)p, (size_t)size) != 0)
        return -1;
    *sum = total;
    return 0;
}
