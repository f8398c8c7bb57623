/* Display width of UTF-8 text, per code point, with wcwidth() evaluated in
 * a C.UTF-8 locale object so the answer does not depend on the user's
 * locale (a LANG=C user still needs Chinese laid out at two columns). */
#include "textwidth.h"

#include <locale.h>
#include <stdint.h>
#include <wchar.h>

static locale_t utf8_locale(void)
{
    /* Created once and never changed: a constant, not mutable state. */
    static locale_t loc = (locale_t)0;
    static int tried;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) { *cp = 0; return 0; }
    if (u[0] < 0x80) { *cp = u[0]; return 1; }
    size_t n;
    uint32_t c;
    if ((u[0] & 0xE0) == 0xC0) { n = 2; c = u[0] & 0x1F; }
    else if ((u[0] & 0xF0) == 0xE0) { n = 3; c = u[0] & 0x0F; }
    else if ((u[0] & 0xF8) == 0xF0) { n = 4; c = u[0] & 0x07; }
    else { *cp = 0xFFFD; return 1; }
    if (n > len) { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms and surrogates are invalid. */
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return n;
}

int cp_width(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F) return 1; /* shown as a replacement */
    if (cp < 0x7F) return 1;
    locale_t loc = utf8_locale();
    if (loc == (locale_t)0) return 1;
    locale_t old = uselocale(loc);
    int w = wcwidth((wchar_t)cp);
    uselocale(old);
    if (w < 0) return 1;
    return w;
}

int text_width_n(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        w += cp_width(cp);
        i += n;
    }
    return w;
}
