#include "canvas.h"
#include "textwidth.h"

#include <stdlib.h>
#include <string.h>

struct canvas *canvas_new(int w, int h)
{
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    struct canvas *c = malloc(sizeof *c);
    if (!c) return NULL;
    c->w = w;
    c->h = h;
    c->cells = calloc((size_t)w * (size_t)h, sizeof *c->cells);
    if (!c->cells) { free(c); return NULL; }
    canvas_clear(c);
    return c;
}

void canvas_free(struct canvas *c)
{
    if (!c) return;
    free(c->cells);
    free(c);
}

void canvas_clear(struct canvas *c)
{
    for (int i = 0; i < c->w * c->h; i++) {
        strcpy(c->cells[i].ch, " ");
        c->cells[i].role = ROLE_TEXT;
    }
}

static struct cell *at(struct canvas *c, int x, int y)
{
    return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

int canvas_put(struct canvas *c, int x, int y, const char *text, enum role role, int max_x)
{
    if (max_x < 0 || max_x > c->w) max_x = c->w;
    if (y < 0 || y >= c->h || x < 0) return x;
    size_t len = strlen(text);
    for (size_t i = 0; i < len && x < max_x;) {
        uint32_t cp;
        size_t n = utf8_decode(text + i, len - i, &cp);
        int w = cp_width(cp);
        const char *src = text + i;
        size_t sl = n;
        if (cp < 0x20 || cp == 0x7F || cp == 0xFFFD) {
            src = c->ascii ? "?" : "\xEF\xBF\xBD";
            sl = c->ascii ? 1 : 3;
            w = 1;
        } else if (c->ascii && cp >= 0x80) {
            /* The terminal cannot show it: keep its width, show '?'. */
            if (w == 0) { i += n; continue; }
            if (x + w > max_x) break;
            struct cell *q = at(c, x, y);
            q->ch[0] = '?';
            q->ch[1] = 0;
            q->role = role;
            if (w == 2) {
                struct cell *r = at(c, x + 1, y);
                r->ch[0] = '?';
                r->ch[1] = 0;
                r->role = role;
            }
            x += w;
            i += n;
            continue;
        }
        if (w == 0) {
            /* A combining mark belongs to the previous cell. */
            if (x > 0) {
                struct cell *p = at(c, x - 1, y);
                if (!p->ch[0] && x > 1) p = at(c, x - 2, y);
                size_t have = strlen(p->ch);
                if (have + sl < sizeof p->ch) {
                    memcpy(p->ch + have, src, sl);
                    p->ch[have + sl] = 0;
                }
            }
            i += n;
            continue;
        }
        if (x + w > max_x) {
            /* A wide character that does not fit is not cut: pad instead. */
            while (x < max_x) { strcpy(at(c, x, y)->ch, " "); at(c, x, y)->role = role; x++; }
            break;
        }
        struct cell *cl = at(c, x, y);
        memcpy(cl->ch, src, sl);
        cl->ch[sl] = 0;
        cl->role = role;
        if (w == 2) {
            struct cell *r = at(c, x + 1, y);
            r->ch[0] = 0;
            r->role = role;
        }
        x += w;
        i += n;
    }
    return x;
}

void canvas_fill(struct canvas *c, int x, int y, enum role role)
{
    if (y < 0 || y >= c->h) return;
    for (; x < c->w; x++) {
        if (x < 0) continue;
        strcpy(at(c, x, y)->ch, " ");
        at(c, x, y)->role = role;
    }
}

void canvas_dump(const struct canvas *c, FILE *f)
{
    for (int y = 0; y < c->h; y++) {
        int last = c->w - 1;
        while (last >= 0 && !strcmp(c->cells[(size_t)y * (size_t)c->w + (size_t)last].ch, " ")) last--;
        for (int x = 0; x <= last; x++) fputs(c->cells[(size_t)y * (size_t)c->w + (size_t)x].ch, f);
        fputc('\n', f);
    }
}
