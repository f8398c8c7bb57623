/*
 * scan.h - the two queries of lab 10, each to be written twice: once with
 * read()/pread() and once through a mapping. The provided driver bench.c
 * times them; you implement them in scan.c.
 *
 * The file is an array of 64-byte records (RECORD_SIZE); its size is a
 * non-zero multiple of 64, checked by the driver. All numbers in it are
 * 64-bit little-endian words; sums wrap around modulo 2^64 (plain uint64_t
 * addition).
 *
 * Every function gets a descriptor open read-only at offset 0, and the
 * file's size in bytes. It stores the answer in *sum and returns 0, or
 * returns -1 with errno set. It must not close fd, and must release
 * whatever it allocated or mapped before returning.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RECORD_SIZE 64        /* bytes per record */
#define RECORD_VALUE_OFFSET 8 /* where a record's value field starts */

/* Query 1, the scan: the sum of every 64-bit word of the file, that is of
 * the words at offsets 0, 8, 16, ... size - 8. */
int scan_read(int fd, uint64_t size, uint64_t *sum); /* with read() */
int scan_mmap(int fd, uint64_t size, uint64_t *sum); /* through mmap */

/* Query 2, the lookups: the sum of the value fields of records idx[0],
 * idx[1], ... idx[n-1]. Record i's value is the word at byte offset
 * i * RECORD_SIZE + RECORD_VALUE_OFFSET. Every idx[k] is smaller than
 * size / RECORD_SIZE. */
int lookup_pread(int fd, uint64_t size, const uint64_t *idx, size_t n, uint64_t *sum); /* pread */
int lookup_mmap(int fd, uint64_t size, const uint64_t *idx, size_t n, uint64_t *sum);  /* mmap */

/* The little-endian 64-bit word at p, whatever its alignment and whatever
 * the byte order of this machine. memcpy compiles to a single load. */
static inline uint64_t load_le64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
#endif
}

#endif
