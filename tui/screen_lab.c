/* A lab: its README, the hints revealed so far, and the last check's
 * results, all shown as one Markdown document so they share the reader's
 * layout, wrapping and colours. */
#include "app.h"
#include "i18n.h"
#include "check.h"
#include "hints.h"
#include "watcher.h"

#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lab_view {
    const struct lab *lab;
    char *readme;
    char *hints;          /* HINTS.md text */
    int n_hints, shown;
    char *results;        /* Markdown of the last check, or NULL */
    struct doc doc;
    struct layout lay;
    int loaded;
    int top, body_rows;
    struct watcher *watch;   /* non-NULL in watch mode */
};

static void build(struct lab_view *s, struct app *a)
{
    if (s->loaded) {
        layout_free(&s->lay);
        doc_free(&s->doc);
        s->loaded = 0;
    }
    struct strbuf t = {0};
    sb_adds(&t, s->readme ? s->readme : tr(a->lang, "(this lab has no README.md)"));
    sb_adds(&t, "\n\n---\n\n");
    for (int k = 0; k < s->shown && s->hints; k++) {
        const char *end, *h = hints_section(s->hints, k, &end);
        if (h) { sb_add(&t, h, (size_t)(end - h)); sb_adds(&t, "\n\n"); }
    }
    if (s->shown < s->n_hints) {
        char line[128];
        snprintf(line, sizeof line, tr(a->lang, "*Press h for hint %d of %d.*"), s->shown + 1, s->n_hints);
        sb_adds(&t, line);
        sb_adds(&t, "\n\n");
    }
    if (s->results) sb_adds(&t, s->results);
    else sb_adds(&t, tr(a->lang, "*Press c to check your work.*"));
    if (!t.s) { app_status(a, "%s", tr(a->lang, "out of memory")); return; }
    if (doc_parse(t.s, t.len, &s->doc) == MM_OK) {
        if (doc_layout(&s->doc, a->w, a->ascii, &s->lay) == MM_OK) s->loaded = 1;
        else doc_free(&s->doc);
    }
    free(t.s);
}

/* The check's results as Markdown. */
static char *results_markdown(const struct app *a, const struct lab_result *r)
{
    struct strbuf t = {0};
    char line[512];
    snprintf(line, sizeof line, "## %s\n\n", tr(a->lang, "Check"));
    sb_adds(&t, line);
    snprintf(line, sizeof line, tr(a->lang, "**%d/%d points**"), r->score, r->max);
    sb_adds(&t, line);
    snprintf(line, sizeof line, "\n\n");
    sb_adds(&t, line);
    for (size_t i = 0; i < r->tap.n; i++) {
        const struct tap_test *x = &r->tap.tests[i];
        const char *word = x->outcome == TAP_PASS ? "GOOD" : x->outcome == TAP_SKIP ? "SKIP" : "BAD";
        char pts[32] = "";
        if (x->points > 0) snprintf(pts, sizeof pts, " %d/%d", x->outcome == TAP_PASS ? x->points : 0, x->points);
        snprintf(line, sizeof line, "- **%s**%s %s\n", word, pts, x->name);
        sb_adds(&t, line);
        if ((x->outcome == TAP_FAIL || x->outcome == TAP_TODO_FAIL) && x->diag) {
            sb_adds(&t, "\n  ```text\n");
            for (const char *p = x->diag; *p;) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                int noise = check_diag_noise(p, n) || strspn(p, " \t") >= n;
                if (!noise) { sb_adds(&t, "  "); sb_add(&t, p, n); sb_adds(&t, "\n"); }
                if (!e) break;
                p = e + 1;
            }
            sb_adds(&t, "  ```\n\n");
        }
    }
    if (!r->complete) { sb_adds(&t, "\n"); sb_adds(&t, tr(a->lang, "**The test run ended early.**")); }
    return t.s;
}

static void run_check(struct lab_view *s, struct app *a)
{
    app_status(a, tr(a->lang, "Checking lab %s: building and running its tests..."), s->lab->id);
    app_refresh(a);
    struct lab_result r;
    mm_status st = lab_check(&a->paths, s->lab, NULL, &r);
    if (st != MM_OK) {
        app_status(a, tr(a->lang, "check failed: %s"), mm_strerror(st));
        lab_result_free(&r);
        return;
    }
    free(s->results);
    s->results = results_markdown(a, &r);
    app_remember(a, "lab", s->lab->id, r.score, r.max);
    app_status(a, tr(a->lang, "Lab %s: %d/%d points, %d passed, %d failed"), s->lab->id, r.score, r.max, r.passed, r.failed);
    lab_result_free(&r);
    build(s, a);
    /* Jump to the results. */
    for (size_t i = 0; i < s->lay.n; i++) {
        const struct line *ln = &s->lay.lines[i];
        if (ln->n && !strcmp(ln->spans[0].text, tr(a->lang, "Check"))) { s->top = (int)i; break; }
    }
}

/* The learner's copy of the lab. */
static char *lab_dir(const struct lab_view *s, const struct app *a)
{
    char rel[300];
    snprintf(rel, sizeof rel, "labs/%s", s->lab->dir);
    return path_join(a->paths.workspace, rel);
}

/* Open the student file in the learner's editor with the screen handed
 * over, then check the result. */
static void edit_file(struct lab_view *s, struct app *a)
{
    char *dir = lab_dir(s, a);
    char *file = dir ? path_join(dir, s->lab->files[0]) : NULL;
    free(dir);
    if (!file) { app_status(a, "%s", tr(a->lang, "out of memory")); return; }
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor) editor = getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    setenv("MMAPLAB_EDITOR", editor, 1);
    a->be->suspend(a->be);
    pid_t pid = fork();
    if (pid == 0) {
        /* Through the shell, so EDITOR may carry options ("code -w"). */
        execl("/bin/sh", "sh", "-c", "exec $MMAPLAB_EDITOR \"$1\"", "sh", file, (char *)NULL);
        _exit(127);
    }
    int ws = 0;
    if (pid > 0)
        while (waitpid(pid, &ws, 0) < 0) {}
    a->be->resume(a->be);
    free(file);
    if (pid < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        app_status(a, tr(a->lang, "the editor (%s) did not finish cleanly"), editor);
        return;
    }
    run_check(s, a);
}

static void tick(void *st, struct app *a)
{
    struct lab_view *s = st;
    if (s->watch && watcher_changed(s->watch)) run_check(s, a);
}

static int max_top(const struct lab_view *s)
{
    int m = (int)s->lay.n - s->body_rows;
    return m > 0 ? m : 0;
}

static void draw(void *st, struct app *a, struct canvas *c, int top, int rows)
{
    (void)a;
    struct lab_view *s = st;
    s->body_rows = rows;
    if (s->top > max_top(s)) s->top = max_top(s);
    if (s->top < 0) s->top = 0;
    if (s->loaded) draw_layout(c, &s->lay, s->top, top, rows, -1);
}

static int key(void *st, struct app *a, enum action act)
{
    struct lab_view *s = st;
    int page = s->body_rows > 2 ? s->body_rows - 2 : 1;
    switch (act) {
    case ACT_DOWN: s->top++; return 1;
    case ACT_UP: s->top--; return 1;
    case ACT_PGDN: s->top += page; return 1;
    case ACT_PGUP: s->top -= page; return 1;
    case ACT_TOP: s->top = 0; return 1;
    case ACT_BOTTOM: s->top = max_top(s); return 1;
    case ACT_HINT:
        if (s->shown < s->n_hints) {
            s->shown++;
            app_remember(a, "hints", s->lab->id, s->shown, 0);
            build(s, a);
            app_status(a, tr(a->lang, "hint %d of %d"), s->shown, s->n_hints);
        } else {
            app_status(a, "%s", tr(a->lang, s->n_hints ? "no more hints" : "this lab has no hints"));
        }
        return 1;
    case ACT_CHECK: run_check(s, a); return 1;
    case ACT_EDIT: edit_file(s, a); return 1;
    case ACT_WATCH:
        if (s->watch) {
            watcher_close(s->watch);
            s->watch = NULL;
            app_status(a, "%s", tr(a->lang, "watch mode off"));
        } else {
            char *dir = lab_dir(s, a);
            s->watch = dir ? watcher_open(dir, s->lab->files, s->lab->nfiles) : NULL;
            free(dir);
            app_status(a, "%s", tr(a->lang, s->watch ? "watch mode on: saving the file checks it again (c checks now)"
                                                     : "cannot watch the lab's folder"));
        }
        return 1;
    default: return 0;
    }
}

static void title(void *st, struct app *a, char *buf, int size)
{
    struct lab_view *s = st;
    snprintf(buf, (size_t)size, tr(a->lang, "Lab %s %s: %s  (c check, h hint)"), s->lab->id, s->lab->slug, s->lab->title);
}

static void reflow(void *st, struct app *a)
{
    build(st, a);
}

static void close_(void *st)
{
    struct lab_view *s = st;
    if (s->loaded) {
        layout_free(&s->lay);
        doc_free(&s->doc);
    }
    watcher_close(s->watch);
    free(s->readme);
    free(s->hints);
    free(s->results);
    free(s);
}

const struct screen_ops lab_ops = { "lab", draw, key, title, reflow, close_, tick };

void *lab_open(struct app *a, const struct lab *lab)
{
    struct lab_view *s = calloc(1, sizeof *s);
    if (!s) { app_status(a, "%s", tr(a->lang, "out of memory")); return NULL; }
    s->lab = lab;
    char rel[300];
    /* The task comes from the pristine lab folder. */
    snprintf(rel, sizeof rel, "labs/%s/README.md", lab->dir);
    char *p = path_join(a->paths.data, rel);
    if (p) read_file(p, &s->readme, NULL);
    free(p);
    snprintf(rel, sizeof rel, "labs/%s/HINTS.md", lab->dir);
    p = path_join(a->paths.data, rel);
    if (p && read_file(p, &s->hints, NULL) == MM_OK) s->n_hints = hints_count(s->hints);
    free(p);
    struct progress_entry *e = progress_get(&a->progress, "hints", lab->id);
    if (e) s->shown = e->a < s->n_hints ? e->a : s->n_hints;
    s->body_rows = a->h - 2;
    build(s, a);
    return s;
}
