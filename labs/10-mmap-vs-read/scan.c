/*
 * scan.c - two queries over a file of 64-byte records, each written twice:
 * with read()/pread() and through a read-only mapping.
 *
 * Lab 10-mmap-vs-read. Read README.md first; the lesson is
 * lessons/en/13-performance.md. The contract of each function is in
 * scan.h; the provided driver bench.c times them.
 *
 * What is already done: the includes, and load_le64() in scan.h, which
 * reads a little-endian 64-bit word at any address.
 * What is yours: the four functions, marked TODO. As shipped, each fails
 * with ENOSYS, so ./bench prints
 *   bench: scan read: Function not implemented
 * and exits 1.
 */
#define _DEFAULT_SOURCE /* MAP_* and madvise under -std=c11 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "scan.h"

int scan_read(int fd, uint64_t size, uint64_t *sum)
{
    /* TODO 1: read() the file from the start into a malloc'd buffer (try
     *         1 MiB; later compare 4 KiB) until size bytes have come in,
     *         adding up every 8-byte word with load_le64(). read() may
     *         return fewer bytes than asked, and not always a multiple of
     *         8: carry the bytes of a split word over to the next read.
     *         Retry on EINTR; a return of 0 before size bytes is an error
     *         (errno = EIO). Free the buffer on every path. */
    (void)fd;
    (void)size;
    (void)sum;
    errno = ENOSYS;
    return -1;
}

int scan_mmap(int fd, uint64_t size, uint64_t *sum)
{
    /* TODO 2: mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) the whole
     *         file, add up every 8-byte word of the mapping with
     *         load_le64(), munmap. No read() of the file at all. */
    (void)fd;
    (void)size;
    (void)sum;
    errno = ENOSYS;
    return -1;
}

int lookup_pread(int fd, uint64_t size, const uint64_t *idx, size_t n, uint64_t *sum)
{
    /* TODO 3: for each k, pread() the 8 bytes at offset
     *         idx[k] * RECORD_SIZE + RECORD_VALUE_OFFSET and add
     *         load_le64() of them. One pread per lookup: that system call
     *         is what this variant measures. A short count means the file
     *         shrank: fail with EIO. */
    (void)fd;
    (void)size;
    (void)idx;
    (void)n;
    (void)sum;
    errno = ENOSYS;
    return -1;
}

int lookup_mmap(int fd, uint64_t size, const uint64_t *idx, size_t n, uint64_t *sum)
{
    /* TODO 4: map the whole file once (as in scan_mmap), then add up
     *         load_le64(base + idx[k] * RECORD_SIZE + RECORD_VALUE_OFFSET)
     *         for every k; munmap. */
    (void)fd;
    (void)size;
    (void)idx;
    (void)n;
    (void)sum;
    errno = ENOSYS;
    return -1;
}
