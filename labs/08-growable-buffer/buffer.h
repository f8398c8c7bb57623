/*
 * buffer.h - a growable byte buffer that lives in one anonymous mapping.
 *
 * Lab 08-growable-buffer. You implement these functions in buffer.c; the
 * provided driver growbuf.c calls them. README.md has the full contract.
 *
 * Every function returns 0 on success, or -1 with errno set. A function
 * that fails leaves *b exactly as it was: same base, same len, same cap and
 * the same bytes. That is what lets a caller report "out of memory" and
 * carry on with the data it already has.
 *
 * Invariant: every byte in [base + len, base + cap) is zero. It holds for
 * free, because the kernel hands out anonymous pages zero-filled (those of
 * mmap and those that mremap adds), buf_append writes only below the new
 * len, and buf_shrink clears the bytes it drops that stay mapped.
 */
#ifndef BUFFER_H
#define BUFFER_H

#include <stddef.h>

struct buf {
    unsigned char *base; /* start of the mapping; NULL when there is none */
    size_t len;          /* bytes in use: [base, base + len) */
    size_t cap;          /* bytes mapped: always a whole number of pages */
};

/* Map the first page: cap = one page, len = 0. */
int buf_init(struct buf *b);

/* Append n bytes copied from data (which must not point into the buffer).
 * When they do not fit, the capacity doubles, as many times as needed, with
 * one mremap(MREMAP_MAYMOVE): cap is always page * 2^k until a shrink.
 * base may change: callers must re-read it after every call. n == 0 does
 * nothing. */
int buf_append(struct buf *b, const void *data, size_t n);

/* Append n zero bytes, growing exactly like buf_append, WITHOUT writing
 * them: thanks to the invariant they are zero already. Untouched pages cost
 * no memory, so a 1 GiB buffer of mostly zeros stays cheap. */
int buf_append_zeros(struct buf *b, size_t n);

/* Keep only the first keep bytes (keep <= len, else EINVAL) and give the
 * memory past them back: cap becomes keep rounded up to a whole number of
 * pages, but at least one page. Shrinking never moves the buffer. */
int buf_shrink(struct buf *b, size_t keep);

/* Unmap the buffer; afterwards base == NULL, len == cap == 0. */
int buf_free(struct buf *b);

#endif
