#include "search.h"
#include "app.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void search_clear(struct search *s)
{
    free(s->hits);
    memset(s, 0, sizeof *s);
}

/* Case-insensitive for ASCII, byte-exact for everything else (Chinese). */
static const char *find(const char *hay, size_t hn, const char *needle)
{
    size_t nn = strlen(needle);
    if (!nn || nn > hn) return NULL;
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t k = 0;
        while (k < nn && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k])) k++;
        if (k == nn) return hay + i;
    }
    return NULL;
}

static char *line_text(const struct line *ln)
{
    size_t n = 0;
    for (size_t k = 0; k < ln->n; k++) n += strlen(ln->spans[k].text);
    char *t = malloc(n + 1);
    if (!t) return NULL;
    t[0] = 0;
    for (size_t k = 0; k < ln->n; k++) strcat(t, ln->spans[k].text);
    return t;
}

mm_status search_run(struct search *s, const struct lesson_list *ll, const char *query, int width, int ascii)
{
    search_clear(s);
    snprintf(s->query, sizeof s->query, "%s", query);
    size_t cap = 0;
    for (size_t i = 0; i < ll->n; i++) {
        struct doc d;
        struct layout l;
        mm_status st = load_layout(ll->items[i].path, width, ascii, &d, &l);
        if (st == MM_ERR_NOMEM) return st;
        if (st != MM_OK) continue;
        for (size_t li = 0; li < l.n && st == MM_OK; li++) {
            char *t = line_text(&l.lines[li]);
            if (!t) { st = MM_ERR_NOMEM; break; }
            if (find(t, strlen(t), query)) {
                if (s->n == cap) {
                    cap = cap ? cap * 2 : 64;
                    struct hit *nh = realloc(s->hits, cap * sizeof *nh);
                    if (!nh) st = MM_ERR_NOMEM;
                    else s->hits = nh;
                }
                if (st == MM_OK) s->hits[s->n++] = (struct hit){ i, (int)li };
            }
            free(t);
        }
        layout_free(&l);
        doc_free(&d);
        if (st != MM_OK) return st;
    }
    return MM_OK;
}

void canvas_highlight(struct canvas *c, int y, const char *query)
{
    if (y < 0 || y >= c->h || !query[0]) return;
    /* The row's text, with the cell that each byte came from. */
    size_t cap = (size_t)c->w * 8 + 1, n = 0;
    char *text = malloc(cap);
    int *cell = malloc(cap * sizeof *cell);
    if (!text || !cell) { free(text); free(cell); return; }
    for (int x = 0; x < c->w; x++) {
        const char *ch = c->cells[(size_t)y * (size_t)c->w + (size_t)x].ch;
        for (const char *p = ch; *p; p++) { text[n] = *p; cell[n] = x; n++; }
    }
    text[n] = 0;
    size_t qn = strlen(query);
    for (const char *p = text; (p = find(p, n - (size_t)(p - text), query)); p += qn) {
        size_t from = (size_t)(p - text);
        int x0 = cell[from], x1 = cell[from + qn - 1];
        for (int x = x0; x <= x1; x++) {
            c->cells[(size_t)y * (size_t)c->w + (size_t)x].role = ROLE_HIT;
            /* The right half of a wide character goes with it. */
            if (x + 1 < c->w && !c->cells[(size_t)y * (size_t)c->w + (size_t)x + 1].ch[0])
                c->cells[(size_t)y * (size_t)c->w + (size_t)x + 1].role = ROLE_HIT;
        }
    }
    free(text);
    free(cell);
}
