/* The lesson reader: a chapter laid out at the screen width, scrolled by
 * line. A resize or language switch lays it out again and keeps the
 * reading position (the block at the top and the line within it). */
#include "app.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lesson_view {
    struct app *app;
    size_t index;       /* chapter in app->lessons */
    struct doc doc;
    struct layout lay;
    int loaded;
    int top;            /* first line shown */
    int link;           /* selected link (index in doc.links), -1: none */
    int body_rows;
};

static void unload(struct lesson_view *s)
{
    if (!s->loaded) return;
    layout_free(&s->lay);
    doc_free(&s->doc);
    s->loaded = 0;
}

static int load(struct lesson_view *s, struct app *a)
{
    unload(s);
    s->link = -1;
    if (s->index >= a->lessons.n) return 0;
    const struct lesson *l = &a->lessons.items[s->index];
    mm_status st = load_layout(l->path, a->w > 0 ? a->w : 80, a->ascii, &s->doc, &s->lay);
    if (st != MM_OK) {
        app_status(a, tr(a->lang, "cannot show %s: %s"), l->file, mm_strerror(st));
        return 0;
    }
    s->loaded = 1;
    if (l->fallback) app_status(a, "%s", tr(a->lang, "not translated yet: showing the English chapter"));
    return 1;
}

static int max_top(const struct lesson_view *s)
{
    int m = (int)s->lay.n - s->body_rows;
    return m > 0 ? m : 0;
}

static void clamp(struct lesson_view *s)
{
    if (s->top > max_top(s)) s->top = max_top(s);
    if (s->top < 0) s->top = 0;
}

/* Remember where the learner is, and that a chapter was read to its end. */
static void remember(struct lesson_view *s)
{
    struct app *a = s->app;
    if (!s->loaded || s->index >= a->lessons.n) return;
    const char *file = a->lessons.items[s->index].file;
    app_remember(a, "last", file, s->top, 0);
    if (s->body_rows > 0 && s->top >= max_top(s)) app_remember(a, "read", file, 0, 0);
}

/* First line in [from, to) that shows link k, or -1. */
static int link_line(const struct lesson_view *s, int k, int from, int to)
{
    for (int i = from; i < to && i < (int)s->lay.n; i++) {
        if (i < 0) continue;
        for (size_t j = 0; j < s->lay.lines[i].n; j++)
            if (s->lay.lines[i].spans[j].link == k) return i;
    }
    return -1;
}

/* Select the next link on screen after the selected one, wrapping. */
static void next_link(struct lesson_view *s, struct app *a)
{
    int first = -1, after = -1;
    int end = s->top + s->body_rows;
    for (int i = s->top; i < end && i < (int)s->lay.n; i++)
        for (size_t j = 0; j < s->lay.lines[i].n; j++) {
            int k = s->lay.lines[i].spans[j].link;
            if (k < 0) continue;
            if (first < 0) first = k;
            if (after < 0 && k > s->link) after = k;
        }
    s->link = after >= 0 ? after : first;
    if (s->link < 0) app_status(a, "%s", tr(a->lang, "no link on this screen"));
    else app_status(a, tr(a->lang, "link: %s (Enter follows it)"), s->doc.links[s->link]);
}

/* Follow a link: another chapter (and anchor), a lab, or an outside page. */
static void follow(struct lesson_view *s, struct app *a)
{
    /* A copy: loading another chapter frees this document's links. */
    char target[512];
    snprintf(target, sizeof target, "%s", s->doc.links[s->link]);
    if (!strncmp(target, "http://", 7) || !strncmp(target, "https://", 8)) {
        app_status(a, tr(a->lang, "outside link, open it in a web browser: %s"), target);
        return;
    }
    /* ../scenarios/LANG/NN-name.txt opens the playground in that scenario. */
    const char *scn = strstr(target, "scenarios/");
    size_t tl = strlen(target);
    if (scn && tl > 4 && !strcmp(target + tl - 4, ".txt")) {
        const char *name = strrchr(target, '/') + 1;
        char nm[96], err[300];
        snprintf(nm, sizeof nm, "%.*s", (int)(target + tl - 4 - name), name);
        app_push(a, &playground_ops, playground_view_open(a, NULL, nm, err, sizeof err));
        return;
    }
    /* ../../labs/NN-slug/README.md opens the lab screen. */
    const char *labs = strstr(target, "labs/");
    if (labs) {
        for (size_t i = 0; i < a->manifest.n; i++) {
            size_t n = strlen(a->manifest.labs[i].dir);
            if (!strncmp(labs + 5, a->manifest.labs[i].dir, n) && (labs[5 + n] == '/' || !labs[5 + n])) {
                app_push(a, &lab_ops, lab_open(a, &a->manifest.labs[i]));
                return;
            }
        }
        app_status(a, tr(a->lang, "no such lab: %s"), target);
        return;
    }
    char file[128];
    const char *hash = strchr(target, '#');
    size_t fl = hash ? (size_t)(hash - target) : strlen(target);
    snprintf(file, sizeof file, "%.*s", (int)fl, target);
    size_t idx = s->index;
    if (fl) {
        size_t i;
        for (i = 0; i < a->lessons.n; i++)
            if (!strcmp(a->lessons.items[i].file, file)) break;
        if (i == a->lessons.n) {
            app_status(a, tr(a->lang, "no such chapter: %s"), target);
            return;
        }
        idx = i;
    }
    if (idx != s->index) {
        remember(s);
        s->index = idx;
        load(s, a);
    }
    s->top = 0;
    s->link = -1;
    if (hash)
        for (size_t b = 0; b < s->doc.n; b++)
            if (s->doc.blocks[b].anchor && !strcmp(s->doc.blocks[b].anchor, hash + 1)) {
                s->top = layout_line_of_block(&s->lay, (int)b);
                break;
            }
    clamp(s);
}

static void draw(void *st, struct app *a, struct canvas *c, int top, int rows)
{
    struct lesson_view *s = st;
    s->body_rows = rows;
    if (!s->loaded) return;
    clamp(s);
    /* A selected link that scrolled away is no longer selected. */
    if (s->link >= 0 && link_line(s, s->link, s->top, s->top + rows) < 0) s->link = -1;
    draw_layout(c, &s->lay, s->top, top, rows, s->link);
    if (a->search.query[0])
        for (int r = 0; r < rows; r++) canvas_highlight(c, top + r, a->search.query);
}

void lesson_show_line(void *st, struct app *a, size_t index, int line)
{
    struct lesson_view *s = st;
    if (index != s->index) {
        remember(s);
        s->index = index;
        load(s, a);
    }
    /* A little context above the hit. */
    s->top = line - 2;
    clamp(s);
}

void lesson_position(void *st, size_t *index, int *top)
{
    const struct lesson_view *s = st;
    *index = s->index;
    *top = s->top;
}

/* The lab whose lesson is this chapter, if any. */
static const struct lab *lab_of(struct app *a, const struct lesson_view *s)
{
    const char *file = a->lessons.items[s->index].file;
    for (size_t i = 0; i < a->manifest.n; i++) {
        size_t n = strlen(a->manifest.labs[i].lesson);
        if (!strncmp(file, a->manifest.labs[i].lesson, n) && !strcmp(file + n, ".md"))
            return &a->manifest.labs[i];
    }
    return NULL;
}

static int go_chapter(struct lesson_view *s, struct app *a, int delta)
{
    long next = (long)s->index + delta;
    if (next < 0 || next >= (long)a->lessons.n) {
        app_status(a, "%s", tr(a->lang, delta > 0 ? "this is the last chapter" : "this is the first chapter"));
        return 1;
    }
    remember(s);
    s->index = (size_t)next;
    s->top = 0;
    load(s, a);
    return 1;
}

static int key(void *st, struct app *a, enum action act)
{
    struct lesson_view *s = st;
    int page = s->body_rows > 2 ? s->body_rows - 2 : 1;
    switch (act) {
    case ACT_DOWN: s->top++; break;
    case ACT_UP: s->top--; break;
    case ACT_PGDN: s->top += page; break;
    case ACT_PGUP: s->top -= page; break;
    case ACT_TOP: s->top = 0; break;
    case ACT_BOTTOM: s->top = max_top(s); break;
    case ACT_LINK: next_link(s, a); return 1;
    case ACT_OPEN:
        if (s->link >= 0) follow(s, a);
        return 1;
    case ACT_NEXT:
        /* After a search, n walks through its hits. */
        if (a->search.n) { app_goto_hit(a, (long)a->search.at + 1); return 1; }
        return go_chapter(s, a, 1);
    case ACT_PREV: return go_chapter(s, a, -1);
    case ACT_QUIZ:
        app_push(a, &quiz_ops, quiz_open(a, s->index));
        return 1;
    case ACT_LAB: {
        const struct lab *lab = lab_of(a, s);
        if (lab) app_push(a, &lab_ops, lab_open(a, lab));
        else app_status(a, "%s", tr(a->lang, "this chapter has no lab"));
        return 1;
    }
    default: return 0;
    }
    clamp(s);
    if (s->top >= max_top(s)) remember(s);
    return 1;
}

static void title(void *st, struct app *a, char *buf, int size)
{
    struct lesson_view *s = st;
    const char *t = s->index < a->lessons.n ? a->lessons.items[s->index].title : "?";
    int pct = s->lay.n ? (int)((long)(s->top + s->body_rows) * 100 / (long)s->lay.n) : 100;
    if (pct > 100) pct = 100;
    snprintf(buf, (size_t)size, "%s  (%d/%zu, %d%%)", t, (int)s->index + 1, a->lessons.n, pct);
}

static int block_lines(const struct layout *l, int block)
{
    int n = 0;
    for (size_t i = 0; i < l->n; i++) n += l->lines[i].block == block;
    return n;
}

static void reflow(void *st, struct app *a)
{
    struct lesson_view *s = st;
    /* Remember which block is at the top and how far into it. */
    int block = -1, into = 0, old_len = 1;
    if (s->loaded && s->top >= 0 && (size_t)s->top < s->lay.n) {
        for (int i = s->top; i >= 0; i--)
            if (s->lay.lines[i].block >= 0) { block = s->lay.lines[i].block; break; }
        if (block >= 0) {
            into = s->top - layout_line_of_block(&s->lay, block);
            old_len = block_lines(&s->lay, block);
        }
    }
    load(s, a);
    if (block >= 0 && s->loaded) {
        /* The same block, and the same fraction of the way into it: a
         * paragraph or table changes height when the width changes. */
        int first = layout_line_of_block(&s->lay, block);
        if (first >= 0) s->top = first + (int)((long)into * block_lines(&s->lay, block) / (old_len > 0 ? old_len : 1));
    }
    s->body_rows = a->h - 2;
    clamp(s);
}

static void close_(void *st)
{
    struct lesson_view *s = st;
    remember(s);
    unload(s);
    free(s);
}

const struct screen_ops lesson_ops = { "lesson", draw, key, title, reflow, close_, NULL };

void *lesson_open(struct app *a, size_t index)
{
    struct lesson_view *s = calloc(1, sizeof *s);
    if (!s) { app_status(a, "%s", tr(a->lang, "out of memory")); return NULL; }
    s->app = a;
    s->link = -1;
    s->index = index;
    s->body_rows = a->h - 2;
    if (!load(s, a)) {
        free(s);
        return NULL;
    }
    /* Resume where the learner left this chapter. */
    struct progress_entry *e = progress_get(&a->progress, "last", a->lessons.items[index].file);
    if (e) s->top = e->a;
    clamp(s);
    return s;
}
