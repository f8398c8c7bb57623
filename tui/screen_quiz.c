/* A chapter's quiz, one question at a time: j/k choose, Enter answers and
 * shows the right option and the explanation, Enter again moves on. The
 * score of the attempt goes into the progress file. */
#include "app.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct quiz_view {
    char file[96];          /* chapter file, the progress key */
    char *title;
    struct doc doc;         /* the chapter, for its quiz blocks */
    const quiz_question **qs;
    size_t n, at;
    int cursor, answered, chosen, right;
    struct doc page;        /* the current question as a document */
    struct layout lay;
    int loaded, top, rows;
};

/* Quiz text goes into Markdown as plain text: escape what would format. */
static void put_plain(struct strbuf *m, const char *text)
{
    char one[3] = { '\\', 0, 0 };
    for (const char *p = text; *p; p++) {
        if (strchr("\\`*_[]<>#|", *p)) { one[1] = *p; sb_adds(m, one); }
        else { char c[2] = { *p, 0 }; sb_adds(m, c); }
    }
}

static void rebuild(struct quiz_view *s, struct app *a)
{
    if (s->loaded) {
        layout_free(&s->lay);
        doc_free(&s->page);
        s->loaded = 0;
    }
    struct strbuf m = {0};
    char line[256];
    if (s->at >= s->n) {
        snprintf(line, sizeof line, tr(a->lang, "You answered %d of %zu questions right."), s->right, s->n);
        sb_adds(&m, "## ");
        sb_adds(&m, line);
        sb_adds(&m, "\n\n");
        sb_adds(&m, tr(a->lang, "Press q to go back to the chapter."));
        sb_adds(&m, "\n");
    } else {
        const quiz_question *q = s->qs[s->at];
        snprintf(line, sizeof line, tr(a->lang, "Question %zu of %zu"), s->at + 1, s->n);
        sb_adds(&m, "## ");
        sb_adds(&m, line);
        sb_adds(&m, "\n\n");
        put_plain(&m, q->text);
        sb_adds(&m, "\n\n");
        for (size_t o = 0; o < q->n_options; o++) {
            /* The mark sits inside the bold label: Markdown would eat
             * leading blanks. */
            const char *mark = "";
            if (s->answered && o == q->right) mark = a->ascii ? "ok " : "\xE2\x9C\x93 ";
            else if (s->answered && (int)o == s->chosen) mark = a->ascii ? "no " : "\xE2\x9C\x97 ";
            else if (!s->answered && (int)o == s->cursor) mark = a->ascii ? "> " : "\xE2\x96\xB8 ";
            snprintf(line, sizeof line, "**%s%c)** ", mark, (char)('a' + o));
            sb_adds(&m, "- ");
            sb_adds(&m, line);
            put_plain(&m, q->options[o]);
            sb_adds(&m, "\n");
        }
        sb_adds(&m, "\n");
        if (s->answered) {
            sb_adds(&m, (size_t)s->chosen == q->right ? tr(a->lang, "**Right.**") : tr(a->lang, "**Not quite.**"));
            sb_adds(&m, " ");
            put_plain(&m, q->explanation);
            sb_adds(&m, "\n\n*");
            sb_adds(&m, tr(a->lang, "Enter: next question"));
            sb_adds(&m, "*\n");
        } else {
            sb_adds(&m, "*");
            sb_adds(&m, tr(a->lang, "j/k choose, Enter answers"));
            sb_adds(&m, "*\n");
        }
    }
    if (m.failed || !m.s) { free(m.s); app_status(a, "%s", tr(a->lang, "out of memory")); return; }
    if (doc_parse(m.s, m.len, &s->page) == MM_OK) {
        if (doc_layout(&s->page, a->w, a->ascii, &s->lay) == MM_OK) s->loaded = 1;
        else doc_free(&s->page);
    }
    free(m.s);
}

static void draw(void *st, struct app *a, struct canvas *c, int top, int rows)
{
    (void)a;
    struct quiz_view *s = st;
    s->rows = rows;
    int max = (int)s->lay.n - rows;
    if (s->top > max) s->top = max;
    if (s->top < 0) s->top = 0;
    if (s->loaded) draw_layout(c, &s->lay, s->top, top, rows, -1);
}

static int key(void *st, struct app *a, enum action act)
{
    struct quiz_view *s = st;
    if (s->at >= s->n) return 0;
    const quiz_question *q = s->qs[s->at];
    switch (act) {
    case ACT_DOWN:
        if (!s->answered && s->cursor + 1 < (int)q->n_options) s->cursor++;
        else s->top++;
        break;
    case ACT_UP:
        if (!s->answered && s->cursor > 0) s->cursor--;
        else if (s->top > 0) s->top--;
        break;
    case ACT_OPEN:
        if (!s->answered) {
            s->answered = 1;
            s->chosen = s->cursor;
            if ((size_t)s->chosen == q->right) s->right++;
        } else {
            s->at++;
            s->answered = 0;
            s->cursor = 0;
            s->top = 0;
            if (s->at == s->n) app_remember(a, "quiz", s->file, s->right, (int)s->n);
        }
        break;
    default: return 0;
    }
    rebuild(s, a);
    return 1;
}

static void title(void *st, struct app *a, char *buf, int size)
{
    struct quiz_view *s = st;
    snprintf(buf, (size_t)size, tr(a->lang, "Quiz: %s"), s->title ? s->title : s->file);
}

static void reflow(void *st, struct app *a)
{
    rebuild(st, a);
}

static void close_(void *st)
{
    struct quiz_view *s = st;
    if (s->loaded) {
        layout_free(&s->lay);
        doc_free(&s->page);
    }
    doc_free(&s->doc);
    free(s->qs);
    free(s->title);
    free(s);
}

const struct screen_ops quiz_ops = { "quiz", draw, key, title, reflow, close_, NULL };

void *quiz_open(struct app *a, size_t lesson)
{
    const struct lesson *l = &a->lessons.items[lesson];
    struct quiz_view *s = calloc(1, sizeof *s);
    if (!s) { app_status(a, "%s", tr(a->lang, "out of memory")); return NULL; }
    snprintf(s->file, sizeof s->file, "%s", l->file);
    s->title = strdup(l->title);
    char *text = NULL;
    size_t len;
    if (read_file(l->path, &text, &len) != MM_OK || doc_parse(text, len, &s->doc) != MM_OK) {
        free(text);
        app_status(a, tr(a->lang, "cannot show %s: %s"), l->file, "read error");
        free(s->title);
        free(s);
        return NULL;
    }
    free(text);
    for (size_t i = 0; i < s->doc.n; i++)
        if (s->doc.blocks[i].kind == BLOCK_QUIZ && s->doc.blocks[i].quiz) s->n += s->doc.blocks[i].quiz->n_questions;
    if (s->n == 0) {
        app_status(a, "%s", tr(a->lang, "this chapter has no quiz"));
        close_(s);
        return NULL;
    }
    s->qs = calloc(s->n, sizeof *s->qs); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
    if (!s->qs) { close_(s); return NULL; }
    size_t k = 0;
    for (size_t i = 0; i < s->doc.n; i++) {
        const struct block *b = &s->doc.blocks[i];
        if (b->kind != BLOCK_QUIZ || !b->quiz) continue;
        for (size_t q = 0; q < b->quiz->n_questions; q++) s->qs[k++] = &b->quiz->questions[q];
    }
    rebuild(s, a);
    return s;
}
