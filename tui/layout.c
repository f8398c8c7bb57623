/* Blocks to lines: paragraphs wrapped with their quote bars and list
 * bullets, headings underlined, code highlighted, tables drawn with
 * box-drawing characters (or stacked when too narrow), quizzes listed. */
#include "doc.h"
#include "fold.h"
#include "highlight.h"
#include "textwidth.h"
#include "util.h"
#include "wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builder {
    struct layout *l;
    size_t cap;
    int ascii;
    mm_status err;
};

/* Box-drawing pieces, with their ASCII fallbacks. */
enum glyph { G_VBAR, G_HBAR, G_DHBAR, G_TL, G_TM, G_TR, G_ML, G_MM, G_MR, G_BL, G_BM, G_BR, G_CONT };
static const char *const glyph_utf8[] = {
    "\xE2\x94\x82", "\xE2\x94\x80", "\xE2\x95\x90", "\xE2\x94\x8C", "\xE2\x94\xAC", "\xE2\x94\x90",
    "\xE2\x94\x9C", "\xE2\x94\xBC", "\xE2\x94\xA4", "\xE2\x94\x94", "\xE2\x94\xB4", "\xE2\x94\x98",
    "\xE2\x94\x86",
};
static const char *const glyph_ascii[] = { "|", "-", "=", "+", "+", "+", "+", "+", "+", "+", "+", "+", ":" };

static const char *glyph(const struct builder *b, enum glyph g)
{
    return b->ascii ? glyph_ascii[g] : glyph_utf8[g];
}

static struct line *new_line(struct builder *b, int block)
{
    struct layout *l = b->l;
    if (l->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 64;
        struct line *nl = realloc(l->lines, nc * sizeof *nl);
        if (!nl) { b->err = MM_ERR_NOMEM; return NULL; }
        l->lines = nl;
        b->cap = nc;
    }
    struct line *ln = &l->lines[l->n++];
    memset(ln, 0, sizeof *ln);
    ln->block = block;
    return ln;
}

static void line_add(struct builder *b, struct line *ln, const char *text, enum role role, int link)
{
    if (!ln || !*text) return;
    if (ln->n && ln->spans[ln->n - 1].role == role && ln->spans[ln->n - 1].link == link) {
        struct span *s = &ln->spans[ln->n - 1];
        size_t a = strlen(s->text), c = strlen(text);
        char *t = realloc(s->text, a + c + 1);
        if (!t) { b->err = MM_ERR_NOMEM; return; }
        memcpy(t + a, text, c + 1);
        s->text = t;
        return;
    }
    struct span *ns = realloc(ln->spans, (ln->n + 1) * sizeof *ns);
    if (!ns) { b->err = MM_ERR_NOMEM; return; }
    ln->spans = ns;
    struct span *s = &ns[ln->n];
    s->text = strdup(text);
    if (!s->text) { b->err = MM_ERR_NOMEM; return; }
    s->role = role;
    s->link = link;
    ln->n++;
}

static void line_repeat(struct builder *b, struct line *ln, const char *piece, int times, enum role role)
{
    size_t pl = strlen(piece);
    if (times <= 0) return;
    char *buf = malloc(pl * (size_t)times + 1);
    if (!buf) { b->err = MM_ERR_NOMEM; return; }
    for (int i = 0; i < times; i++) memcpy(buf + pl * (size_t)i, piece, pl);
    buf[pl * (size_t)times] = 0;
    line_add(b, ln, buf, role, -1);
    free(buf);
}

static void blank(struct builder *b)
{
    new_line(b, -1);
}

/* The prefix of a block's lines: quote bars and list indentation. */
struct prefix {
    int quote;
    enum role bar_role;
    int indent;          /* spaces after the bars */
};

static int prefix_width(const struct prefix *p)
{
    return p->quote * 2 + p->indent;
}

static void put_prefix(struct builder *b, struct line *ln, const struct prefix *p)
{
    for (int q = 0; q < p->quote; q++) {
        line_add(b, ln, glyph(b, G_VBAR), p->bar_role, -1);
        line_add(b, ln, " ", ROLE_TEXT, -1);
    }
    line_repeat(b, ln, " ", p->indent, ROLE_TEXT);
}

/* Copy spans, folded to ASCII when needed. */
static struct span *prepare(struct builder *b, const struct span *in, size_t n)
{
    struct span *out = calloc(n ? n : 1, sizeof *out);
    if (!out) { b->err = MM_ERR_NOMEM; return NULL; }
    for (size_t i = 0; i < n; i++) {
        out[i] = in[i];
        out[i].text = b->ascii ? ascii_fold(in[i].text) : strdup(in[i].text);
        if (!out[i].text) b->err = MM_ERR_NOMEM;
    }
    return out;
}

static void free_prepared(struct span *s, size_t n)
{
    if (!s) return;
    for (size_t i = 0; i < n; i++) free(s[i].text);
    free(s);
}

/* Wrapped text with a prefix and a hanging first-line marker. */
static void flow(struct builder *b, int block, const struct span *spans, size_t n,
                 const struct prefix *p, const char *marker, enum role marker_role, int width)
{
    int mw = marker ? text_width(marker) : 0;
    int avail = width - prefix_width(p) - mw;
    struct prefix pp = *p;
    if (avail < 8 && prefix_width(p) > 0) { /* too narrow to nest: drop the prefix */
        pp.quote = 0;
        pp.indent = 0;
        avail = width - mw;
    }
    if (avail < 1 && mw > 0) { /* too narrow even for the bullet */
        marker = NULL;
        mw = 0;
        avail = width;
    }
    if (avail < 1) avail = 1;
    struct span *ps = prepare(b, spans, n);
    if (!ps) return;
    struct wrapped w;
    mm_status st = wrap_spans(ps, n, avail, avail, &w);
    free_prepared(ps, n);
    if (st != MM_OK) { b->err = st; return; }
    for (size_t i = 0; i < w.n; i++) {
        struct line *ln = new_line(b, block);
        put_prefix(b, ln, &pp);
        if (marker) {
            if (i == 0) line_add(b, ln, marker, marker_role, -1);
            else line_repeat(b, ln, " ", mw, ROLE_TEXT);
        }
        for (size_t k = 0; k < w.counts[i]; k++)
            line_add(b, ln, w.lines[i][k].text, w.lines[i][k].role, w.lines[i][k].link);
    }
    wrapped_free(&w);
}

static struct prefix block_prefix(const struct block *bl)
{
    struct prefix p = { bl->quote, bl->callout, 0 };
    if (bl->list_depth > 0) {
        p.indent = 2 * (bl->list_depth - 1);
        if (!bl->bullet) p.indent += 2;
    }
    return p;
}

static void lay_heading(struct builder *b, int idx, const struct block *bl, int width)
{
    struct span *spans = calloc(bl->n_spans ? bl->n_spans : 1, sizeof *spans);
    if (!spans) { b->err = MM_ERR_NOMEM; return; }
    enum role r = bl->level <= 2 ? ROLE_HEADING : ROLE_SUBHEADING;
    for (size_t i = 0; i < bl->n_spans; i++) {
        spans[i] = bl->spans[i];
        spans[i].role = r;
    }
    struct prefix p = { bl->quote, ROLE_QUOTE, 0 };
    size_t before = b->l->n;
    flow(b, idx, spans, bl->n_spans, &p, NULL, ROLE_TEXT, width);
    free(spans);
    if (bl->level <= 2) {
        int w = 0;
        for (size_t i = before; i < b->l->n; i++) {
            int lw = 0;
            for (size_t k = 0; k < b->l->lines[i].n; k++) lw += text_width(b->l->lines[i].spans[k].text);
            if (lw > w) w = lw;
        }
        struct line *ln = new_line(b, idx);
        line_repeat(b, ln, glyph(b, bl->level == 1 ? G_DHBAR : G_HBAR), w, ROLE_BORDER);
    }
}

static char *expand_tabs(const char *s, size_t n)
{
    size_t tabs = 0;
    for (size_t i = 0; i < n; i++) tabs += s[i] == '\t';
    char *out = malloc(n + tabs * 3 + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') { memcpy(out + o, "    ", 4); o += 4; }
        else out[o++] = s[i];
    }
    out[o] = 0;
    return out;
}

static void lay_code(struct builder *b, int idx, const struct block *bl, int width)
{
    struct prefix p = { bl->quote, bl->callout, bl->list_depth > 0 ? 2 * bl->list_depth : 0 };
    int avail = width - prefix_width(&p) - 2;
    if (avail < 8) { p.quote = 0; p.indent = 0; avail = width - 2; }
    if (avail < 1) avail = 1;
    int is_c = bl->info && bl->info[0] == 'c' && (bl->info[1] == 0 || bl->info[1] == ' ');
    if (bl->info && *bl->info && strncmp(bl->info, "text", 4) != 0) {
        struct line *ln = new_line(b, idx);
        put_prefix(b, ln, &p);
        line_add(b, ln, glyph(b, G_TL), ROLE_BORDER, -1);
        line_add(b, ln, glyph(b, G_HBAR), ROLE_BORDER, -1);
        line_add(b, ln, " ", ROLE_BORDER, -1);
        /* The label is clipped, not wrapped: it is only a caption. */
        char *label = b->ascii ? ascii_fold(bl->info) : strdup(bl->info);
        if (!label) { b->err = MM_ERR_NOMEM; return; }
        int room = avail - 1;
        size_t cut = 0;
        for (int used = 0; label[cut];) {
            uint32_t cp;
            size_t m = utf8_decode(label + cut, strlen(label + cut), &cp);
            if (used + cp_width(cp) > room) break;
            used += cp_width(cp);
            cut += m;
        }
        label[cut] = 0;
        line_add(b, ln, label, ROLE_DIM, -1);
        free(label);
    }
    const char *code = bl->code ? bl->code : "";
    size_t len = strlen(code);
    if (len && code[len - 1] == '\n') len--;
    int in_comment = 0;
    for (size_t s = 0; s <= len;) {
        const char *e = memchr(code + s, '\n', len - s);
        size_t n = e ? (size_t)(e - (code + s)) : len - s;
        char *raw = expand_tabs(code + s, n);
        if (!raw) { b->err = MM_ERR_NOMEM; return; }
        struct span *spans = NULL;
        size_t ns = 0;
        if (is_c) {
            if (highlight_c_line(raw, strlen(raw), &in_comment, &spans, &ns) != MM_OK) b->err = MM_ERR_NOMEM;
        } else {
            spans = malloc(sizeof *spans);
            if (spans) { spans[0] = (struct span){ strdup(raw), ROLE_CODEBLOCK, -1 }; ns = 1; }
            if (!spans || !spans[0].text) b->err = MM_ERR_NOMEM;
        }
        free(raw);
        if (b->err != MM_OK) { free_prepared(spans, ns); return; }
        struct span *ps = prepare(b, spans, ns);
        free_prepared(spans, ns);
        if (!ps) return;
        /* Code keeps its spaces: cut by columns, marking continuations. */
        struct wrapped w;
        mm_status st = ns ? wrap_spans(ps, ns, avail, avail, &w) : MM_OK;
        if (!ns) memset(&w, 0, sizeof w);
        free_prepared(ps, ns);
        if (st != MM_OK) { b->err = st; return; }
        if (w.n == 0) {
            struct line *ln = new_line(b, idx);
            put_prefix(b, ln, &p);
            line_add(b, ln, glyph(b, G_VBAR), ROLE_BORDER, -1);
        }
        for (size_t i = 0; i < w.n; i++) {
            struct line *ln = new_line(b, idx);
            put_prefix(b, ln, &p);
            line_add(b, ln, glyph(b, i ? G_CONT : G_VBAR), ROLE_BORDER, -1);
            line_add(b, ln, " ", ROLE_CODEBLOCK, -1);
            for (size_t k = 0; k < w.counts[i]; k++) line_add(b, ln, w.lines[i][k].text, w.lines[i][k].role, -1);
        }
        wrapped_free(&w);
        if (!e) break;
        s += n + 1;
    }
}

static int cell_width(const struct table_cell *c)
{
    int w = 0;
    for (size_t i = 0; i < c->n; i++) w += text_width(c->spans[i].text);
    return w;
}

static void table_rule(struct builder *b, int idx, const struct prefix *p, const int *cw, size_t cols,
                       enum glyph l, enum glyph m, enum glyph r)
{
    struct line *ln = new_line(b, idx);
    put_prefix(b, ln, p);
    line_add(b, ln, glyph(b, l), ROLE_BORDER, -1);
    for (size_t c = 0; c < cols; c++) {
        line_repeat(b, ln, glyph(b, G_HBAR), cw[c] + 2, ROLE_BORDER);
        line_add(b, ln, glyph(b, c + 1 < cols ? m : r), ROLE_BORDER, -1);
    }
}

/* Too narrow for a grid: each row as "header: value" lines. */
static void lay_table_stacked(struct builder *b, int idx, const struct block *bl, int width)
{
    struct prefix p = { bl->quote, ROLE_QUOTE, 0 };
    for (size_t r = 1; r < bl->rows; r++) {
        if (r > 1) blank(b);
        for (size_t c = 0; c < bl->cols; c++) {
            const struct table_cell *h = &bl->cells[c], *v = &bl->cells[r * bl->cols + c];
            size_t n = h->n + v->n + 1;
            struct span *s = calloc(n, sizeof *s);
            if (!s) { b->err = MM_ERR_NOMEM; return; }
            size_t k = 0;
            for (size_t i = 0; i < h->n; i++) { s[k] = h->spans[i]; s[k++].role = ROLE_STRONG; }
            s[k++] = (struct span){ ": ", ROLE_STRONG, -1 };
            for (size_t i = 0; i < v->n; i++) s[k++] = v->spans[i];
            flow(b, idx, s, k, &p, NULL, ROLE_TEXT, width);
            free(s);
        }
    }
}

static void lay_table(struct builder *b, int idx, const struct block *bl, int width)
{
    size_t cols = bl->cols, rows = bl->rows;
    if (!cols || !rows) return;
    struct prefix p = { bl->quote, ROLE_QUOTE, 0 };
    int avail = width - prefix_width(&p);
    int *cw = calloc(cols, sizeof *cw);
    if (!cw) { b->err = MM_ERR_NOMEM; return; }
    int total = (int)cols * 3 + 1;
    for (size_t c = 0; c < cols; c++) {
        for (size_t r = 0; r < rows; r++) {
            int w = cell_width(&bl->cells[r * cols + c]);
            if (w > cw[c]) cw[c] = w;
        }
        if (cw[c] < 1) cw[c] = 1;
        total += cw[c];
    }
    /* Shrink the widest column until the table fits; cells then wrap. */
    while (total > avail) {
        size_t widest = 0;
        for (size_t c = 1; c < cols; c++) if (cw[c] > cw[widest]) widest = c;
        if (cw[widest] <= 6) break;
        cw[widest]--;
        total--;
    }
    if (total > avail) {
        free(cw);
        lay_table_stacked(b, idx, bl, width);
        return;
    }
    /* When cells wrap, rules between rows keep the rows apart. */
    int wraps = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            if (cell_width(&bl->cells[r * cols + c]) > cw[c]) wraps = 1;
    table_rule(b, idx, &p, cw, cols, G_TL, G_TM, G_TR);
    for (size_t r = 0; r < rows && b->err == MM_OK; r++) {
        struct wrapped *cells = calloc(cols, sizeof *cells);
        if (!cells) { b->err = MM_ERR_NOMEM; break; }
        size_t height = 1;
        for (size_t c = 0; c < cols; c++) {
            const struct table_cell *cell = &bl->cells[r * cols + c];
            struct span *ps = prepare(b, cell->spans, cell->n);
            if (ps && wrap_spans(ps, cell->n, cw[c], cw[c], &cells[c]) != MM_OK) b->err = MM_ERR_NOMEM;
            free_prepared(ps, cell->n);
            if (cells[c].n > height) height = cells[c].n;
        }
        for (size_t h = 0; h < height && b->err == MM_OK; h++) {
            struct line *ln = new_line(b, idx);
            put_prefix(b, ln, &p);
            line_add(b, ln, glyph(b, G_VBAR), ROLE_BORDER, -1);
            for (size_t c = 0; c < cols; c++) {
                int used = 0;
                int align = bl->cells[r * cols + c].align;
                int lw = h < cells[c].n ? cells[c].widths[h] : 0;
                int pad_left = align == 2 ? cw[c] - lw : align == 1 ? (cw[c] - lw) / 2 : 0;
                line_add(b, ln, " ", ROLE_TEXT, -1);
                line_repeat(b, ln, " ", pad_left, ROLE_TEXT);
                if (h < cells[c].n)
                    for (size_t k = 0; k < cells[c].counts[h]; k++)
                        line_add(b, ln, cells[c].lines[h][k].text, cells[c].lines[h][k].role,
                                 cells[c].lines[h][k].link);
                used = pad_left + lw;
                line_repeat(b, ln, " ", cw[c] - used + 1, ROLE_TEXT);
                line_add(b, ln, glyph(b, G_VBAR), ROLE_BORDER, -1);
            }
        }
        for (size_t c = 0; c < cols; c++) wrapped_free(&cells[c]);
        free(cells);
        if ((r == 0 || wraps) && r + 1 < rows) table_rule(b, idx, &p, cw, cols, G_ML, G_MM, G_MR);
    }
    table_rule(b, idx, &p, cw, cols, G_BL, G_BM, G_BR);
    free(cw);
}

static void lay_text(struct builder *b, int idx, const char *text, enum role role,
                     const struct prefix *p, const char *marker, int width)
{
    struct span s = { (char *)text, role, -1 };
    flow(b, idx, &s, 1, p, marker, role, width);
}

static void lay_quiz(struct builder *b, int idx, const struct block *bl, int width)
{
    struct prefix p = { bl->quote, ROLE_QUOTE, 0 };
    if (!bl->quiz) {
        char msg[300];
        snprintf(msg, sizeof msg, "(this quiz block does not parse: %s)",
                 bl->quiz_error ? bl->quiz_error : "unknown error");
        lay_text(b, idx, msg, ROLE_FAIL, &p, NULL, width);
        return;
    }
    /* Narrow screens get shorter markers. */
    const char *indent = width >= 30 ? "    " : "";
    const char *answer = width >= 30 ? "Answer: " : "= ";
    for (size_t q = 0; q < bl->quiz->n_questions; q++) {
        const quiz_question *qq = &bl->quiz->questions[q];
        char marker[32];
        if (q) blank(b);
        snprintf(marker, sizeof marker, "Q%zu. ", q + 1);
        lay_text(b, idx, qq->text, ROLE_QUIZ, &p, marker, width);
        for (size_t o = 0; o < qq->n_options; o++) {
            char m[16];
            snprintf(m, sizeof m, "%s%c) ", indent, (char)('a' + o));
            lay_text(b, idx, qq->options[o], ROLE_TEXT, &p, m, width);
        }
        char ans[32];
        snprintf(ans, sizeof ans, "%s%s%c) ", indent, answer, (char)('a' + qq->right));
        lay_text(b, idx, qq->explanation, ROLE_DIM, &p, ans, width);
    }
}

mm_status doc_layout(const struct doc *d, int width, int ascii, struct layout *out)
{
    memset(out, 0, sizeof *out);
    if (width < 1) width = 1;
    out->width = width;
    out->ascii = ascii;
    struct builder b = { .l = out, .ascii = ascii, .err = MM_OK };
    for (size_t i = 0; i < d->n && b.err == MM_OK; i++) {
        const struct block *bl = &d->blocks[i];
        /* Items of one list follow each other without a blank line. */
        int tight = i > 0 && bl->list_depth > 0 && bl->bullet && d->blocks[i - 1].list_depth > 0 &&
                    d->blocks[i - 1].kind == BLOCK_PARAGRAPH;
        if (i > 0 && !tight) blank(&b);
        switch (bl->kind) {
        case BLOCK_HEADING: lay_heading(&b, (int)i, bl, width); break;
        case BLOCK_PARAGRAPH: {
            struct prefix p = block_prefix(bl);
            char *marker = bl->bullet ? (ascii ? ascii_fold(bl->bullet) : strdup(bl->bullet)) : NULL;
            if (bl->bullet && !marker) { b.err = MM_ERR_NOMEM; break; }
            flow(&b, (int)i, bl->spans, bl->n_spans, &p, marker, ROLE_BORDER, width);
            free(marker);
            break;
        }
        case BLOCK_CODE: lay_code(&b, (int)i, bl, width); break;
        case BLOCK_TABLE: lay_table(&b, (int)i, bl, width); break;
        case BLOCK_RULE: {
            struct line *ln = new_line(&b, (int)i);
            line_repeat(&b, ln, glyph(&b, G_HBAR), width, ROLE_BORDER);
            break;
        }
        case BLOCK_QUIZ: lay_quiz(&b, (int)i, bl, width); break;
        }
    }
    if (b.err != MM_OK) {
        layout_free(out);
        return b.err;
    }
    return MM_OK;
}

void layout_free(struct layout *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->lines[i].n; k++) free(l->lines[i].spans[k].text);
        free(l->lines[i].spans);
    }
    free(l->lines);
    memset(l, 0, sizeof *l);
}

int layout_line_of_block(const struct layout *l, int block)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->lines[i].block == block) return (int)i;
    return -1;
}

int text_width(const char *s)
{
    return text_width_n(s, strlen(s));
}
