/*
 * sidx.h - the on-disk format of a sorted index (lab 11-sorted-index).
 *
 * Provided: do not edit. The grader builds your sidx.c against its own copy
 * of this file, and the tests write and read indexes in exactly this layout.
 *
 * An index file is one header followed by COUNT records, nothing else:
 *
 *   byte 0                 64              64 + 40        64 + 40 * COUNT
 *   | struct sidx_header   | record 0      | record 1 ... | (end of file)
 *
 * All integers are in the host's byte order (little-endian on x86-64 and
 * arm64). The records are sorted by key, bytewise (memcmp over the whole
 * 32-byte field, which is what `LC_ALL=C sort` does with the keys), and no
 * key appears twice. Every record starts at a multiple of 8 bytes from the
 * start of the file, so a mapping (which starts on a page boundary) can be
 * read as an array of struct sidx_record with correct alignment.
 */
#ifndef SIDX_H
#define SIDX_H

#include <stddef.h>
#include <stdint.h>

#define SIDX_MAGIC "SORTIDX"  /* 7 letters and the '\0': 8 bytes */
#define SIDX_VERSION 1u
#define SIDX_KEY_MAX 31       /* longest key, in bytes */

struct sidx_header {
    char magic[8];          /* SIDX_MAGIC, including its '\0' */
    uint32_t version;       /* SIDX_VERSION */
    uint32_t record_size;   /* sizeof(struct sidx_record), 40 */
    uint64_t count;         /* number of records after the header */
    uint64_t check;         /* sidx_header_check() of the bytes above */
    uint8_t reserved[32];   /* written as zero, ignored by readers */
};

struct sidx_record {
    char key[SIDX_KEY_MAX + 1]; /* the key's bytes, then '\0' up to the end */
    int64_t value;
};

_Static_assert(sizeof(struct sidx_header) == 64, "the header is 64 bytes");
_Static_assert(sizeof(struct sidx_record) == 40, "a record is 40 bytes");
_Static_assert(offsetof(struct sidx_header, check) == 24, "check follows count");

/* FNV-1a, 64-bit, over the first 24 bytes of the header (magic, version,
 * record_size, count). It guards the header only: the fields a reader must
 * trust before it can touch a single record. Checking every record would
 * mean reading every page, which is what a random-access index avoids. */
static inline uint64_t sidx_header_check(const struct sidx_header *h)
{
    const unsigned char *p = (const unsigned char *)h;
    uint64_t x = 14695981039346656037u; /* FNV offset basis */

    for (size_t i = 0; i < offsetof(struct sidx_header, check); i++) {
        x ^= p[i];
        x *= 1099511628211u; /* FNV prime */
    }
    return x;
}

#endif
