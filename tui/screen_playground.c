/* The page-cache playground screen: one cell per page of a mapped file,
 * the counters, a log of every call like strace, and the guided scenarios
 * (predict, run, compare). The model (playground.c) does the work; this
 * file only draws it and turns keys into actions. */
#include "app.h"
#include "i18n.h"
#include "playground.h"
#include "scenario.h"
#include "util.h"
#include "wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum phase { PH_FREE, PH_PREDICT, PH_ANSWERED, PH_DONE };

struct pg_view {
    struct playground pg;
    size_t cursor, span;            /* the range is [cursor, cursor + span) */
    /* a guided scenario */
    char name[96];                  /* "" in free play */
    struct scenario scn;
    int have_scn;
    enum phase phase;
    size_t step;
    int choice, right_count;
    int last_right;
    char observed[256];             /* what the machine did, against expect: lines */
    int observed_ok;
};

/* --- scenarios --- */

static char *scenario_path(const struct app *a, const char *name, const char *lang)
{
    char rel[256];
    snprintf(rel, sizeof rel, "lessons/scenarios/%s/%s.txt", lang, name);
    char *p = path_join(a->paths.data, rel);
    if (p && !file_exists(p) && strcmp(lang, "en")) {
        free(p);
        snprintf(rel, sizeof rel, "lessons/scenarios/en/%s.txt", name);
        p = path_join(a->paths.data, rel);
    }
    return p;
}

static int load_scenario(const struct app *a, const char *name, const char *lang, struct scenario *out, char *err,
                         size_t errlen)
{
    for (const char *p = name; *p; p++)
        if (!(*p == '-' || *p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'))) {
            snprintf(err, errlen, tr(lang, "no such scenario: %s"), name);
            return -1;
        }
    char *path = scenario_path(a, name, lang);
    char *text = NULL;
    size_t len = 0;
    if (!path || read_file(path, &text, &len) != MM_OK) {
        snprintf(err, errlen, tr(lang, "no such scenario: %s"), name);
        free(path);
        return -1;
    }
    struct scn_error se;
    int rc = scenario_parse(text, len, out, &se);
    if (rc != 0) snprintf(err, errlen, "%s:%zu: %s", path, se.line, se.message);
    free(text);
    free(path);
    return rc;
}

static void remember_key(char *buf, size_t size, const char *name, size_t step)
{
    snprintf(buf, size, "%s.%zu", name, step + 1);
}

/* Run the current step: the learner chose s->choice. */
static void run_step(struct pg_view *s, struct app *a)
{
    const struct scn_step *st = &s->scn.steps[s->step];
    playground_do(&s->pg, &st->req);
    s->last_right = (size_t)s->choice == st->right;
    s->right_count += s->last_right;
    s->observed[0] = 0;
    s->observed_ok = 1;
    for (size_t i = 0; i < st->n_expects; i++) {
        char saw[160], want[64];
        if (!playground_check(&s->pg, &st->expects[i], saw, sizeof saw)) {
            s->observed_ok = 0;
            snprintf(s->observed, sizeof s->observed, tr(a->lang, "This machine did otherwise: expected %s, saw %s."),
                     scn_expect_format(&st->expects[i], want, sizeof want), saw);
            break;
        }
    }
    if (s->observed_ok && st->n_expects) snprintf(s->observed, sizeof s->observed, "%s", tr(a->lang, "This machine did what the step expects."));
    char fact[128];
    remember_key(fact, sizeof fact, s->name, s->step);
    app_remember(a, "predict", fact, s->choice + 1, s->last_right);
    s->phase = PH_ANSWERED;
    app_status(a, "%s", tr(a->lang, s->last_right ? "Right prediction. Enter: next step" : "Not quite. Enter: next step"));
}

static void next_step(struct pg_view *s, struct app *a)
{
    s->step++;
    s->choice = 0;
    if (s->step >= s->scn.n_steps) {
        s->phase = PH_DONE;
        app_remember(a, "played", s->name, s->right_count, (int)s->scn.n_steps);
        app_status(a, tr(a->lang, "Scenario done: %d of %zu predictions right"), s->right_count, s->scn.n_steps);
    } else {
        s->phase = PH_PREDICT;
    }
}

/* --- drawing --- */

/* Draw text wrapped to [x, c->w) from row y, at most max rows; returns rows used. */
static int put_wrapped(struct canvas *c, int x, int y, int max, const char *text, enum role role)
{
    if (max <= 0 || x >= c->w) return 0;
    struct span sp = { (char *)text, role, -1 };
    struct wrapped w;
    if (wrap_spans(&sp, 1, c->w - x, c->w - x, &w) != MM_OK) {
        canvas_put(c, x, y, text, role, -1);
        return 1;
    }
    int rows = 0;
    for (size_t i = 0; i < w.n && rows < max; i++, rows++) {
        int cx = x;
        for (size_t k = 0; k < w.counts[i]; k++) cx = canvas_put(c, cx, y + rows, w.lines[i][k].text, w.lines[i][k].role, -1);
    }
    wrapped_free(&w);
    return rows;
}

static enum role glyph_role(char g)
{
    switch (g) {
    case 'M': return ROLE_OK;
    case 'W': case 'w': return ROLE_WARN;
    case 'C': return ROLE_MYTH;
    case 'x': return ROLE_FAIL;
    case 'c': return ROLE_TEXT;
    default: return ROLE_DIM;
    }
}

static const char *glyph_meaning(const struct app *a, char g)
{
    switch (g) {
    case '.': return tr(a->lang, "not in the page cache");
    case 'c': return tr(a->lang, "cached, not mapped here");
    case 'M': return tr(a->lang, "cached and mapped");
    case 'W': return tr(a->lang, "written since the last sync");
    case 'w': return tr(a->lang, "written, not mapped (dirty in the cache)");
    case 'C': return tr(a->lang, "private copy");
    case 'x': return tr(a->lang, "beyond the end of the file");
    default: return tr(a->lang, "mapped or not: unknown");
    }
}

static size_t range_end(const struct pg_view *s)
{
    size_t end = s->cursor + s->span;
    return end > s->pg.npages ? s->pg.npages : end;
}

static int cells_per_row(int w)
{
    int n = 32;
    while (n > 1 && 5 + n * 3 > w) n /= 2;
    return n;
}

static int draw_grid(struct pg_view *s, const struct app *a, struct canvas *c, int y, int end)
{
    (void)a;
    const struct playground *pg = &s->pg;
    int cpr = cells_per_row(c->w);
    for (size_t p = 0; p < pg->npages && y < end; p += (size_t)cpr, y++) {
        char label[24];
        snprintf(label, sizeof label, "%4zu", p);
        canvas_put(c, 0, y, label, ROLE_DIM, -1);
        for (size_t k = p; k < p + (size_t)cpr && k < pg->npages; k++) {
            int x = 5 + (int)(k - p) * 3;
            char g = playground_glyph(pg, k);
            char cell[4] = { ' ', g, ' ', 0 };
            int cur = k == s->cursor;
            if (cur) { cell[0] = '['; cell[2] = ']'; }
            int in_range = k >= s->cursor && k < range_end(s);
            canvas_put(c, x, y, cell, cur ? ROLE_SELECTED : in_range && glyph_role(g) == ROLE_DIM ? ROLE_TEXT : glyph_role(g), -1);
        }
    }
    return y;
}

static int draw_legend(const struct app *a, struct canvas *c, int y, int end)
{
    static const char glyphs[] = ".cMWwCx?";
    int x = 0;
    for (const char *g = glyphs; *g && y < end; g++) {
        char item[160];
        snprintf(item, sizeof item, "%c %s", *g, glyph_meaning(a, *g));
        int w = text_width(item);
        if (x > 0 && x + w + 2 > c->w) {
            x = 0;
            y++;
            if (y >= end) break;
        }
        char gl[2] = { *g, 0 };
        canvas_put(c, x, y, gl, glyph_role(*g), -1);
        canvas_put(c, x + 2, y, glyph_meaning(a, *g), ROLE_DIM, -1);
        x += w + 2;
    }
    return y + 1;
}

static int draw_scenario(struct pg_view *s, struct app *a, struct canvas *c, int y, int end)
{
    const struct scenario *sc = &s->scn;
    char line[512];
    if (s->phase == PH_DONE) {
        snprintf(line, sizeof line, tr(a->lang, "Scenario done: %d of %zu predictions right. The playground is yours now: ? lists the keys."),
                 s->right_count, sc->n_steps);
        return y + put_wrapped(c, 0, y, end - y, line, ROLE_HEADING);
    }
    const struct scn_step *st = &sc->steps[s->step];
    snprintf(line, sizeof line, tr(a->lang, "Scenario: %s (step %zu of %zu)"), sc->title, s->step + 1, sc->n_steps);
    y += put_wrapped(c, 0, y, end - y, line, ROLE_HEADING);
    if (s->step == 0 && s->phase == PH_PREDICT && sc->intro) y += put_wrapped(c, 0, y, end - y, sc->intro, ROLE_TEXT);
    char act[96];
    snprintf(line, sizeof line, tr(a->lang, "Next action: %s"), pg_request_format(&st->req, act, sizeof act));
    y += put_wrapped(c, 0, y, end - y, line, ROLE_CODE);
    y += put_wrapped(c, 0, y, end - y, st->question, ROLE_QUIZ);
    for (size_t o = 0; o < st->n_options && y < end; o++) {
        const char *mark = "  ";
        enum role role = ROLE_TEXT;
        if (s->phase == PH_PREDICT && (int)o == s->choice) { mark = a->ascii ? "> " : "\xE2\x96\xB8 "; role = ROLE_SELECTED; }
        if (s->phase == PH_ANSWERED && o == st->right) { mark = a->ascii ? "ok" : "\xE2\x9C\x93 "; role = ROLE_OK; }
        else if (s->phase == PH_ANSWERED && (int)o == s->choice) { mark = a->ascii ? "no" : "\xE2\x9C\x97 "; role = ROLE_FAIL; }
        snprintf(line, sizeof line, "%s%c) %s", mark, (char)('a' + o), st->options[o]);
        y += put_wrapped(c, 1, y, end - y, line, role);
    }
    if (s->phase == PH_ANSWERED) {
        snprintf(line, sizeof line, "%s%s%s", tr(a->lang, s->last_right ? "Right." : "Not quite."),
                 strcmp(a->lang, "zh") ? " " : "", st->explanation);
        y += put_wrapped(c, 0, y, end - y, line, s->last_right ? ROLE_OK : ROLE_WARN);
        if (s->observed[0]) y += put_wrapped(c, 0, y, end - y, s->observed, s->observed_ok ? ROLE_DIM : ROLE_WARN);
        y += put_wrapped(c, 0, y, end - y, tr(a->lang, "Enter: next step"), ROLE_EMPH);
    } else {
        y += put_wrapped(c, 0, y, end - y, tr(a->lang, "Predict first: j/k choose, Enter runs the step"), ROLE_EMPH);
    }
    return y;
}

static void draw_log(struct pg_view *s, const struct app *a, struct canvas *c, int y, int end)
{
    for (size_t i = 0; y < end; i++) {
        const struct pg_log *e = playground_log(&s->pg, i);
        if (!e) break;
        enum role r = e->tone == PG_TONE_FAULT ? ROLE_FAIL : e->tone == PG_TONE_ERROR ? ROLE_WARN : ROLE_CODE;
        if (e->call[0]) y += put_wrapped(c, 0, y, end - y, e->call, r);
        const char *change = e->change[pg_lang_index(a->lang)], *why = e->why[pg_lang_index(a->lang)];
        if (change[0] && y < end) y += put_wrapped(c, 2, y, end - y, change, ROLE_DIM);
        if (why[0] && y < end) y += put_wrapped(c, 2, y, end - y, why, e->tone == PG_TONE_OK || e->tone == PG_TONE_INFO ? ROLE_TEXT : r);
    }
}

static void draw(void *st, struct app *a, struct canvas *c, int top, int rows)
{
    struct pg_view *s = st;
    struct playground *pg = &s->pg;
    int end = top + rows, y = top;
    char line[600];
    snprintf(line, sizeof line, tr(a->lang, pg->scratch ? "%s (%s, scratch, removed on exit)" : "%s (%s)"),
             pg->path, pg->fstype);
    y += put_wrapped(c, 0, y, end - y, line, ROLE_DIM);
    snprintf(line, sizeof line, tr(a->lang, "file %lld bytes, page %zu bytes, mapping %zu pages %s %s"), (long long)pg->size,
             pg->pagesize, pg->npages, pg->private_map ? "MAP_PRIVATE" : "MAP_SHARED",
             pg->writable ? "PROT_READ|PROT_WRITE" : "PROT_READ");
    y += put_wrapped(c, 0, y, end - y, line, ROLE_TEXT);
    if (pg->now.have_status)
        snprintf(line, sizeof line, tr(a->lang, "VmRSS %ld kB RssFile %ld kB RssAnon %ld kB; faults: %ld minor %ld major"),
                 pg->now.vm_rss_kb, pg->now.rss_file_kb, pg->now.rss_anon_kb, pg->faults_min, pg->faults_maj);
    else
        snprintf(line, sizeof line, tr(a->lang, "no /proc/self/status; faults: %ld minor %ld major"), pg->faults_min,
                 pg->faults_maj);
    y += put_wrapped(c, 0, y, end - y, line, ROLE_TEXT);
    if (pg->pagemap_note[0]) y += put_wrapped(c, 0, y, end - y, pg->pagemap_note, ROLE_WARN);
    if (pg->tmpfs) y += put_wrapped(c, 0, y, end - y, tr(a->lang, "This file is on tmpfs: the page cache is its only copy, so nothing can drop pages from it (fadvise and pageout do nothing)."),
                                    ROLE_WARN);
    if (pg->mincore_error) {
        snprintf(line, sizeof line, tr(a->lang, "mincore failed (%s): the page cache is shown as ?"), strerror(pg->mincore_error));
        y += put_wrapped(c, 0, y, end - y, line, ROLE_WARN);
    }
    y = draw_grid(s, a, c, y, end);
    if (y < end) y = draw_legend(a, c, y, end);
    if (y < end) {
        char g = playground_glyph(pg, s->cursor);
        snprintf(line, sizeof line, tr(a->lang, "cursor: page %zu, offset %zu: %s; range: pages %zu-%zu"), s->cursor,
                 s->cursor * pg->pagesize, glyph_meaning(a, g), s->cursor, range_end(s) - 1);
        y += put_wrapped(c, 0, y, end - y, line, ROLE_STRONG);
    }
    if (s->have_scn && y < end) y = draw_scenario(s, a, c, y, end);
    if (y < end) draw_log(s, a, c, y, end);
}

/* --- keys --- */

static int free_action(struct pg_view *s, struct app *a, enum action act)
{
    struct playground *pg = &s->pg;
    long first = (long)s->cursor, count = (long)(range_end(s) - s->cursor);
    struct pg_request r = { PG_READ, first, count };
    switch (act) {
    case ACT_PG_READ: r.count = 1; break;
    case ACT_PG_WRITE: r.op = PG_WRITE; r.count = 1; break;
    case ACT_PG_TOUCH: r.op = PG_TOUCH; break;
    case ACT_PG_SYNC: r.op = PG_MSYNC_SYNC; break;
    case ACT_PG_ASYNC: r.op = PG_MSYNC_ASYNC; break;
    case ACT_PG_DONTNEED: r.op = PG_MADV_DONTNEED; break;
    case ACT_PG_WILLNEED: r.op = PG_MADV_WILLNEED; break;
    case ACT_PG_SEQUENTIAL: r.op = PG_MADV_SEQUENTIAL; break;
    case ACT_PG_RANDOM: r.op = PG_MADV_RANDOM; break;
    case ACT_PG_PAGEOUT: r.op = PG_MADV_PAGEOUT; break;
    case ACT_PG_FADVISE: r.op = PG_FADV_DONTNEED; break;
    case ACT_PG_SHRINK: r.op = PG_TRUNCATE; r.first = (long)s->cursor; break;
    case ACT_PG_GROW: r.op = PG_TRUNCATE; r.first = (long)pg->npages; break;
    case ACT_PG_PROTECT: r.op = pg->writable ? PG_PROTECT_RO : PG_PROTECT_RW; break;
    case ACT_PG_MAPKIND: r.op = pg->private_map ? PG_MAP_SHARED : PG_MAP_PRIVATE; break;
    case ACT_PG_FORK: r.op = PG_FORK_WRITE; r.count = 1; break;
    default: return 0;
    }
    playground_do(pg, &r);
    const struct pg_log *e = playground_log(pg, 0);
    if (e && e->tone == PG_TONE_FAULT) app_status(a, "%s", tr(a->lang, "a fault was caught: the playground goes on (see the log)"));
    else if (e && e->tone == PG_TONE_ERROR) app_status(a, "%s", tr(a->lang, "the call failed: see the log"));
    return 1;
}

static int is_pg_action(enum action act)
{
    return act >= ACT_PG_READ && act <= ACT_PG_FORK;
}

static int key(void *st, struct app *a, enum action act)
{
    struct pg_view *s = st;
    size_t n = s->pg.npages;
    int cpr = cells_per_row(a->w);
    if (s->phase == PH_PREDICT || s->phase == PH_ANSWERED) {
        const struct scn_step *step = &s->scn.steps[s->step];
        switch (act) {
        case ACT_DOWN:
            if (s->phase == PH_PREDICT && s->choice + 1 < (int)step->n_options) s->choice++;
            return 1;
        case ACT_UP:
            if (s->phase == PH_PREDICT && s->choice > 0) s->choice--;
            return 1;
        case ACT_OPEN:
            if (s->phase == PH_PREDICT) run_step(s, a);
            else next_step(s, a);
            return 1;
        default:
            if (is_pg_action(act) || act == ACT_PG_WIDER || act == ACT_PG_NARROWER) {
                app_status(a, "%s", tr(a->lang, "finish the scenario first: j/k choose, Enter runs the step (q leaves)"));
                return 1;
            }
            return 0;
        }
    }
    switch (act) {
    case ACT_DOWN: if (s->cursor + 1 < n) s->cursor++; return 1;
    case ACT_UP: if (s->cursor > 0) s->cursor--; return 1;
    case ACT_PGDN: s->cursor = s->cursor + (size_t)cpr < n ? s->cursor + (size_t)cpr : n - 1; return 1;
    case ACT_PGUP: s->cursor = s->cursor >= (size_t)cpr ? s->cursor - (size_t)cpr : 0; return 1;
    case ACT_TOP: s->cursor = 0; return 1;
    case ACT_BOTTOM: s->cursor = n - 1; return 1;
    case ACT_PG_WIDER: s->span = s->span * 2 > n ? n : s->span * 2; return 1;
    case ACT_PG_NARROWER: s->span = (s->span > n ? n : s->span) / 2; if (!s->span) s->span = 1; return 1;
    case ACT_PLAYGROUND: app_status(a, "%s", tr(a->lang, "this is the playground")); return 1;
    default: return free_action(s, a, act);
    }
}

static void title(void *st, struct app *a, char *buf, int size)
{
    struct pg_view *s = st;
    if (s->have_scn)
        snprintf(buf, (size_t)size, tr(a->lang, "Playground: %s  (? keys, q back)"), s->scn.title);
    else
        snprintf(buf, (size_t)size, "%s", tr(a->lang, "Page-cache playground  (? keys, q back)"));
}

static void reflow(void *st, struct app *a)
{
    struct pg_view *s = st;
    if (strcmp(s->pg.lang, a->lang)) {
        playground_set_lang(&s->pg, a->lang);
        if (s->have_scn) {
            /* The same scenario in the other language: same steps, same answers. */
            struct scenario other;
            char err[300];
            if (load_scenario(a, s->name, a->lang, &other, err, sizeof err) == 0) {
                if (other.n_steps == s->scn.n_steps) {
                    scenario_free(&s->scn);
                    s->scn = other;
                } else {
                    scenario_free(&other);
                }
            }
        }
    }
}

static void close_(void *st)
{
    struct pg_view *s = st;
    playground_close(&s->pg);
    if (s->have_scn) scenario_free(&s->scn);
    free(s);
}

const struct screen_ops playground_ops = { "playground", draw, key, title, reflow, close_, NULL };

void *playground_view_open(struct app *a, const char *file, const char *scenario, char *err, size_t errlen)
{
    err[0] = 0;
    struct pg_view *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "%s", tr(a->lang, "out of memory"));
        app_status(a, "%s", err);
        return NULL;
    }
    if (scenario) {
        if (file) {
            snprintf(err, errlen, "%s", tr(a->lang, "a scenario runs on its own scratch file: give either --scenario or FILE"));
            app_status(a, "%s", err);
            free(s);
            return NULL;
        }
        if (load_scenario(a, scenario, a->lang, &s->scn, err, errlen) != 0) {
            app_status(a, "%s", err);
            free(s);
            return NULL;
        }
        s->have_scn = 1;
        snprintf(s->name, sizeof s->name, "%s", scenario);
    }
    const char *pm = getenv("MMAPLAB_PAGEMAP");
    if (playground_open(&s->pg, file, a->paths.workspace, a->lang, pm && *pm ? pm : NULL, err, errlen) != MM_OK) {
        app_status(a, "%s", err);
        if (s->have_scn) scenario_free(&s->scn);
        free(s);
        return NULL;
    }
    s->span = s->pg.npages;
    if (s->have_scn) {
        if (s->scn.map_private) {
            struct pg_request r = { PG_MAP_PRIVATE, 0, -1 };
            playground_do(&s->pg, &r);
        }
        for (size_t i = 0; i < s->scn.n_setup; i++) playground_do(&s->pg, &s->scn.setup[i]);
        s->phase = PH_PREDICT;
    }
    return s;
}
