/* The browser's driver: the loop, the view stack, the bars around the
 * screens, resizing and the terminal-too-small screen. */
#include "app.h"
#include "course.h"
#include "i18n.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mm_status app_init(struct app *a, const char *lang, int ascii, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->lang, sizeof a->lang, "%s", lang);
    a->ascii = ascii;
    mm_status st = course_load(&a->paths, &a->manifest, err, errlen);
    if (st != MM_OK) return st;
    st = lessons_load(a->paths.data, a->lang, &a->lessons);
    if (st == MM_OK) st = progress_load(&a->progress, a->paths.workspace);
    if (st != MM_OK) {
        snprintf(err, errlen, "%s", mm_strerror(st));
        lessons_free(&a->lessons);
        course_close(&a->paths, &a->manifest);
        return st;
    }
    if (a->progress.warning[0]) app_status(a, "%s", a->progress.warning);
    else if (a->ascii && !strcmp(a->lang, "zh"))
        app_status(a, "%s", "Chinese needs a UTF-8 locale (e.g. LANG=C.UTF-8); shown as ?");
    return MM_OK;
}

void app_remember(struct app *a, const char *kind, const char *key, int x, int y)
{
    struct progress_entry *e = progress_get(&a->progress, kind, key);
    if (e && e->a == x && e->b == y) return; /* nothing new: no write */
    if (progress_set(&a->progress, kind, key, x, y) != MM_OK || progress_save(&a->progress) != MM_OK)
        app_status(a, tr(a->lang, "cannot save progress in %s"), a->progress.path);
}

void app_free(struct app *a)
{
    while (a->depth) app_pop(a);
    search_clear(&a->search);
    progress_free(&a->progress);
    lessons_free(&a->lessons);
    course_close(&a->paths, &a->manifest);
}

void app_status(struct app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
}

void app_push(struct app *a, const struct screen_ops *ops, void *st)
{
    if (!st) return;
    if (a->depth == APP_MAX_VIEWS) {
        ops->close(st);
        app_status(a, "%s", tr(a->lang, "too many screens open; press q to go back"));
        return;
    }
    a->views[a->depth++] = (struct view){ ops, st };
}

void app_pop(struct app *a)
{
    if (!a->depth) return;
    struct view *v = &a->views[--a->depth];
    v->ops->close(v->st);
}

static void paint_too_small(struct app *a, struct canvas *c)
{
    /* Short lines, most important first: the screen may be tiny. */
    char msg[64];
    snprintf(msg, sizeof msg, tr(a->lang, "Too small: %dx%d"), a->w, a->h);
    canvas_put(c, 0, 0, msg, ROLE_WARN, -1);
    snprintf(msg, sizeof msg, tr(a->lang, "Need %dx%d"), APP_MIN_W, APP_MIN_H);
    canvas_put(c, 0, 1, msg, ROLE_TEXT, -1);
    canvas_put(c, 0, 2, tr(a->lang, "q quits"), ROLE_TEXT, -1);
}

static const char *status_keys(const struct app *a)
{
    return tr(a->lang, "?:help  q:back  Q:quit  L:language");
}

void app_paint(struct app *a, struct canvas *c)
{
    canvas_clear(c);
    if (a->w < APP_MIN_W || a->h < APP_MIN_H) {
        paint_too_small(a, c);
        return;
    }
    struct view *v = &a->views[a->depth - 1];
    char title[256];
    v->ops->title(v->st, a, title, sizeof title);
    canvas_fill(c, 0, 0, ROLE_STATUS);
    canvas_put(c, 1, 0, title, ROLE_STATUS, c->w);
    v->ops->draw(v->st, a, c, 1, a->h - 2);
    canvas_fill(c, 0, a->h - 1, ROLE_STATUS);
    if (a->prompting) {
        char line[160];
        snprintf(line, sizeof line, "/%s_", a->typed);
        canvas_put(c, 1, a->h - 1, line, ROLE_STATUS, c->w);
        return;
    }
    const char *text = a->status[0] ? a->status : status_keys(a);
    canvas_put(c, 1, a->h - 1, text, ROLE_STATUS, c->w);
}

static void reflow_all(struct app *a)
{
    /* Hits are line numbers at the old width: find them again. */
    if (a->search.query[0]) {
        char q[sizeof a->search.query];
        snprintf(q, sizeof q, "%s", a->search.query);
        size_t at = a->search.at;
        if (search_run(&a->search, &a->lessons, q, a->w, a->ascii) == MM_OK && a->search.n)
            a->search.at = at < a->search.n ? at : 0;
    }
    for (int i = 0; i < a->depth; i++)
        if (a->views[i].ops->reflow) a->views[i].ops->reflow(a->views[i].st, a);
}

static void switch_language(struct app *a)
{
    const char *next = strcmp(a->lang, "en") ? "en" : "zh";
    struct lesson_list ll;
    if (lessons_load(a->paths.data, next, &ll) != MM_OK) {
        app_status(a, tr(a->lang, "could not load the %s lessons"), next);
        return;
    }
    lessons_free(&a->lessons);
    a->lessons = ll;
    snprintf(a->lang, sizeof a->lang, "%s", next);
    reflow_all(a);
    if (a->ascii && !strcmp(next, "zh"))
        app_status(a, "%s", tr(a->lang, "Chinese needs a UTF-8 locale (e.g. LANG=C.UTF-8); shown as ?"));
    else
        app_status(a, "%s", !strcmp(next, "zh") ? "语言：中文" : "Language: English");
}

/* Actions every screen shares; a screen may handle them first. */
static void global_action(struct app *a, enum action act)
{
    switch (act) {
    case ACT_QUIT: a->quit = 1; break;
    case ACT_BACK:
        if (a->depth > 1) app_pop(a);
        else a->quit = 1;
        break;
    case ACT_HELP: {
        if (strcmp(a->views[a->depth - 1].ops->name, "help")) app_push(a, &help_ops, help_open(a));
        break;
    }
    case ACT_LANG: switch_language(a); break;
    case ACT_PLAYGROUND: {
        char err[300];
        if (strcmp(a->views[a->depth - 1].ops->name, "playground"))
            app_push(a, &playground_ops, playground_view_open(a, NULL, NULL, err, sizeof err));
        break;
    }
    case ACT_SEARCH:
        a->prompting = 1;
        a->typed[0] = 0;
        break;
    case ACT_PREVHIT:
        if (a->search.n) app_goto_hit(a, (long)a->search.at - 1);
        else app_status(a, "%s", tr(a->lang, "no search yet: press / to search"));
        break;
    default:
        if (act >= ACT_PG_READ && act <= ACT_PG_FORK)
            app_status(a, "%s", tr(a->lang, "that key works in the playground (P opens it)"));
        break;
    }
}

void app_goto_hit(struct app *a, long at)
{
    struct search *s = &a->search;
    if (!s->n) return;
    at %= (long)s->n;
    if (at < 0) at += (long)s->n;
    s->at = (size_t)at;
    const struct hit *h = &s->hits[s->at];
    struct view *v = &a->views[a->depth - 1];
    if (strcmp(v->ops->name, "lesson")) {
        app_push(a, &lesson_ops, lesson_open(a, h->lesson));
        v = &a->views[a->depth - 1];
        if (strcmp(v->ops->name, "lesson")) return;
    }
    lesson_show_line(v->st, a, h->lesson, h->line);
    app_status(a, tr(a->lang, "match %zu of %zu for \"%s\" (n next, N previous)"), s->at + 1, s->n, s->query);
}

/* Keys while typing a search: text, Backspace, Enter runs it, Esc leaves. */
static void prompt_key(struct app *a, int key)
{
    size_t n = strlen(a->typed);
    if (key == K_ESC) {
        a->prompting = 0;
    } else if (key == K_BACKSPACE) {
        /* Remove one whole UTF-8 character. */
        while (n > 0 && ((unsigned char)a->typed[n - 1] & 0xC0) == 0x80) n--;
        if (n > 0) n--;
        a->typed[n] = 0;
    } else if (key == K_ENTER) {
        a->prompting = 0;
        if (!a->typed[0]) {
            search_clear(&a->search);
            app_status(a, "%s", tr(a->lang, "search cleared: n and p move between chapters again"));
            return;
        }
        if (search_run(&a->search, &a->lessons, a->typed, a->w, a->ascii) != MM_OK) {
            app_status(a, "%s", tr(a->lang, "out of memory"));
            return;
        }
        if (!a->search.n) {
            app_status(a, tr(a->lang, "no match for \"%s\""), a->typed);
            search_clear(&a->search);
            return;
        }
        /* Start from the reader's position when a chapter is open. */
        long first = 0;
        struct view *v = &a->views[a->depth - 1];
        if (!strcmp(v->ops->name, "lesson")) {
            size_t cur;
            int top;
            lesson_position(v->st, &cur, &top);
            for (size_t i = 0; i < a->search.n; i++) {
                const struct hit *h = &a->search.hits[i];
                if (h->lesson > cur || (h->lesson == cur && h->line >= top)) { first = (long)i; break; }
            }
        }
        app_goto_hit(a, first);
    } else if (key >= 0x20 && key < 0x100 && key != 0x7f && n + 1 < sizeof a->typed) {
        a->typed[n] = (char)key;
        a->typed[n + 1] = 0;
    }
}

int app_run(struct app *a, struct backend *be)
{
    a->be = be;
    be->size(be, &a->w, &a->h);
    struct canvas *c = canvas_new(a->w, a->h);
    if (!c) return 1;
    c->ascii = a->ascii;
    a->canvas = c;
    if (a->start_ops) app_push(a, a->start_ops, a->start_st);
    else app_push(a, &contents_ops, contents_open(a));
    if (!a->depth) {
        canvas_free(c);
        return 1;
    }
    reflow_all(a);
    while (!a->quit && !be->interrupted && a->depth) {
        app_paint(a, c);
        be->present(be, c);
        int key = be->get_key(be);
        if (be->interrupted) break;
        if (key == K_NONE) {
            struct view *tv = &a->views[a->depth - 1];
            if (tv->ops->tick) tv->ops->tick(tv->st, a);
            continue;
        }
        if (key == K_RESIZE) {
            int w, h;
            be->size(be, &w, &h);
            if (w != a->w || h != a->h || w != c->w || h != c->h) {
                struct canvas *nc = canvas_new(w, h);
                if (nc) {
                    nc->ascii = a->ascii;
                    canvas_free(c);
                    c = nc;
                    a->canvas = c;
                    a->w = w;
                    a->h = h;
                    reflow_all(a);
                }
            }
            continue;
        }
        a->status[0] = 0;
        if (a->prompting) {
            prompt_key(a, key);
            continue;
        }
        enum action act = action_for_key(key);
        if (a->w < APP_MIN_W || a->h < APP_MIN_H) {
            /* Only leaving makes sense on the too-small screen. */
            if (act == ACT_BACK || act == ACT_QUIT) a->quit = 1;
            continue;
        }
        if (act == ACT_NONE) {
            char kn[16];
            app_status(a, tr(a->lang, "no action on key %s; ? shows the keys"), key_label(key, kn, sizeof kn));
            continue;
        }
        if (act == ACT_REDRAW) continue;
        struct view *v = &a->views[a->depth - 1];
        if (!v->ops->key(v->st, a, act)) global_action(a, act);
    }
    canvas_free(c);
    a->canvas = NULL;
    return 0;
}

void app_refresh(struct app *a)
{
    if (!a->canvas || !a->be) return;
    app_paint(a, a->canvas);
    a->be->present(a->be, a->canvas);
}

/* --- shared drawing helpers --- */

mm_status load_layout(const char *path, int width, int ascii, struct doc *d, struct layout *l)
{
    char *text;
    size_t len;
    mm_status st = read_file(path, &text, &len);
    if (st != MM_OK) return st;
    st = doc_parse(text, len, d);
    free(text);
    if (st != MM_OK) return st;
    st = doc_layout(d, width, ascii, l);
    if (st != MM_OK) doc_free(d);
    return st;
}

void draw_layout(struct canvas *c, const struct layout *l, int first, int top, int rows, int selected)
{
    for (int r = 0; r < rows; r++) {
        int li = first + r;
        if (li < 0 || (size_t)li >= l->n) continue;
        const struct line *ln = &l->lines[li];
        int x = 0;
        for (size_t k = 0; k < ln->n; k++) {
            const struct span *sp = &ln->spans[k];
            enum role role = selected >= 0 && sp->link == selected ? ROLE_SELECTED : sp->role;
            x = canvas_put(c, x, top + r, sp->text, role, c->w);
        }
    }
}
