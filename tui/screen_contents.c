/* The contents: chapters, then labs, in course order. */
#include "app.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct contents {
    int cursor;   /* index over chapters then labs */
    int top;      /* first item shown */
};

static int items(const struct app *a)
{
    return (int)(a->lessons.n + a->manifest.n);
}

/* Row of item i in the list: a heading row precedes each group. */
static int row_of(const struct app *a, int i)
{
    return i < (int)a->lessons.n ? i + 1 : i + 3;
}

static void draw(void *st, struct app *a, struct canvas *c, int top, int rows)
{
    struct contents *s = st;
    int total_rows = items(a) + 3;
    /* Keep the cursor visible. */
    int cr = row_of(a, s->cursor);
    if (cr < s->top) s->top = cr > 0 && s->cursor == 0 ? 0 : cr - 1;
    if (cr >= s->top + rows) s->top = cr - rows + 1;
    if (s->top < 0) s->top = 0;
    for (int r = 0; r < rows; r++) {
        int row = s->top + r;
        int y = top + r;
        if (row >= total_rows) break;
        char line[512];
        if (row == 0) {
            canvas_put(c, 1, y, tr(a->lang, "Chapters"), ROLE_HEADING, -1);
            continue;
        }
        int lessons = (int)a->lessons.n;
        if (row == lessons + 2) {
            canvas_put(c, 1, y, tr(a->lang, "Labs"), ROLE_HEADING, -1);
            continue;
        }
        if (row == lessons + 1) continue;
        int i = row <= lessons ? row - 1 : row - 3;
        enum role role = i == s->cursor ? ROLE_SELECTED : ROLE_TEXT;
        if (i < lessons) {
            const struct lesson *l = &a->lessons.items[i];
            int read = progress_get(&a->progress, "read", l->file) != NULL;
            snprintf(line, sizeof line, "%s%.2s  %s%s", read ? (a->ascii ? "*" : "\xE2\x9C\x93") : " ", l->file,
                     l->title, l->fallback ? tr(a->lang, "  [English]") : "");
        } else {
            const struct lab *lab = &a->manifest.labs[i - lessons];
            struct progress_entry *e = progress_get(&a->progress, "lab", lab->id);
            char score[24] = "     ";
            if (e) snprintf(score, sizeof score, "%2d/%-2d", e->a, e->b);
            int done = e && e->a == e->b && e->b > 0;
            snprintf(line, sizeof line, "%s%s  %-18s %s  %s", done ? (a->ascii ? "*" : "\xE2\x9C\x93") : " ",
                     lab->id, lab->slug, score, lab->title);
        }
        if (role == ROLE_SELECTED) {
            /* A visible cursor too, for monochrome terminals and dumps. */
            canvas_fill(c, 0, y, ROLE_SELECTED);
            canvas_put(c, 0, y, a->ascii ? ">" : "\xE2\x96\xB8", ROLE_SELECTED, -1);
        }
        canvas_put(c, 1, y, line, role, -1);
    }
}

static int key(void *st, struct app *a, enum action act)
{
    struct contents *s = st;
    int n = items(a);
    switch (act) {
    case ACT_DOWN: if (s->cursor + 1 < n) s->cursor++; return 1;
    case ACT_UP: if (s->cursor > 0) s->cursor--; return 1;
    case ACT_PGDN: s->cursor += a->h - 3; if (s->cursor >= n) s->cursor = n - 1; return 1;
    case ACT_PGUP: s->cursor -= a->h - 3; if (s->cursor < 0) s->cursor = 0; return 1;
    case ACT_TOP: s->cursor = 0; return 1;
    case ACT_BOTTOM: s->cursor = n - 1; return 1;
    case ACT_OPEN:
        if (n == 0) return 1;
        if (s->cursor < (int)a->lessons.n) app_push(a, &lesson_ops, lesson_open(a, (size_t)s->cursor));
        else app_push(a, &lab_ops, lab_open(a, &a->manifest.labs[s->cursor - (int)a->lessons.n]));
        return 1;
    default: return 0;
    }
}

static void title(void *st, struct app *a, char *buf, int size)
{
    (void)st;
    snprintf(buf, (size_t)size, "mmaplab - %s", tr(a->lang, "Contents"));
}

static void reflow(void *st, struct app *a)
{
    struct contents *s = st;
    if (s->cursor >= items(a)) s->cursor = items(a) ? items(a) - 1 : 0;
}

static void close_(void *st)
{
    free(st);
}

const struct screen_ops contents_ops = { "contents", draw, key, title, reflow, close_, NULL };

void *contents_open(struct app *a)
{
    struct contents *s = calloc(1, sizeof *s);
    if (!s) {
        app_status(a, "%s", tr(a->lang, "out of memory"));
        return NULL;
    }
    /* Resume: the cursor starts on the chapter read most recently. */
    for (size_t i = 0; i < a->progress.n; i++)
        if (!strcmp(a->progress.e[i].kind, "last"))
            for (size_t k = 0; k < a->lessons.n; k++)
                if (!strcmp(a->lessons.items[k].file, a->progress.e[i].key)) s->cursor = (int)k;
    return s;
}
