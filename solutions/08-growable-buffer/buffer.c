/*
 * buffer.c - a growable byte buffer in one anonymous mapping, grown and
 * shrunk with mremap().
 *
 * Reference solution for lab 08-growable-buffer (lesson 11-mremap).
 *
 * The idea in one picture:
 *
 *   mmap one page         [##......]                      cap = page
 *   appends fill it       [########]
 *   mremap(MAYMOVE), x2   [########........]              cap = 2 pages
 *                           ^ perhaps at a new address: the page-table
 *                             entries moved, the bytes did not
 *
 * The alternative, mmap a bigger region + memcpy + munmap the old one,
 * copies every byte at every growth, takes a page fault for every page of
 * the new region and needs old + new memory at the same time. mremap copies
 * nothing; growing 4 KiB -> 1 GiB is 18 calls that each rewrite page-table
 * entries.
 *
 * The rule that makes a move harmless: nothing keeps the old address. The
 * buffer is base + offsets (len, cap); base changes in exactly one place,
 * right after mremap returns; the caller re-reads b->base after each call.
 */
#define _GNU_SOURCE /* mremap and MREMAP_MAYMOVE are Linux-only */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buffer.h"

/* Ask, never assume: 4 KiB on x86-64, 16 or 64 KiB on some arm64 and ppc64
 * systems. Returns 0 (errno set) if the system cannot tell. */
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
    size_t page = page_size();
    if (page == 0)
        return -1;

    /* Private + anonymous: memory of this process only, zero-filled, and
     * free until a page is first touched. */
    void *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1; /* errno from mmap; *b untouched */

    b->base = p;
    b->len = 0;
    b->cap = page;
    return 0;
}

/* Make room for n more bytes. Shared by both appends, so growth happens in
 * one place. Returns 0, or -1 with errno set and *b unchanged. */
static int reserve(struct buf *b, size_t n)
{
    /* "len + n <= cap", written so that no sum can overflow. */
    if (n <= b->cap - b->len)
        return 0;
    if (n > SIZE_MAX - b->len) {
        errno = ENOMEM; /* more than the address space could ever hold */
        return -1;
    }
    size_t need = b->len + n;

    /* Double until it fits. The number of mremap calls is then logarithmic
     * in the final size, and since cap starts as one page it stays a whole
     * number of pages. One call even when several doublings are needed. */
    size_t ncap = b->cap;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) {
            errno = ENOMEM;
            return -1;
        }
        ncap *= 2;
    }

    /* MREMAP_MAYMOVE: grow in place if the addresses after the buffer are
     * free, otherwise let the kernel move it. Without the flag a taken
     * neighbour means ENOMEM. A move rewrites page-table entries; the bytes
     * stay in the same physical pages, and pages never touched have no
     * entries at all, so they cost nothing to move. */
    void *p = mremap(b->base, b->cap, ncap, MREMAP_MAYMOVE);
    if (p == MAP_FAILED)
        return -1; /* ENOMEM, e.g. past RLIMIT_AS: the old mapping is
                      still there, untouched, and so is *b */

    /* The only place the address changes. After a move the old range is
     * unmapped; a pointer kept into it would fault, or worse, later point
     * into whatever gets mapped there next. */
    b->base = p;
    b->cap = ncap;
    return 0;
}

int buf_append(struct buf *b, const void *data, size_t n)
{
    if (n == 0)
        return 0;
    if (reserve(b, n) != 0)
        return -1;
    /* Write at an offset from the current base: offsets survive a move. */
    memcpy(b->base + b->len, data, n);
    b->len += n;
    return 0;
}

int buf_append_zeros(struct buf *b, size_t n)
{
    if (n == 0)
        return 0;
    if (reserve(b, n) != 0)
        return -1;
    /* No memset: [len, cap) is zero already (the invariant in buffer.h),
     * and the pages mremap just added are fresh anonymous pages, which the
     * kernel zero-fills when they are first touched. Writing zeros here
     * would only fault in memory that nobody needs yet. */
    b->len += n;
    return 0;
}

int buf_shrink(struct buf *b, size_t keep)
{
    if (keep > b->len) {
        errno = EINVAL;
        return -1;
    }
    size_t page = page_size();
    if (page == 0)
        return -1;

    /* Whole pages, and never less than one: mremap rejects new_size 0. */
    size_t ncap = keep == 0 ? page : (keep - 1) / page * page + page;

    if (ncap < b->cap) {
        /* Shrinking always happens in place: the kernel unmaps the tail and
         * returns the same address, and that memory goes back to the system
         * at once. Flags 0: we never need a move for this. */
        void *p = mremap(b->base, b->cap, ncap, 0);
        if (p == MAP_FAILED)
            return -1;
        b->base = p; /* == the old base */
        b->cap = ncap;
    }

    /* Keep the invariant: the dropped bytes that stay mapped (the rest of
     * the last kept page) must read as zero if the buffer grows again. */
    size_t end = b->len < b->cap ? b->len : b->cap;
    memset(b->base + keep, 0, end - keep);
    b->len = keep;
    return 0;
}

int buf_free(struct buf *b)
{
    if (b->base == NULL)
        return 0;
    /* The mapping's current address and length, after every mremap. */
    if (munmap(b->base, b->cap) != 0)
        return -1;
    b->base = NULL;
    b->len = 0;
    b->cap = 0;
    return 0;
}
