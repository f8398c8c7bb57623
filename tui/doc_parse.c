/* Markdown to blocks, with md4c. The parser walks md4c's callbacks with an
 * explicit context (quote depth, list stack, role stack) and appends styled
 * spans to the block being built. */
#include "doc.h"
#include "textwidth.h"
#include "util.h"

#include <ctype.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

enum { MAX_DEPTH = 32 };

struct list_ctx {
    int ordered;
    unsigned next;     /* next number of an ordered list */
    int tight;
};

struct parse_ctx {
    struct doc *d;
    size_t cap_blocks, cap_links;
    int quote;
    struct list_ctx lists[MAX_DEPTH];
    int n_lists;
    char *pending_bullet;
    enum role roles[MAX_DEPTH];
    int n_roles;
    int links[MAX_DEPTH];
    int n_link;
    struct block *cur;    /* paragraph, heading or code being filled */
    int cur_index;
    /* tables */
    int in_table;
    size_t table_block;
    size_t row, col;
    struct table_cell *cell;
    mm_status err;
};

static const char *const role_names[] = {
#define ROLE_STR(r) #r,
    ROLE_TABLE(ROLE_STR)
#undef ROLE_STR
};

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] + 5 : "?";
}

static void free_spans(struct span *s, size_t n)
{
    for (size_t i = 0; i < n; i++) free(s[i].text);
    free(s);
}

void doc_free(struct doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct block *b = &d->blocks[i];
        free_spans(b->spans, b->n_spans);
        free(b->bullet);
        free(b->code);
        free(b->info);
        for (size_t c = 0; c < b->rows * b->cols; c++) free_spans(b->cells[c].spans, b->cells[c].n);
        free(b->cells);
        quiz_free(b->quiz);
        free(b->quiz_error);
        free(b->anchor);
    }
    free(d->blocks);
    for (size_t i = 0; i < d->n_links; i++) free(d->links[i]);
    free(d->links);
    free(d->title);
    memset(d, 0, sizeof *d);
}

static struct block *new_block(struct parse_ctx *c, enum block_kind kind)
{
    struct doc *d = c->d;
    if (d->n == c->cap_blocks) {
        size_t nc = c->cap_blocks ? c->cap_blocks * 2 : 32;
        struct block *nb = realloc(d->blocks, nc * sizeof *nb);
        if (!nb) { c->err = MM_ERR_NOMEM; return NULL; }
        d->blocks = nb;
        c->cap_blocks = nc;
        /* cur points into the array: refresh it after a move. */
        if (c->cur) c->cur = &d->blocks[c->cur_index];
    }
    struct block *b = &d->blocks[d->n];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->quote = c->quote;
    b->callout = ROLE_QUOTE;
    b->list_depth = c->n_lists;
    c->cur_index = (int)d->n;
    d->n++;
    return b;
}

static mm_status add_span(struct span **spans, size_t *n, const char *text, size_t len,
                          enum role role, int link)
{
    /* Merge with the previous span when the style is the same. */
    if (*n && (*spans)[*n - 1].role == role && (*spans)[*n - 1].link == link) {
        struct span *s = &(*spans)[*n - 1];
        size_t old = strlen(s->text);
        char *t = realloc(s->text, old + len + 1);
        if (!t) return MM_ERR_NOMEM;
        memcpy(t + old, text, len);
        t[old + len] = 0;
        s->text = t;
        return MM_OK;
    }
    struct span *ns = realloc(*spans, (*n + 1) * sizeof *ns);
    if (!ns) return MM_ERR_NOMEM;
    *spans = ns;
    char *t = xstrndup(text, len);
    if (!t) return MM_ERR_NOMEM;
    ns[*n] = (struct span){ t, role, link };
    (*n)++;
    return MM_OK;
}

static enum role current_role(const struct parse_ctx *c)
{
    return c->n_roles ? c->roles[c->n_roles - 1] : ROLE_TEXT;
}

static int current_link(const struct parse_ctx *c)
{
    return c->n_link ? c->links[c->n_link - 1] : -1;
}

/* A tight list item has text but no paragraph block: open one. */
static struct block *text_target(struct parse_ctx *c)
{
    if (c->cur) return c->cur;
    struct block *b = new_block(c, BLOCK_PARAGRAPH);
    if (!b) return NULL;
    c->cur = b;
    if (c->pending_bullet) {
        b->bullet = c->pending_bullet;
        c->pending_bullet = NULL;
    }
    return b;
}

static mm_status append_text(struct parse_ctx *c, const char *text, size_t len)
{
    enum role role = current_role(c);
    int link = current_link(c);
    if (c->in_table) {
        if (!c->cell) return MM_OK;
        return add_span(&c->cell->spans, &c->cell->n, text, len, role, link);
    }
    struct block *b = text_target(c);
    if (!b) return MM_ERR_NOMEM;
    if (b->kind == BLOCK_CODE || b->kind == BLOCK_QUIZ) {
        size_t old = b->code ? strlen(b->code) : 0;
        char *t = realloc(b->code, old + len + 1);
        if (!t) return MM_ERR_NOMEM;
        memcpy(t + old, text, len);
        t[old + len] = 0;
        b->code = t;
        return MM_OK;
    }
    return add_span(&b->spans, &b->n_spans, text, len, role, link);
}

static char *attr_dup(const MD_ATTRIBUTE *a)
{
    return a && a->text ? xstrndup(a->text, a->size) : strdup("");
}

/* GitHub's anchor rule: lower-case, keep letters, digits, '-' and '_',
 * spaces become '-', everything else goes. */
static char *slugify(const struct span *spans, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += strlen(spans[i].text);
    char *out = malloc(total + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = spans[i].text;
        size_t len = strlen(s);
        for (size_t k = 0; k < len;) {
            uint32_t cp;
            size_t m = utf8_decode(s + k, len - k, &cp);
            if (cp < 0x80) {
                if (isalnum((int)cp)) out[o++] = (char)tolower((int)cp);
                else if (cp == ' ' || cp == '-') out[o++] = '-';
                else if (cp == '_') out[o++] = '_';
            } else if (iswalnum((wint_t)cp) || cp >= 0x3400) {
                /* Letters of any script are kept; CJK punctuation (below
                 * U+3400 and in the fullwidth forms) is not. */
                if (!(cp >= 0xFF00 && cp <= 0xFF20) && !(cp >= 0xFF3B && cp <= 0xFF40) &&
                    !(cp >= 0xFF5B && cp <= 0xFF65) && !(cp >= 0x3000 && cp <= 0x303F)) {
                    memcpy(out + o, s + k, m);
                    o += m;
                }
            }
            k += m;
        }
    }
    out[o] = 0;
    return out;
}

/* A quote paragraph that starts with a bold marker is a callout. */
static enum role callout_of(const struct block *b)
{
    if (!b->quote || !b->n_spans || b->spans[0].role != ROLE_STRONG) return ROLE_QUOTE;
    const char *t = b->spans[0].text;
    static const struct { const char *word; enum role role; } marks[] = {
        { "Myth", ROLE_MYTH }, { "误区", ROLE_MYTH }, { "Fact", ROLE_FACT }, { "事实", ROLE_FACT },
        { "Note", ROLE_NOTE }, { "注意", ROLE_NOTE }, { "Warning", ROLE_WARN }, { "警告", ROLE_WARN },
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (!strncmp(t, marks[i].word, strlen(marks[i].word))) return marks[i].role;
    return ROLE_QUOTE;
}

static void finish_block(struct parse_ctx *c)
{
    struct block *b = c->cur;
    if (!b) return;
    if (b->kind == BLOCK_PARAGRAPH) b->callout = callout_of(b);
    if (b->kind == BLOCK_HEADING) {
        b->anchor = slugify(b->spans, b->n_spans);
        if (!b->anchor) c->err = MM_ERR_NOMEM;
        if (b->level == 1 && !c->d->title) {
            size_t total = 0;
            for (size_t i = 0; i < b->n_spans; i++) total += strlen(b->spans[i].text);
            c->d->title = malloc(total + 1);
            if (!c->d->title) { c->err = MM_ERR_NOMEM; }
            else {
                c->d->title[0] = 0;
                for (size_t i = 0; i < b->n_spans; i++) strcat(c->d->title, b->spans[i].text);
            }
        }
    }
    if (b->kind == BLOCK_QUIZ) {
        quiz_error qe;
        const char *code = b->code ? b->code : "";
        quiz_status qs = quiz_parse(code, strlen(code), &b->quiz, &qe);
        if (qs == QUIZ_ENOMEM) c->err = MM_ERR_NOMEM;
        else if (qs != QUIZ_OK) {
            char msg[QUIZ_ERRMSG_SIZE + 32];
            quiz_error_format(&qe, msg, sizeof msg);
            b->quiz_error = strdup(msg);
        }
    }
    c->cur = NULL;
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct parse_ctx *c = userdata;
    switch (type) {
    case MD_BLOCK_QUOTE:
        finish_block(c);
        c->quote++;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        finish_block(c);
        if (c->n_lists < MAX_DEPTH) {
            struct list_ctx *l = &c->lists[c->n_lists++];
            l->ordered = type == MD_BLOCK_OL;
            l->next = type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
            l->tight = type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->is_tight
                                           : ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
        }
        break;
    case MD_BLOCK_LI: {
        finish_block(c);
        char buf[32];
        struct list_ctx *l = c->n_lists ? &c->lists[c->n_lists - 1] : NULL;
        if (l && l->ordered) snprintf(buf, sizeof buf, "%u. ", l->next++);
        else snprintf(buf, sizeof buf, "\xE2\x80\xA2 ");
        free(c->pending_bullet);
        c->pending_bullet = strdup(buf);
        if (!c->pending_bullet) c->err = MM_ERR_NOMEM;
        break;
    }
    case MD_BLOCK_HR:
        finish_block(c);
        if (!new_block(c, BLOCK_RULE)) return 1;
        break;
    case MD_BLOCK_H: {
        finish_block(c);
        struct block *b = new_block(c, BLOCK_HEADING);
        if (!b) return 1;
        b->level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        c->cur = b;
        break;
    }
    case MD_BLOCK_CODE: {
        finish_block(c);
        MD_BLOCK_CODE_DETAIL *cd = detail;
        char *info = attr_dup(&cd->info);
        if (!info) { c->err = MM_ERR_NOMEM; return 1; }
        int is_quiz = !strncmp(info, "quiz", 4) && (info[4] == 0 || info[4] == ' ');
        struct block *b = new_block(c, is_quiz ? BLOCK_QUIZ : BLOCK_CODE);
        if (!b) { free(info); return 1; }
        b->info = info;
        b->code = strdup("");
        if (!b->code) c->err = MM_ERR_NOMEM;
        b->bullet = c->pending_bullet;
        c->pending_bullet = NULL;
        c->cur = b;
        break;
    }
    case MD_BLOCK_P: {
        finish_block(c);
        struct block *b = new_block(c, BLOCK_PARAGRAPH);
        if (!b) return 1;
        b->bullet = c->pending_bullet;
        c->pending_bullet = NULL;
        c->cur = b;
        break;
    }
    case MD_BLOCK_TABLE: {
        finish_block(c);
        MD_BLOCK_TABLE_DETAIL *td = detail;
        struct block *b = new_block(c, BLOCK_TABLE);
        if (!b) return 1;
        b->cols = td->col_count;
        b->rows = td->head_row_count + td->body_row_count;
        size_t ncells = b->cols * b->rows;
        b->cells = calloc(ncells ? ncells : 1, sizeof *b->cells);
        if (!b->cells) { c->err = MM_ERR_NOMEM; return 1; }
        c->in_table = 1;
        c->table_block = c->d->n - 1;
        c->row = (size_t)-1;
        c->cur = NULL;
        break;
    }
    case MD_BLOCK_TR:
        c->row++;
        c->col = 0;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        struct block *b = &c->d->blocks[c->table_block];
        if (c->row < b->rows && c->col < b->cols) {
            c->cell = &b->cells[c->row * b->cols + c->col];
            MD_ALIGN a = ((MD_BLOCK_TD_DETAIL *)detail)->align;
            c->cell->align = a == MD_ALIGN_CENTER ? 1 : a == MD_ALIGN_RIGHT ? 2 : 0;
        } else {
            c->cell = NULL;
        }
        if (type == MD_BLOCK_TH && c->n_roles < MAX_DEPTH) c->roles[c->n_roles++] = ROLE_STRONG;
        break;
    }
    default:
        break;
    }
    return c->err != MM_OK;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    (void)detail;
    struct parse_ctx *c = userdata;
    switch (type) {
    case MD_BLOCK_QUOTE:
        finish_block(c);
        if (c->quote) c->quote--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        finish_block(c);
        if (c->n_lists) c->n_lists--;
        break;
    case MD_BLOCK_LI:
        finish_block(c);
        free(c->pending_bullet);
        c->pending_bullet = NULL;
        break;
    case MD_BLOCK_P:
    case MD_BLOCK_H:
    case MD_BLOCK_CODE:
        finish_block(c);
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (type == MD_BLOCK_TH && c->n_roles) c->n_roles--;
        c->cell = NULL;
        c->col++;
        break;
    case MD_BLOCK_TABLE:
        c->in_table = 0;
        break;
    default:
        break;
    }
    return c->err != MM_OK;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct parse_ctx *c = userdata;
    enum role r = current_role(c);
    switch (type) {
    case MD_SPAN_EM: r = r == ROLE_TEXT ? ROLE_EMPH : r; break;
    case MD_SPAN_STRONG: r = ROLE_STRONG; break;
    case MD_SPAN_CODE: r = ROLE_CODE; break;
    case MD_SPAN_A: {
        r = ROLE_LINK;
        struct doc *d = c->d;
        if (d->n_links == c->cap_links) {
            size_t nc = c->cap_links ? c->cap_links * 2 : 16;
            char **nl = realloc(d->links, nc * sizeof *nl);
            if (!nl) { c->err = MM_ERR_NOMEM; return 1; }
            d->links = nl;
            c->cap_links = nc;
        }
        char *href = attr_dup(&((MD_SPAN_A_DETAIL *)detail)->href);
        if (!href) { c->err = MM_ERR_NOMEM; return 1; }
        d->links[d->n_links] = href;
        if (c->n_link < MAX_DEPTH) c->links[c->n_link++] = (int)d->n_links;
        d->n_links++;
        break;
    }
    default: break;
    }
    if (c->n_roles < MAX_DEPTH) c->roles[c->n_roles++] = r;
    return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    (void)detail;
    struct parse_ctx *c = userdata;
    if (c->n_roles) c->n_roles--;
    if (type == MD_SPAN_A && c->n_link) c->n_link--;
    return 0;
}

/* The few entities lessons use, and numeric ones. */
static int decode_entity(const char *t, size_t n, char *out)
{
    static const struct { const char *name; const char *utf8; } ents[] = {
        { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
        { "&apos;", "'" }, { "&nbsp;", "\xC2\xA0" }, { "&mdash;", "\xE2\x80\x94" },
        { "&ndash;", "\xE2\x80\x93" }, { "&hellip;", "\xE2\x80\xA6" }, { "&rarr;", "\xE2\x86\x92" },
    };
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
        if (strlen(ents[i].name) == n && !memcmp(t, ents[i].name, n)) {
            strcpy(out, ents[i].utf8);
            return (int)strlen(out);
        }
    if (n > 3 && t[1] == '#') {
        unsigned long cp = (t[2] == 'x' || t[2] == 'X') ? strtoul(t + 3, NULL, 16) : strtoul(t + 2, NULL, 10);
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
        int k = 0;
        if (cp < 0x80) out[k++] = (char)cp;
        else if (cp < 0x800) { out[k++] = (char)(0xC0 | (cp >> 6)); out[k++] = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) {
            out[k++] = (char)(0xE0 | (cp >> 12)); out[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[k++] = (char)(0xF0 | (cp >> 18)); out[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[k++] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[k++] = (char)(0x80 | (cp & 0x3F));
        }
        return k;
    }
    memcpy(out, t, n < 15 ? n : 15);
    return (int)(n < 15 ? n : 15);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct parse_ctx *c = userdata;
    mm_status st = MM_OK;
    switch (type) {
    case MD_TEXT_SOFTBR: st = append_text(c, " ", 1); break;
    case MD_TEXT_BR: st = append_text(c, "\n", 1); break;
    case MD_TEXT_NULLCHAR: st = append_text(c, "\xEF\xBF\xBD", 3); break;
    case MD_TEXT_ENTITY: {
        char buf[16];
        int n = decode_entity(text, size, buf);
        st = append_text(c, buf, (size_t)n);
        break;
    }
    case MD_TEXT_HTML: break; /* raw HTML is not shown */
    default: st = append_text(c, text, size); break;
    }
    if (st != MM_OK) c->err = st;
    return st != MM_OK;
}

mm_status doc_parse(const char *markdown, size_t len, struct doc *out)
{
    memset(out, 0, sizeof *out);
    struct parse_ctx c = { .d = out, .err = MM_OK };
    MD_PARSER p = {
        .abi_version = 0,
        .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS |
                 MD_FLAG_NOHTML,
        .enter_block = enter_block,
        .leave_block = leave_block,
        .enter_span = enter_span,
        .leave_span = leave_span,
        .text = on_text,
    };
    int rc = md_parse(markdown, (MD_SIZE)len, &p, &c);
    finish_block(&c);
    free(c.pending_bullet);
    if (c.err != MM_OK || rc != 0) {
        doc_free(out);
        return c.err != MM_OK ? c.err : MM_ERR_IO;
    }
    return MM_OK;
}
