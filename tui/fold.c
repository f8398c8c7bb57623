#include "fold.h"
#include "textwidth.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct { uint32_t cp; const char *ascii; } table[] = {
    { 0x2014, "--" }, { 0x2013, "-" }, { 0x2018, "'" }, { 0x2019, "'" }, { 0x201C, "\"" },
    { 0x201D, "\"" }, { 0x2026, "..." }, { 0x2022, "*" }, { 0x2192, "->" }, { 0x2190, "<-" },
    { 0x2191, "^" }, { 0x2193, "v" }, { 0x21AA, ">" }, { 0x2264, "<=" }, { 0x2265, ">=" },
    { 0x2260, "!=" }, { 0x00D7, "x" }, { 0x00B5, "u" }, { 0x03BC, "u" }, { 0x00A0, " " },
    { 0x2248, "~" }, { 0x00B1, "+/-" }, { 0x2713, "v" }, { 0x2717, "x" }, { 0x25B6, ">" },
    { 0x25BA, ">" }, { 0x2502, "|" }, { 0x2551, "|" }, { 0x2500, "-" }, { 0x2550, "=" },
    { 0x2506, ":" }, { 0x2504, "-" }, { 0x2588, "#" }, { 0x2591, "." }, { 0x2592, ":" },
    { 0x2593, "#" }, { 0x00B7, "." }, { 0x2212, "-" },
};

static const char *lookup(uint32_t cp)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].cp == cp) return table[i].ascii;
    if (cp >= 0x2500 && cp <= 0x257F) return "+"; /* other box corners and joints */
    return NULL;
}

char *ascii_fold(const char *s)
{
    size_t len = strlen(s);
    /* Each input byte yields at most 3 output bytes ("..." from 3 bytes,
     * "?" per column, 2 columns from 3 bytes). */
    char *out = malloc(len * 3 + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else {
            const char *a = lookup(cp);
            if (a) {
                size_t al = strlen(a);
                memcpy(out + o, a, al);
                o += al;
            } else {
                int w = cp_width(cp);
                for (int k = 0; k < w; k++) out[o++] = '?';
            }
        }
        i += n;
    }
    out[o] = 0;
    return out;
}
