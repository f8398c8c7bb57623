#include "wrap.h"
#include "textwidth.h"
#include "util.h"

#include <linebreak.h>
#include <stdlib.h>
#include <string.h>

void wrapped_free(struct wrapped *w)
{
    for (size_t i = 0; i < w->n; i++) {
        for (size_t k = 0; k < w->counts[i]; k++) free(w->lines[i][k].text);
        free(w->lines[i]);
    }
    free(w->lines);
    free(w->counts);
    free(w->widths);
    memset(w, 0, sizeof *w);
}

struct flat {
    char *text;      /* all spans concatenated */
    int *owner;      /* span index of each byte */
    size_t len;
};

static mm_status flatten(const struct span *spans, size_t n, struct flat *f)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += strlen(spans[i].text);
    f->text = malloc(total + 1);
    f->owner = malloc((total + 1) * sizeof *f->owner);
    if (!f->text || !f->owner) return MM_ERR_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        for (const char *s = spans[i].text; *s; s++) {
            /* Tabs and other controls would move the cursor: show a space. */
            char ch = *s;
            if (ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f') ch = ' ';
            f->text[o] = ch;
            f->owner[o] = (int)i;
            o++;
        }
    }
    f->text[o] = 0;
    f->len = o;
    return MM_OK;
}

/* libunibreak (1.1) trusts its input: a cut or malformed UTF-8 sequence
 * makes it read past the end, and U+FFFF, its end-of-text marker, stops it
 * early; either fails an assertion in set_linebreaks. Give it a copy in
 * which every byte that does not decode is '?' and U+FFFF is U+FFFD, byte
 * for byte, so break positions still index the real text. NULL when the
 * text needs no change, or out of memory (*failed set). */
static char *unibreak_safe_copy(const char *s, size_t len, int *failed)
{
    char *copy = NULL;
    *failed = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t m = utf8_decode(s + i, len - i, &cp);
        int bad = cp == 0xFFFD && m == 1;
        if (bad || cp == 0xFFFF) {
            if (!copy) {
                copy = malloc(len);
                if (!copy) { *failed = 1; return NULL; }
                memcpy(copy, s, len);
            }
            if (bad) {
                copy[i] = '?';
            } else { /* EF BF BF -> EF BF BD */
                copy[i + 2] = (char)0xBD;
            }
        }
        i += m;
    }
    return copy;
}

/* Append bytes [a, b) of the flat text to a line, split by owning span. */
static mm_status emit(struct wrapped *w, const struct flat *f, const struct span *spans,
                      size_t a, size_t b, size_t *cap)
{
    while (b > a && f->text[b - 1] == ' ') b--; /* trailing blanks */
    if (w->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        struct span **nl = realloc(w->lines, nc * sizeof *nl); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
        if (!nl) return MM_ERR_NOMEM;
        w->lines = nl;
        size_t *ncn = realloc(w->counts, nc * sizeof *ncn);
        if (!ncn) return MM_ERR_NOMEM;
        w->counts = ncn;
        int *nw = realloc(w->widths, nc * sizeof *nw);
        if (!nw) return MM_ERR_NOMEM;
        w->widths = nw;
        *cap = nc;
    }
    size_t parts = 0;
    for (size_t i = a; i < b; i++)
        if (i == a || f->owner[i] != f->owner[i - 1]) parts++;
    struct span *line = calloc(parts ? parts : 1, sizeof *line);
    if (!line) return MM_ERR_NOMEM;
    w->lines[w->n] = line;
    w->counts[w->n] = 0;
    w->widths[w->n] = text_width_n(f->text + a, b - a);
    w->n++;
    size_t start = a;
    for (size_t i = a; i <= b; i++) {
        if (i == b || (i > start && f->owner[i] != f->owner[start])) {
            if (i > start) {
                const struct span *src = &spans[f->owner[start]];
                char *t = xstrndup(f->text + start, i - start);
                if (!t) return MM_ERR_NOMEM;
                line[w->counts[w->n - 1]++] = (struct span){ t, src->role, src->link };
            }
            start = i;
        }
    }
    return MM_OK;
}

mm_status wrap_spans(const struct span *spans, size_t n, int first, int rest, struct wrapped *out)
{
    memset(out, 0, sizeof *out);
    if (first < 1) first = 1;
    if (rest < 1) rest = 1;
    struct flat f = {0};
    mm_status st = flatten(spans, n, &f);
    char *brks = NULL;
    size_t cap = 0;
    if (st != MM_OK) goto out;
    if (f.len == 0) {
        st = emit(out, &f, spans, 0, 0, &cap);
        goto out;
    }
    /* Most code lines, table cells and short paragraphs fit as they are:
     * no need to ask for break opportunities. */
    if (!memchr(f.text, '\n', f.len) && text_width_n(f.text, f.len) <= first) {
        st = emit(out, &f, spans, 0, f.len, &cap);
        goto out;
    }
    brks = malloc(f.len);
    if (!brks) { st = MM_ERR_NOMEM; goto out; }
    static int ready;
    if (!ready) { init_linebreak(); ready = 1; }
    int failed;
    char *valid = unibreak_safe_copy(f.text, f.len, &failed);
    if (failed) { st = MM_ERR_NOMEM; goto out; }
    set_linebreaks_utf8((const utf8_t *)(valid ? valid : f.text), f.len, NULL, brks);
    free(valid);

    size_t start = 0;          /* first byte of the current line */
    size_t brk = 0;            /* byte after the last allowed break, 0: none */
    int width = 0, limit = first;
    for (size_t i = 0; i < f.len;) {
        uint32_t cp;
        size_t m = utf8_decode(f.text + i, f.len - i, &cp);
        if (cp == '\n') {
            if ((st = emit(out, &f, spans, start, i, &cap)) != MM_OK) goto out;
            i += m;
            start = i;
            brk = 0;
            width = 0;
            limit = rest;
            continue;
        }
        int cw = cp_width(cp);
        if (width + cw > limit && width > 0) {
            size_t cut = brk > start ? brk : i;
            if ((st = emit(out, &f, spans, start, cut, &cap)) != MM_OK) goto out;
            /* Scan again from the new line's start: the piece after the
             * break may itself be too wide and need a hard cut. */
            start = cut;
            while (start < f.len && f.text[start] == ' ') start++;
            brk = 0;
            limit = rest;
            width = 0;
            i = start;
            continue;
        }
        width += cw;
        i += m;
        /* brks[k] says whether a break may follow the character ending at k. */
        if (i < f.len && brks[i - 1] == LINEBREAK_ALLOWBREAK) brk = i;
    }
    if (start < f.len || out->n == 0) st = emit(out, &f, spans, start, f.len, &cap);
out:
    free(f.text);
    free(f.owner);
    free(brks);
    if (st != MM_OK) wrapped_free(out);
    return st;
}
