/* lessonlint - read one lesson (lessons/FORMAT.md) with md4c and print what
 * the checks in the tests/lessons bats files compare, as plain lines.
 *
 *   lessonlint snippets FILE.md OUTDIR   write each `c run` block to OUTDIR/NN.c
 *                                        and print "NN.c LINE EXPECT"
 *   lessonlint outline [--code] FILE.md  the structure compared for en/zh parity
 *   lessonlint links FILE.md             "link LINE TARGET" for every relative
 *                                        link or image, then "anchor SLUG" for
 *                                        every heading
 *   lessonlint quiz FILE.md              "quiz LINE Q=n options=a,b right=c,d"
 *   lessonlint tables FILE.md            "table LINE", "head LINE<TAB>cells",
 *                                        "row LINE<TAB>cells"; links in cells
 *                                        are written [text](target)
 *   lessonlint scenario FILE.txt         a playground scenario (tui/scenario.c):
 *                                        "map M", "setup ACTION", "step ACTION
 *                                        options=N right=K expect=...": the
 *                                        outline compared for en/zh parity
 *
 * Every subcommand first reads and checks the whole file: unterminated or
 * indented code blocks, unknown info strings or attributes, quiz blocks that
 * do not parse, invalid UTF-8. Problems go to stderr as "FILE:LINE: message";
 * the exit status is then 1 and nothing goes to stdout. Usage and I/O errors
 * exit with 2.
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror -O1 -g -Itui tests/lessons/lessonlint.c \
 *        tui/quiz.c tui/scenario.c $(pkg-config --cflags --libs md4c) -o build/lessonlint
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <md4c.h>

#include "quiz.h"
#include "scenario.h"

/* ---------------------------------------------------------------- utils */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "lessonlint: out of memory\n");
        exit(2);
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_fmt(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    buf_add(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

static const char *buf_cstr(const buf *b)
{
    return b->s ? b->s : "";
}

#define PUSH(arr, n, cap, item)                                        \
    do {                                                               \
        if ((n) == (cap)) {                                            \
            (cap) = (cap) ? 2 * (cap) : 16;                            \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));            \
        }                                                              \
        (arr)[(n)++] = (item);                                         \
    } while (0)

/* ---------------------------------------------------------------- model */

enum code_kind { CODE_C, CODE_C_RUN, CODE_SH, CODE_TEXT, CODE_QUIZ, CODE_BAD };

typedef struct heading {
    unsigned level;
    size_t line;
    buf text;
    char *slug;
} heading;

typedef struct codeblock {
    size_t line;            /* the opening fence */
    int fenced;
    char fence_char;
    size_t fence_len;
    char *info;
    enum code_kind kind;
    char expect[32];        /* c run: "exit:N" or "SIGNAME" */
    buf content;
    int has_off;            /* content has text inside the document */
    size_t first_off, last_off;
    quiz *quiz;
} codeblock;

typedef struct link {
    size_t line;
    char *target;
} link;

typedef struct row {
    size_t line;
    int head;
    buf cells;              /* cells joined with '\t' */
    size_t n_cells;
} row;

typedef struct table {
    size_t line;
    size_t first_row, n_rows;
} table;

typedef struct item {
    enum { IT_HEADING, IT_CODE } type;
    size_t index;
} item;

typedef struct problem {
    size_t line;
    size_t seq;
    char *msg;
} problem;

typedef struct doc {
    const char *path;
    char *text;
    size_t size;
    size_t *line_start;
    size_t n_lines;

    heading *headings; size_t n_headings, cap_headings;
    codeblock *codes; size_t n_codes, cap_codes;
    link *links; size_t n_links, cap_links;
    row *rows; size_t n_rows, cap_rows;
    table *tables; size_t n_tables, cap_tables;
    item *items; size_t n_items, cap_items;
    problem *problems; size_t n_problems, cap_problems;

    /* parser state */
    size_t last_off;        /* start of the last text seen inside the document */
    int seen_text;          /* last_off is valid */
    size_t scan_off;        /* where the search for the next fence starts */
    heading *cur_heading;
    codeblock *cur_code;
    size_t link_depth;
    link *cur_link;         /* the outermost open link, while its line is unknown */
    int link_line_known;
    row *cur_row;
    table *cur_table;
    buf cell;
    int in_cell;
    char **cell_hrefs;      /* stack of hrefs of links open inside a cell */
    size_t n_cell_hrefs, cap_cell_hrefs;
} doc;

static void problem_at(doc *d, size_t line, const char *fmt, ...)
{
    char tmp[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    problem p = { line, d->n_problems, xstrndup(tmp, strlen(tmp)) };
    PUSH(d->problems, d->n_problems, d->cap_problems, p);
}

/* ---------------------------------------------------------------- lines */

static void index_lines(doc *d)
{
    size_t cap = 0;
    PUSH(d->line_start, d->n_lines, cap, (size_t)0);
    for (size_t i = 0; i < d->size; i++)
        if (d->text[i] == '\n' && i + 1 < d->size)
            PUSH(d->line_start, d->n_lines, cap, i + 1);
}

/* 1-based line of a byte offset */
static size_t line_of(const doc *d, size_t off)
{
    size_t lo = 0, hi = d->n_lines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

static size_t line_begin(const doc *d, size_t line)
{
    return d->line_start[line - 1];
}

static size_t line_end(const doc *d, size_t line)   /* offset of '\n' or size */
{
    if (line < d->n_lines)
        return d->line_start[line] - 1;
    return d->size > 0 && d->text[d->size - 1] == '\n' ? d->size - 1 : d->size;
}

/* Offset of a pointer into the document, or SIZE_MAX when it points elsewhere
 * (md4c hands out static strings for indentation and line ends). */
static size_t off_of(const doc *d, const char *p)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)d->text;
    if (a >= b && a < b + d->size)
        return (size_t)(a - b);
    return SIZE_MAX;
}

/* Skip the container prefix of a line (block quote markers and blanks). */
static size_t skip_prefix(const doc *d, size_t i, size_t end)
{
    while (i < end && (d->text[i] == ' ' || d->text[i] == '\t' || d->text[i] == '>'))
        i++;
    return i;
}

static int is_fence_at(const doc *d, size_t i, size_t end, char fc, size_t min, size_t *len)
{
    size_t k = 0;
    while (i + k < end && d->text[i + k] == fc)
        k++;
    if (len)
        *len = k;
    return k >= min && k >= 3;
}

static int line_is_blank(const doc *d, size_t line)
{
    size_t e = line_end(d, line);
    size_t i = skip_prefix(d, line_begin(d, line), e);
    return i >= e || (i + 1 == e && d->text[i] == '\r');
}

/* ---------------------------------------------------------------- slugs */

/* Decode one UTF-8 code point at s[*i]; invalid bytes come back as U+FFFD. */
static unsigned long utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned long c = u[*i];
    size_t k = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && k == 0) {
        (*i)++;
        return 0xFFFD;
    }
    if (k && *i + k >= n) {
        *i = n;
        return 0xFFFD;
    }
    c &= k == 0 ? 0x7F : (0x3Fu >> k);
    for (size_t j = 1; j <= k; j++)
        c = (c << 6) | (u[*i + j] & 0x3F);
    *i += k + 1;
    return c;
}

static void utf8_put(buf *b, unsigned long c)
{
    char t[4];
    size_t n;
    if (c < 0x80) {
        t[0] = (char)c; n = 1;
    } else if (c < 0x800) {
        t[0] = (char)(0xC0 | (c >> 6)); t[1] = (char)(0x80 | (c & 0x3F)); n = 2;
    } else if (c < 0x10000) {
        t[0] = (char)(0xE0 | (c >> 12)); t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        t[2] = (char)(0x80 | (c & 0x3F)); n = 3;
    } else {
        t[0] = (char)(0xF0 | (c >> 18)); t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((c >> 6) & 0x3F)); t[3] = (char)(0x80 | (c & 0x3F)); n = 4;
    }
    buf_add(b, t, n);
}

/* GitHub keeps letters, marks, numbers and connector punctuation (\p{L},
 * \p{M}, \p{N}, \p{Pc}), spaces and '-'. Outside ASCII we drop the blocks of
 * punctuation, symbols and spaces a lesson can plausibly contain (Latin-1
 * signs, general punctuation, arrows, maths, box drawing, CJK and full-width
 * punctuation, emoji) and keep everything else, which covers CJK ideographs,
 * kana, Hangul, and accented letters. */
static int slug_drops(unsigned long c)
{
    static const unsigned long drop[][2] = {
        {0x00A0, 0x00A9}, {0x00AB, 0x00B1}, {0x00B4, 0x00B4}, {0x00B6, 0x00B8},
        {0x00BB, 0x00BB}, {0x00BF, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},
        {0x2000, 0x203E}, {0x2041, 0x2053}, {0x2055, 0x206F}, {0x20A0, 0x20CF},
        {0x2190, 0x245F}, {0x2500, 0x2775}, {0x2794, 0x2BFF}, {0x2E00, 0x2E7F},
        {0x3000, 0x3004}, {0x3008, 0x3020}, {0x3030, 0x3030}, {0x303D, 0x303F},
        {0x30FB, 0x30FB}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE32}, {0xFE35, 0xFE4C},
        {0xFE50, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20},
        {0xFF3B, 0xFF3E}, {0xFF40, 0xFF40}, {0xFF5B, 0xFF65}, {0xFFE0, 0xFFEF},
        {0xFFF0, 0xFFFF}, {0x1F000, 0x1FAFF},
    };
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        if (c >= drop[i][0] && c <= drop[i][1])
            return 1;
    return 0;
}

static unsigned long slug_lower(unsigned long c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
        (c >= 0x410 && c <= 0x42F) || (c >= 0xFF21 && c <= 0xFF3A))
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    if (((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) && c % 2 == 0)
        return c + 1;
    if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && c % 2 == 1)
        return c + 1;
    return c;
}

static char *slugify(const char *s, size_t n)
{
    buf b = {0};
    size_t i = 0;
    while (i < n) {
        unsigned long c = utf8_next(s, n, &i);
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                utf8_put(&b, c);
            else if (c >= 'A' && c <= 'Z')
                utf8_put(&b, c + 32);
            else if (c == ' ')
                utf8_put(&b, '-');
        } else if (!slug_drops(c)) {
            utf8_put(&b, slug_lower(c));
        }
    }
    if (b.s == NULL)
        buf_add(&b, "", 0);
    return b.s;
}

/* github-slugger: a repeated slug gets -1, -2, ... (skipping taken ones). */
static void assign_slugs(doc *d)
{
    typedef struct { char *slug; unsigned count; } seen_t;
    seen_t *seen = NULL;
    size_t n = 0, cap = 0;
    for (size_t h = 0; h < d->n_headings; h++) {
        heading *hd = &d->headings[h];
        char *base = slugify(buf_cstr(&hd->text), hd->text.n);
        char *slug = xstrndup(base, strlen(base));
        size_t j;
        for (j = 0; j < n && strcmp(seen[j].slug, base) != 0; j++)
            ;
        /* base taken: try base-1, base-2, ... counting on base's entry. */
        while (j < n) {
            size_t k;
            for (k = 0; k < n && strcmp(seen[k].slug, slug) != 0; k++)
                ;
            if (k == n)
                break;
            unsigned cnt = ++seen[j].count;
            buf t = {0};
            buf_fmt(&t, "%s-%u", base, cnt);
            free(slug);
            slug = t.s;
        }
        seen_t s = { xstrndup(slug, strlen(slug)), 0 };
        PUSH(seen, n, cap, s);
        hd->slug = slug;
        free(base);
    }
    for (size_t k = 0; k < n; k++)
        free(seen[k].slug);
    free(seen);
}

/* ---------------------------------------------------------------- code blocks */

static const char *const signal_names[] = {
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGIOT", "SIGBUS",
    "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPOLL", "SIGPWR",
    "SIGSYS",
};

static int known_signal(const char *s)
{
    for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
        if (strcmp(s, signal_names[i]) == 0)
            return 1;
    return 0;
}

#define INFO_HELP "FORMAT.md allows c, c run, c run expect=SIGNAME, c run expect=exit:N, sh, text, quiz"

static void parse_info(doc *d, codeblock *c)
{
    char *words[16];
    size_t n = 0;
    char *copy = xstrndup(c->info, strlen(c->info));
    for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        if (n < sizeof words / sizeof words[0])
            words[n++] = w;
    c->kind = CODE_BAD;
    if (n == 0) {
        problem_at(d, c->line, "code block without an info string (%s)", INFO_HELP);
    } else if (strcmp(words[0], "c") == 0) {
        int run = 0, expect = 0, ok = 1;
        snprintf(c->expect, sizeof c->expect, "exit:0");
        for (size_t i = 1; i < n; i++) {
            if (strcmp(words[i], "run") == 0 && !run && i == 1) {
                run = 1;
            } else if (strncmp(words[i], "expect=", 7) == 0 && run && !expect) {
                const char *v = words[i] + 7;
                expect = 1;
                if (strncmp(v, "exit:", 5) == 0) {
                    char *end;
                    errno = 0;
                    long st = v[5] >= '0' && v[5] <= '9' ? strtol(v + 5, &end, 10) : -1;
                    if (st < 0 || st > 255 || *end || errno) {
                        problem_at(d, c->line,
                                   "bad exit status in `%s` (write expect=exit:N with N from 0 to 255)",
                                   words[i]);
                        ok = 0;
                    } else {
                        snprintf(c->expect, sizeof c->expect, "exit:%ld", st);
                    }
                } else if (known_signal(v)) {
                    snprintf(c->expect, sizeof c->expect, "%s", v);
                } else {
                    problem_at(d, c->line,
                               "unknown expectation `%s` (write expect=exit:N or a signal name from signal.h such as expect=SIGBUS)",
                               words[i]);
                    ok = 0;
                }
            } else {
                const char *why = strcmp(words[i], "run") == 0 ? "comes once, right after `c`,"
                                  : strncmp(words[i], "expect=", 7) != 0 ? "is an unknown attribute"
                                  : run ? "comes once" : "needs `run` before it";
                problem_at(d, c->line, "`%s` %s in info string `%s` (%s)", words[i], why, c->info,
                           INFO_HELP);
                ok = 0;
            }
        }
        if (ok)
            c->kind = run ? CODE_C_RUN : CODE_C;
    } else if (strcmp(words[0], "sh") == 0 || strcmp(words[0], "text") == 0 ||
               strcmp(words[0], "quiz") == 0) {
        if (n > 1)
            problem_at(d, c->line, "unknown attribute `%s` in info string `%s`: `%s` blocks take none",
                       words[1], c->info, words[0]);
        else
            c->kind = words[0][0] == 's' ? CODE_SH : words[0][0] == 't' ? CODE_TEXT : CODE_QUIZ;
    } else {
        problem_at(d, c->line, "unknown info string `%s` (%s)", c->info, INFO_HELP);
    }
    free(copy);
}

/* Find the opening fence of the block that starts after d->scan_off. */
static size_t find_fence_line(doc *d, char fc)
{
    size_t from = d->scan_off;
    if (d->seen_text && line_end(d, line_of(d, d->last_off)) > from)
        from = line_end(d, line_of(d, d->last_off));
    for (size_t line = line_of(d, from); line <= d->n_lines; line++) {
        size_t e = line_end(d, line);
        size_t i = skip_prefix(d, line_begin(d, line), e);
        if (line_begin(d, line) >= from && is_fence_at(d, i, e, fc, 3, NULL))
            return line;
    }
    return line_of(d, d->last_off);
}

static void code_enter(doc *d, const MD_BLOCK_CODE_DETAIL *det)
{
    codeblock c = {0};
    c.fenced = det->fence_char != 0;
    c.fence_char = det->fence_char;
    c.info = xstrndup(det->info.text ? det->info.text : "", det->info.size);
    if (c.fenced) {
        size_t off = det->info.size ? off_of(d, det->info.text) : SIZE_MAX;
        c.line = off != SIZE_MAX ? line_of(d, off) : find_fence_line(d, c.fence_char);
        size_t e = line_end(d, c.line);
        size_t i = skip_prefix(d, line_begin(d, c.line), e);
        is_fence_at(d, i, e, c.fence_char, 3, &c.fence_len);
        if (c.fence_len < 3)
            c.fence_len = 3;
    }
    PUSH(d->codes, d->n_codes, d->cap_codes, c);
    item it = { IT_CODE, d->n_codes - 1 };
    PUSH(d->items, d->n_items, d->cap_items, it);
    d->cur_code = &d->codes[d->n_codes - 1];
}

static void code_text(doc *d, const char *s, size_t n)
{
    codeblock *c = d->cur_code;
    size_t off = off_of(d, s);
    if (off != SIZE_MAX) {
        if (!c->has_off)
            c->first_off = off;
        c->has_off = 1;
        c->last_off = off;
        /* a fence with an info string inside a block: the block above it was
         * probably never closed and swallowed the opening of this one */
        if (c->fenced && n > c->fence_len) {
            size_t k = 0;
            while (k < n && s[k] == c->fence_char)
                k++;
            if (k >= c->fence_len && k < n && s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
                problem_at(d, line_of(d, off),
                           "a fence (%.*s) inside the code block opened at line %zu: is the closing fence of that block missing?",
                           (int)(n < 40 ? n : 40), s, c->line);
        }
    }
    buf_add(&c->content, s, n);
}

static void code_leave(doc *d)
{
    codeblock *c = d->cur_code;
    d->cur_code = NULL;
    if (!c->fenced) {
        size_t line = c->has_off ? line_of(d, c->first_off) : line_of(d, d->last_off);
        c->line = line;
        c->kind = CODE_BAD;
        problem_at(d, line,
                   "indented code block (text indented by 4 or more spaces); use a fenced block with an info string");
        if (c->has_off)
            d->scan_off = line_end(d, line_of(d, c->last_off));
        return;
    }
    /* The closing fence is the first non-blank line after the content. */
    size_t line = c->has_off ? line_of(d, c->last_off) : c->line;
    int closed = 0;
    for (line = line + 1; line <= d->n_lines; line++) {
        if (line_is_blank(d, line))
            continue;
        size_t e = line_end(d, line);
        size_t i = skip_prefix(d, line_begin(d, line), e), k;
        if (is_fence_at(d, i, e, c->fence_char, c->fence_len, &k)) {
            size_t j = i + k;
            while (j < e && (d->text[j] == ' ' || d->text[j] == '\t' || d->text[j] == '\r'))
                j++;
            closed = j == e;
        }
        break;
    }
    if (closed) {
        d->scan_off = line_end(d, line);
    } else {
        problem_at(d, c->line, "the code block opened here (%c%c%c%s) is never closed: no closing fence of %zu or more `%c`",
                   c->fence_char, c->fence_char, c->fence_char, c->info, c->fence_len, c->fence_char);
        d->scan_off = c->has_off ? line_end(d, line_of(d, c->last_off)) : line_end(d, c->line);
    }
    parse_info(d, c);
    if (c->kind == CODE_QUIZ) {
        quiz_error err;
        quiz_status st = quiz_parse(c->content.s ? c->content.s : "", c->content.n, &c->quiz, &err);
        if (st == QUIZ_ESYNTAX)
            problem_at(d, c->line + err.line, "quiz: %s", err.message);
        else if (st != QUIZ_OK)
            problem_at(d, c->line, "quiz: %s", quiz_strerror(st));
    }
}

/* ---------------------------------------------------------------- md4c callbacks */

static void note_text_line(doc *d, size_t off)
{
    size_t line = line_of(d, off);
    if (d->cur_heading && d->cur_heading->line == 0)
        d->cur_heading->line = line;
    if (d->cur_link && !d->link_line_known) {
        d->cur_link->line = line;
        d->link_line_known = 1;
    }
    if (d->cur_row && d->cur_row->line == 0)
        d->cur_row->line = line;
    if (d->cur_table && d->cur_table->line == 0)
        d->cur_table->line = line;
}

static int cb_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    doc *d = userdata;
    switch (type) {
    case MD_BLOCK_H: {
        heading h = {0};
        h.level = ((MD_BLOCK_H_DETAIL *)detail)->level;
        PUSH(d->headings, d->n_headings, d->cap_headings, h);
        item it = { IT_HEADING, d->n_headings - 1 };
        PUSH(d->items, d->n_items, d->cap_items, it);
        d->cur_heading = &d->headings[d->n_headings - 1];
        break;
    }
    case MD_BLOCK_CODE:
        code_enter(d, detail);
        break;
    case MD_BLOCK_TABLE: {
        table t = { 0, d->n_rows, 0 };
        PUSH(d->tables, d->n_tables, d->cap_tables, t);
        d->cur_table = &d->tables[d->n_tables - 1];
        break;
    }
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
        break;
    case MD_BLOCK_TR: {
        row r = {0};
        PUSH(d->rows, d->n_rows, d->cap_rows, r);
        d->cur_row = &d->rows[d->n_rows - 1];
        if (d->cur_table)
            d->cur_table->n_rows++;
        break;
    }
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        d->in_cell = 1;
        d->cell.n = 0;
        if (d->cur_row)
            d->cur_row->head = type == MD_BLOCK_TH;
        break;
    default:
        break;
    }
    return 0;
}

static int cb_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    doc *d = userdata;
    (void)detail;
    switch (type) {
    case MD_BLOCK_H:
        if (d->cur_heading && d->cur_heading->line == 0)
            d->cur_heading->line = line_of(d, d->last_off);
        d->cur_heading = NULL;
        break;
    case MD_BLOCK_CODE:
        if (d->cur_code)
            code_leave(d);
        break;
    case MD_BLOCK_TABLE:
        d->cur_table = NULL;
        break;
    case MD_BLOCK_TR:
        if (d->cur_row && d->cur_row->line == 0)
            d->cur_row->line = line_of(d, d->last_off);
        d->cur_row = NULL;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (d->cur_row) {
            row *r = d->cur_row;
            if (r->n_cells++)
                buf_add(&r->cells, "\t", 1);
            /* trim */
            size_t a = 0, b = d->cell.n;
            while (a < b && d->cell.s[a] == ' ')
                a++;
            while (b > a && d->cell.s[b - 1] == ' ')
                b--;
            buf_add(&r->cells, d->cell.s ? d->cell.s + a : "", b - a);
        }
        d->in_cell = 0;
        break;
    default:
        break;
    }
    return 0;
}

static char *attr_copy(const MD_ATTRIBUTE *a)
{
    return xstrndup(a->text ? a->text : "", a->size);
}

static int cb_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    doc *d = userdata;
    const MD_ATTRIBUTE *href = NULL;
    if (type == MD_SPAN_A)
        href = &((MD_SPAN_A_DETAIL *)detail)->href;
    else if (type == MD_SPAN_IMG)
        href = &((MD_SPAN_IMG_DETAIL *)detail)->src;
    if (href == NULL)
        return 0;
    if (d->link_depth++ == 0) {
        link l = { 0, attr_copy(href) };
        size_t off = href->size ? off_of(d, href->text) : SIZE_MAX;
        /* fallback line; the first text inside the link replaces it */
        l.line = line_of(d, off != SIZE_MAX ? off : d->last_off);
        PUSH(d->links, d->n_links, d->cap_links, l);
        d->cur_link = &d->links[d->n_links - 1];
        d->link_line_known = 0;
    }
    if (d->in_cell) {
        buf_add(&d->cell, type == MD_SPAN_IMG ? "![" : "[", type == MD_SPAN_IMG ? 2 : 1);
        char *h = attr_copy(href);
        PUSH(d->cell_hrefs, d->n_cell_hrefs, d->cap_cell_hrefs, h);
    }
    return 0;
}

static int cb_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    doc *d = userdata;
    (void)detail;
    if (type != MD_SPAN_A && type != MD_SPAN_IMG)
        return 0;
    if (d->link_depth > 0 && --d->link_depth == 0)
        d->cur_link = NULL;
    if (d->in_cell && d->n_cell_hrefs > 0) {
        char *h = d->cell_hrefs[--d->n_cell_hrefs];
        buf_str(&d->cell, "](");
        buf_str(&d->cell, h);
        buf_str(&d->cell, ")");
        free(h);
    }
    return 0;
}

static int cb_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    doc *d = userdata;
    size_t off = off_of(d, text);
    if (off != SIZE_MAX && size > 0) {
        d->last_off = off;
        d->seen_text = 1;
        note_text_line(d, off);
    }
    if (d->cur_code) {
        code_text(d, text, size);
        return 0;
    }
    const char *s = text;
    size_t n = size;
    if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR) {
        s = " ";
        n = 1;
    } else if (type == MD_TEXT_NULLCHAR) {
        s = "\xEF\xBF\xBD";
        n = 3;
    } else if (type == MD_TEXT_ENTITY) {
        static const struct { const char *e, *t; } ent[] = {
            {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&nbsp;", "\xC2\xA0"},
        };
        for (size_t i = 0; i < sizeof ent / sizeof ent[0]; i++)
            if (strlen(ent[i].e) == size && memcmp(ent[i].e, text, size) == 0) {
                s = ent[i].t;
                n = strlen(s);
            }
    } else if (type == MD_TEXT_HTML) {
        n = 0;
    }
    if (d->cur_heading)
        buf_add(&d->cur_heading->text, s, n);
    if (d->in_cell) {
        for (size_t i = 0; i < n; i++)
            buf_add(&d->cell, (s[i] == '\t' || s[i] == '\n') ? " " : s + i, 1);
    }
    return 0;
}

/* ---------------------------------------------------------------- loading */

static size_t utf8_bad_offset(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        size_t k;
        unsigned long cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { k = 1; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; min = 0x10000; }
        else return i;
        cp = c & (0x3Fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (u[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (u[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += k + 1;
    }
    return SIZE_MAX;
}

static int load(doc *d, const char *path)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "lessonlint: %s: %s\n", path, strerror(errno));
        return 2;
    }
    buf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, k);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "lessonlint: %s: read error\n", path);
        free(b.s);
        return 2;
    }
    if (b.s == NULL)
        buf_add(&b, "", 0);
    d->text = b.s;
    d->size = b.n;
    index_lines(d);

    size_t bad_off = utf8_bad_offset(d->text, d->size);
    if (bad_off != SIZE_MAX)
        problem_at(d, line_of(d, bad_off), "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
                   (unsigned)(unsigned char)d->text[bad_off]);
    if (memchr(d->text, '\0', d->size))
        problem_at(d, line_of(d, (size_t)((char *)memchr(d->text, '\0', d->size) - d->text)),
                   "NUL byte in the file");

    MD_PARSER parser = {0};
    parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH;
    parser.enter_block = cb_enter_block;
    parser.leave_block = cb_leave_block;
    parser.enter_span = cb_enter_span;
    parser.leave_span = cb_leave_span;
    parser.text = cb_text;
    if (d->size > (size_t)(MD_SIZE)-1) {
        fprintf(stderr, "lessonlint: %s: file too large\n", path);
        return 2;
    }
    if (md_parse(d->text, (MD_SIZE)d->size, &parser, d) != 0) {
        fprintf(stderr, "lessonlint: %s: md4c failed to parse the file\n", path);
        return 2;
    }
    assign_slugs(d);
    return 0;
}

static int cmp_problem(const void *a, const void *b)
{
    const problem *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the problems; returns 1 when there are some. */
static int report(doc *d)
{
    if (d->n_problems == 0)
        return 0;
    qsort(d->problems, d->n_problems, sizeof *d->problems, cmp_problem);
    for (size_t i = 0; i < d->n_problems; i++)
        fprintf(stderr, "%s:%zu: %s\n", d->path, d->problems[i].line, d->problems[i].msg);
    return 1;
}

static void unload(doc *d)
{
    free(d->text);
    free(d->line_start);
    for (size_t i = 0; i < d->n_headings; i++) {
        free(d->headings[i].text.s);
        free(d->headings[i].slug);
    }
    free(d->headings);
    for (size_t i = 0; i < d->n_codes; i++) {
        free(d->codes[i].info);
        free(d->codes[i].content.s);
        quiz_free(d->codes[i].quiz);
    }
    free(d->codes);
    for (size_t i = 0; i < d->n_links; i++)
        free(d->links[i].target);
    free(d->links);
    for (size_t i = 0; i < d->n_rows; i++)
        free(d->rows[i].cells.s);
    free(d->rows);
    free(d->tables);
    free(d->items);
    for (size_t i = 0; i < d->n_problems; i++)
        free(d->problems[i].msg);
    free(d->problems);
    free(d->cell.s);
    for (size_t i = 0; i < d->n_cell_hrefs; i++)
        free(d->cell_hrefs[i]);
    free(d->cell_hrefs);
}

/* ---------------------------------------------------------------- normalising code */

/* C without comments: each comment becomes one space (as in translation
 * phase 3); string and character literals are kept. */
static void strip_c_comments(const char *s, size_t n, buf *out)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"' || c == '\'') {
            size_t j = i + 1;
            while (j < n && s[j] != c && s[j] != '\n') {
                if (s[j] == '\\' && j + 1 < n)
                    j++;
                j++;
            }
            if (j < n && s[j] == c)
                j++;
            buf_add(out, s + i, j - i);
            i = j;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            while (i < n && s[i] != '\n')
                i++;
            buf_add(out, " ", 1);
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/'))
                j++;
            j = j + 1 < n ? j + 2 : n;
            for (size_t k = i; k < j; k++)   /* keep the line structure */
                if (s[k] == '\n')
                    buf_add(out, "\n", 1);
            buf_add(out, " ", 1);
            i = j;
        } else {
            buf_add(out, s + i, 1);
            i++;
        }
    }
}

/* Shell without comments: '#' starting a word, outside quotes, to the end of
 * the line. */
static void strip_sh_comments(const char *s, size_t n, buf *out)
{
    size_t i = 0;
    char quote = 0;
    while (i < n) {
        char c = s[i];
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < n) {
                buf_add(out, s + i, 2);
                i += 2;
                continue;
            }
            if (c == quote)
                quote = 0;
            buf_add(out, s + i, 1);
            i++;
        } else if (c == '\\' && i + 1 < n) {
            buf_add(out, s + i, 2);
            i += 2;
        } else if (c == '\'' || c == '"') {
            quote = c;
            buf_add(out, s + i, 1);
            i++;
        } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n' ||
                                s[i - 1] == ';')) {
            while (i < n && s[i] != '\n')
                i++;
        } else {
            buf_add(out, s + i, 1);
            i++;
        }
    }
}

/* Comments removed, trailing blanks removed, blank lines dropped. */
static void normalize_code(const codeblock *c, buf *out)
{
    buf t = {0};
    const char *s = c->content.s ? c->content.s : "";
    if (c->kind == CODE_SH)
        strip_sh_comments(s, c->content.n, &t);
    else
        strip_c_comments(s, c->content.n, &t);
    const char *p = t.s ? t.s : "";
    size_t n = t.n, i = 0;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        size_t b = e;
        while (b > i && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\r'))
            b--;
        if (b > i) {
            buf_add(out, p + i, b - i);
            buf_add(out, "\n", 1);
        }
        i = e + 1;
    }
    free(t.s);
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* ---------------------------------------------------------------- subcommands */

static int cmd_outline(doc *d, int with_code)
{
    for (size_t i = 0; i < d->n_items; i++) {
        if (d->items[i].type == IT_HEADING) {
            printf("H%u\n", d->headings[d->items[i].index].level);
            continue;
        }
        const codeblock *c = &d->codes[d->items[i].index];
        if (c->kind == CODE_QUIZ) {
            const quiz *q = c->quiz;
            printf("quiz Q=%zu options=", q->n_questions);
            for (size_t k = 0; k < q->n_questions; k++)
                printf("%s%zu", k ? "," : "", q->questions[k].n_options);
            printf(" right=");
            for (size_t k = 0; k < q->n_questions; k++)
                printf("%s%zu", k ? "," : "", q->questions[k].right + 1);
            printf("\n");
            continue;
        }
        if (c->kind == CODE_TEXT) {
            printf("code text\n");
            continue;
        }
        buf norm = {0};
        normalize_code(c, &norm);
        uint64_t h = fnv1a(norm.s ? norm.s : "", norm.n);
        if (c->kind == CODE_C_RUN)
            printf("code c run %s %016llx\n", c->expect, (unsigned long long)h);
        else
            printf("code %s %016llx\n", c->kind == CODE_SH ? "sh" : "c", (unsigned long long)h);
        if (with_code) {
            const char *p = norm.s ? norm.s : "";
            while (*p) {
                const char *nl = strchr(p, '\n');
                printf("    | %.*s\n", (int)(nl - p), p);
                p = nl + 1;
            }
        }
        free(norm.s);
    }
    return 0;
}

static int is_relative(const char *t)
{
    if (t[0] == '/' )
        return 0;   /* absolute path or //host: not a relative link */
    size_t i = 0;
    if ((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z')) {
        while (t[i] && (((t[i] | 32) >= 'a' && (t[i] | 32) <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
                        t[i] == '+' || t[i] == '.' || t[i] == '-'))
            i++;
        if (t[i] == ':')
            return 0;   /* scheme: http:, https:, mailto: ... */
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 32) >= 'a' && (c | 32) <= 'f')
        return (c | 32) - 'a' + 10;
    return -1;
}

static void percent_decode(const char *s, buf *out)
{
    for (size_t i = 0; s[i]; i++) {
        int a, b;
        if (s[i] == '%' && (a = hexval(s[i + 1])) >= 0 && (b = hexval(s[i + 2])) >= 0) {
            char c = (char)(a * 16 + b);
            buf_add(out, &c, 1);
            i += 2;
        } else {
            buf_add(out, s + i, 1);
        }
    }
}

static int cmd_links(doc *d)
{
    for (size_t i = 0; i < d->n_links; i++) {
        if (!is_relative(d->links[i].target))
            continue;
        buf t = {0};
        percent_decode(d->links[i].target, &t);
        printf("link %zu %s\n", d->links[i].line, buf_cstr(&t));
        free(t.s);
    }
    for (size_t i = 0; i < d->n_headings; i++)
        printf("anchor %s\n", d->headings[i].slug);
    return 0;
}

static int cmd_quiz(doc *d)
{
    for (size_t i = 0; i < d->n_codes; i++) {
        const codeblock *c = &d->codes[i];
        if (c->kind != CODE_QUIZ)
            continue;
        const quiz *q = c->quiz;
        printf("quiz %zu Q=%zu options=", c->line, q->n_questions);
        for (size_t k = 0; k < q->n_questions; k++)
            printf("%s%zu", k ? "," : "", q->questions[k].n_options);
        printf(" right=");
        for (size_t k = 0; k < q->n_questions; k++)
            printf("%s%zu", k ? "," : "", q->questions[k].right + 1);
        printf("\n");
    }
    return 0;
}

static int cmd_tables(doc *d)
{
    for (size_t t = 0; t < d->n_tables; t++) {
        const table *tb = &d->tables[t];
        printf("table %zu\n", tb->line);
        for (size_t r = tb->first_row; r < tb->first_row + tb->n_rows; r++)
            printf("%s %zu\t%s\n", d->rows[r].head ? "head" : "row", d->rows[r].line,
                   buf_cstr(&d->rows[r].cells));
    }
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char *p = xstrndup(path, strlen(path));
    int rc = 0;
    /* From the first character, not p + 1: an empty PATH has no second. */
    for (char *s = p[0] == '/' ? p + 1 : p; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                rc = -1;
            *s = c;
            if (c == '\0' || rc)
                break;
        }
    }
    struct stat st;
    if (rc == 0 && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        rc = -1;
    }
    free(p);
    return rc;
}

static int cmd_snippets(doc *d, const char *outdir)
{
    if (make_dirs(outdir) != 0) {
        fprintf(stderr, "lessonlint: %s: %s\n", outdir, strerror(errno));
        return 2;
    }
    size_t k = 0;
    for (size_t i = 0; i < d->n_codes; i++) {
        const codeblock *c = &d->codes[i];
        if (c->kind != CODE_C_RUN)
            continue;
        char name[32];
        snprintf(name, sizeof name, "%02zu.c", ++k);
        buf path = {0};
        buf_fmt(&path, "%s/%s", outdir, name);
        FILE *f = fopen(path.s, "wb");
        if (f == NULL) {
            fprintf(stderr, "lessonlint: %s: %s\n", path.s, strerror(errno));
            free(path.s);
            return 2;
        }
        /* so that compiler messages point into the lesson */
        fputs("#line ", f);
        fprintf(f, "%zu \"", c->line + 1);
        for (const char *p = d->path; *p; p++) {
            if (*p == '"' || *p == '\\')
                fputc('\\', f);
            fputc(*p, f);
        }
        fputs("\"\n", f);
        fwrite(c->content.s ? c->content.s : "", 1, c->content.n, f);
        int bad = ferror(f);
        if (fclose(f) != 0 || bad) {
            fprintf(stderr, "lessonlint: %s: write error\n", path.s);
            free(path.s);
            return 2;
        }
        free(path.s);
        printf("%s %zu %s\n", name, c->line, c->expect);
    }
    return 0;
}

/* A playground scenario: parse it with the playground's own parser and
 * print its structure (no text: that is translated). */
static int cmd_scenario(const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "lessonlint: %s: %s\n", file, strerror(errno));
        return 2;
    }
    size_t cap = 4096, n = 0, r;
    char *text = xrealloc(NULL, cap);
    while ((r = fread(text + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) text = xrealloc(text, cap *= 2);
    }
    fclose(f);
    struct scenario sc;
    struct scn_error err;
    if (scenario_parse(text, n, &sc, &err) != 0) {
        fprintf(stderr, "%s:%zu: %s\n", file, err.line, err.message);
        free(text);
        return 1;
    }
    free(text);
    char buf[128];
    printf("map %s\n", sc.map_private ? "private" : "shared");
    for (size_t i = 0; i < sc.n_setup; i++) printf("setup %s\n", pg_request_format(&sc.setup[i], buf, sizeof buf));
    for (size_t i = 0; i < sc.n_steps; i++) {
        const struct scn_step *st = &sc.steps[i];
        printf("step %s options=%zu right=%zu expect=", pg_request_format(&st->req, buf, sizeof buf), st->n_options,
               st->right + 1);
        for (size_t k = 0; k < st->n_expects; k++)
            printf("%s%s", k ? ";" : "", scn_expect_format(&st->expects[k], buf, sizeof buf));
        printf("\n");
    }
    scenario_free(&sc);
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: lessonlint snippets FILE.md OUTDIR\n"
          "       lessonlint outline [--code] FILE.md\n"
          "       lessonlint links FILE.md\n"
          "       lessonlint quiz FILE.md\n"
          "       lessonlint tables FILE.md\n"
          "       lessonlint scenario FILE.txt\n"
          "Checks FILE.md against lessons/FORMAT.md; problems go to stderr as FILE:LINE: message\n"
          "and make the exit status 1. Usage and I/O errors exit with 2.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc < 3) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "scenario") == 0 && argc == 3) {
        int src = cmd_scenario(argv[2]);
        if (fflush(stdout) != 0 && src == 0) src = 2;
        return src;
    }
    const char *file = NULL, *outdir = NULL;
    int with_code = 0;
    if (strcmp(cmd, "snippets") == 0 && argc == 4) {
        file = argv[2];
        outdir = argv[3]; /* non-NULL from here on means "snippets" */
    } else if (strcmp(cmd, "outline") == 0 && argc == 4 && strcmp(argv[2], "--code") == 0) {
        file = argv[3];
        with_code = 1;
    } else if ((strcmp(cmd, "outline") == 0 || strcmp(cmd, "links") == 0 ||
                strcmp(cmd, "quiz") == 0 || strcmp(cmd, "tables") == 0) && argc == 3) {
        file = argv[2];
    } else {
        usage(stderr);
        return 2;
    }

    doc d;
    int rc = load(&d, file);
    if (rc == 0 && report(&d))
        rc = 1;
    if (rc == 0) {
        if (outdir != NULL)
            rc = cmd_snippets(&d, outdir);
        else if (strcmp(cmd, "outline") == 0)
            rc = cmd_outline(&d, with_code);
        else if (strcmp(cmd, "links") == 0)
            rc = cmd_links(&d);
        else if (strcmp(cmd, "quiz") == 0)
            rc = cmd_quiz(&d);
        else
            rc = cmd_tables(&d);
    }
    if (fflush(stdout) != 0 && rc == 0) {
        fprintf(stderr, "lessonlint: write error on stdout\n");
        rc = 2;
    }
    unload(&d);
    return rc;
}
