/* UTF-8 decoding and terminal display widths. */
#ifndef MMAPLAB_TEXTWIDTH_H
#define MMAPLAB_TEXTWIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point from s (len > 0 bytes). Invalid bytes decode as
 * U+FFFD one byte at a time. Returns the bytes used. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Columns a code point takes: 0 for combining marks, 2 for wide (CJK)
 * characters, 1 otherwise (control characters count 1: they are shown as
 * a replacement, never sent raw). */
int cp_width(uint32_t cp);

int text_width_n(const char *s, size_t len);

#endif
