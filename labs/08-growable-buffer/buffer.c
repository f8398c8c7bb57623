/*
 * buffer.c - a growable byte buffer in one anonymous mapping, grown and
 * shrunk with mremap().
 *
 * Lab 08-growable-buffer. Read README.md first; the lesson is
 * lessons/en/11-mremap.md. The contract of each function is in buffer.h;
 * the provided driver growbuf.c calls them.
 *
 * What is already done: the includes and page_size().
 * What is yours: everything marked TODO. As shipped, buf_init fails with
 * ENOSYS, so ./growbuf prints
 *   growbuf: buf_init: Function not implemented
 * and exits 1.
 */
#define _GNU_SOURCE /* mremap and MREMAP_MAYMOVE are Linux-only */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buffer.h"

/* The page size, from sysconf (never 4096 written in the code).
 * Returns 0 with errno set if the system cannot tell. */
static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    if (p <= 0) {
        errno = EINVAL;
        return 0;
    }
    return (size_t)p;
}

int buf_init(struct buf *b)
{
    /* TODO 1: map one page of private, anonymous, readable and writable
     *         memory: mmap(NULL, page, PROT_READ | PROT_WRITE,
     *         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).
     *         On MAP_FAILED return -1 (mmap has set errno) and leave *b
     *         alone; otherwise base = the mapping, len = 0, cap = page. */
    (void)b;
    (void)page_size;
    errno = ENOSYS;
    return -1;
}

/* Make room for n more bytes; used by both appends. 0, or -1 with errno set
 * and *b unchanged. */
static int reserve(struct buf *b, size_t n)
{
    /* TODO 2: nothing to do if n <= cap - len (written that way, no sum
     *         can overflow). Otherwise the new capacity is cap doubled as
     *         many times as needed to hold len + n; fail with ENOMEM if
     *         len + n or a doubling would overflow a size_t.
     *
     * TODO 3: grow with ONE mremap(base, cap, new_cap, MREMAP_MAYMOVE).
     *         On MAP_FAILED return -1 and leave *b unchanged: the old
     *         mapping is still valid. Otherwise the buffer may have MOVED:
     *         store the address mremap returned in b->base, and new_cap in
     *         b->cap. Never mmap a second region and copy into it. */
    (void)b;
    (void)n;
    errno = ENOSYS;
    return -1;
}

int buf_append(struct buf *b, const void *data, size_t n)
{
    /* TODO 4: n == 0 does nothing. reserve(b, n), then copy the bytes to
     *         b->base + b->len (an offset from the CURRENT base) and add n
     *         to len. */
    (void)data;
    return reserve(b, n);
}

int buf_append_zeros(struct buf *b, size_t n)
{
    /* TODO 5: like buf_append, but do not write anything: the bytes past
     *         len are zero already (see the invariant in buffer.h). Just
     *         reserve and add n to len. */
    return reserve(b, n);
}

int buf_shrink(struct buf *b, size_t keep)
{
    /* TODO 6: keep > len is EINVAL. The new capacity is keep rounded up to
     *         a whole number of pages, at least one page. If that is less
     *         than cap: mremap(base, cap, new_cap, 0) (shrinking never
     *         moves). Then zero the dropped bytes that stay mapped, from
     *         keep up to min(len, new cap), to keep the invariant, and set
     *         len = keep. */
    (void)b;
    (void)keep;
    errno = ENOSYS;
    return -1;
}

int buf_free(struct buf *b)
{
    /* TODO 7: munmap(base, cap), with the buffer's current address and
     *         capacity; then base = NULL, len = cap = 0. */
    (void)b;
    return 0;
}
