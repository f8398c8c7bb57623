/*
 * naive_buffer.c - a deliberately WRONG buffer.c. Do not copy it.
 *
 * Linked with the same driver as ./naive_growbuf. It calls mremap with
 * MREMAP_MAYMOVE, as it should, and then throws the result away: it
 * assumes the buffer grew in place and keeps using the old base. Whenever
 * the kernel had to move the mapping, the old range is unmapped, and the
 * next memcpy into it dies:
 *
 *   $ head -c 100000 /dev/urandom | ./naive_growbuf --crowd
 *   Segmentation fault         <- printed by the shell: SIGSEGV, SEGV_MAPERR
 *   $ echo $?
 *   139                        <- 128 + 11
 *
 * --crowd makes every growth a move. Without it the bug is a lottery: the
 * buffer grows in place whenever the addresses after it happen to be free,
 * which is how code like this survives careless testing.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buffer.h"

int buf_init(struct buf *b)
{
    long page = sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    b->base = p;
    b->len = 0;
    b->cap = (size_t)page;
    return 0;
}

int buf_append(struct buf *b, const void *data, size_t n)
{
    if (n > b->cap - b->len) {
        size_t ncap = b->cap;
        while (ncap < b->len + n)
            ncap *= 2;
        if (mremap(b->base, b->cap, ncap, MREMAP_MAYMOVE) == MAP_FAILED)
            return -1;
        b->cap = ncap; /* BUG: b->base still holds the old address */
    }
    memcpy(b->base + b->len, data, n); /* SIGSEGV after a move */
    b->len += n;
    return 0;
}

int buf_append_zeros(struct buf *b, size_t n)
{
    if (n > b->cap - b->len) {
        size_t ncap = b->cap;
        while (ncap < b->len + n)
            ncap *= 2;
        if (mremap(b->base, b->cap, ncap, MREMAP_MAYMOVE) == MAP_FAILED)
            return -1;
        b->cap = ncap; /* the same BUG */
    }
    b->len += n;
    return 0;
}

int buf_shrink(struct buf *b, size_t keep)
{
    b->len = keep;
    return 0;
}

int buf_free(struct buf *b)
{
    int r = munmap(b->base, b->cap);
    b->base = NULL;
    return r;
}
