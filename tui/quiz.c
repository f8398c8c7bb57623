/* quiz.c - parse the text of one `quiz` block; see quiz.h and lessons/FORMAT.md. */
#include "quiz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line of the block, without its '\n' (and without a trailing '\r'). */
typedef struct line {
    const char *s;
    size_t n;
    size_t no;          /* 1-based */
} line;

typedef struct parser {
    quiz *q;
    quiz_error *err;
    quiz_status status;
    /* the question being read */
    quiz_question cur;
    size_t cap_options;
    size_t n_right;
} parser;

static const char *const status_text[] = {
    [QUIZ_OK] = "success",
    [QUIZ_ESYNTAX] = "the quiz block breaks the quiz format",
    [QUIZ_ENOMEM] = "out of memory",
    [QUIZ_EINVAL] = "invalid argument",
};

const char *quiz_strerror(quiz_status status)
{
    if ((size_t)status < sizeof status_text / sizeof status_text[0] && status_text[status])
        return status_text[status];
    return "unknown quiz status";
}

char *quiz_error_format(const quiz_error *err, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (err == NULL)
        snprintf(buf, size, "no error");
    else if (err->line > 0)
        snprintf(buf, size, "line %zu: %s", err->line, err->message);
    else
        snprintf(buf, size, "%s", err->message);
    return buf;
}

static void fail(parser *p, quiz_status st, size_t line_no, const char *fmt, ...)
{
    p->status = st;
    if (p->err == NULL)
        return;
    p->err->line = line_no;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

static line trim(line l)
{
    while (l.n > 0 && is_blank_char(l.s[0])) {
        l.s++;
        l.n--;
    }
    while (l.n > 0 && is_blank_char(l.s[l.n - 1]))
        l.n--;
    return l;
}

static int starts_with(line l, const char *prefix)
{
    size_t k = strlen(prefix);
    return l.n >= k && memcmp(l.s, prefix, k) == 0;
}

static line drop(line l, size_t k)
{
    l.s += k;
    l.n -= k;
    return l;
}

/* Length of the longest prefix of s[0..n) that is at most max bytes and does
 * not cut a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* Quote a line for an error message: at most ~40 bytes, UTF-8 kept whole. */
static void excerpt(line l, char *buf, size_t size)
{
    size_t k = utf8_cut(l.s, l.n, 40);
    snprintf(buf, size, "%.*s%s", (int)k, l.s, k < l.n ? "..." : "");
}

/* Return 0 when s[0..n) is valid UTF-8; else the 1-based byte column of the
 * first bad byte. */
static size_t utf8_check(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3; min = 0x10000;
        } else {
            return i + 1;
        }
        unsigned cp = c & (0x3Fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return i + 1;
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i + 1;
        i += k + 1;
    }
    return 0;
}

static void question_clear(quiz_question *qq)
{
    free(qq->text);
    for (size_t i = 0; i < qq->n_options; i++)
        free(qq->options[i]);
    free(qq->options);
    free(qq->explanation);
    memset(qq, 0, sizeof *qq);
}

void quiz_free(quiz *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n_questions; i++)
        question_clear(&q->questions[i]);
    free(q->questions);
    free(q);
}

/* The full-width colon U+FF1A, which a Chinese keyboard types instead of ':'. */
#define FULLWIDTH_COLON "\xEF\xBC\x9A"

static int begin_question(parser *p, line l, line body)
{
    line text = trim(body);
    if (text.n == 0) {
        fail(p, QUIZ_ESYNTAX, l.no, "empty question after `Q:`");
        return -1;
    }
    p->cur.text = dup_bytes(text.s, text.n);
    if (p->cur.text == NULL) {
        fail(p, QUIZ_ENOMEM, l.no, "out of memory");
        return -1;
    }
    p->cur.line = l.no;
    p->n_right = 0;
    return 0;
}

static int add_option(parser *p, line l, int right, line body)
{
    line text = trim(body);
    if (text.n == 0) {
        fail(p, QUIZ_ESYNTAX, l.no, "empty option text after `- [%c]`", right ? 'x' : ' ');
        return -1;
    }
    if (p->cur.n_options == p->cap_options) {
        size_t cap = p->cap_options ? 2 * p->cap_options : 4;
        char **o = realloc(p->cur.options, cap * sizeof *o);
        if (o == NULL) {
            fail(p, QUIZ_ENOMEM, l.no, "out of memory");
            return -1;
        }
        p->cur.options = o;
        p->cap_options = cap;
    }
    char *d = dup_bytes(text.s, text.n);
    if (d == NULL) {
        fail(p, QUIZ_ENOMEM, l.no, "out of memory");
        return -1;
    }
    if (right) {
        if (p->n_right == 0)
            p->cur.right = p->cur.n_options;
        p->n_right++;
    }
    p->cur.options[p->cur.n_options++] = d;
    return 0;
}

static int end_question(parser *p, line l, line body)
{
    line text = trim(body);
    if (text.n == 0) {
        fail(p, QUIZ_ESYNTAX, l.no, "empty explanation after `E:`");
        return -1;
    }
    if (p->cur.n_options < QUIZ_MIN_OPTIONS || p->cur.n_options > QUIZ_MAX_OPTIONS) {
        fail(p, QUIZ_ESYNTAX, p->cur.line, "a question needs %d to %d options, found %zu",
             QUIZ_MIN_OPTIONS, QUIZ_MAX_OPTIONS, p->cur.n_options);
        return -1;
    }
    if (p->n_right != 1) {
        fail(p, QUIZ_ESYNTAX, p->cur.line, "a question needs exactly one [x] option, found %zu",
             p->n_right);
        return -1;
    }
    p->cur.explanation = dup_bytes(text.s, text.n);
    if (p->cur.explanation == NULL) {
        fail(p, QUIZ_ENOMEM, l.no, "out of memory");
        return -1;
    }
    quiz_question *qs = realloc(p->q->questions, (p->q->n_questions + 1) * sizeof *qs);
    if (qs == NULL) {
        fail(p, QUIZ_ENOMEM, l.no, "out of memory");
        return -1;
    }
    p->q->questions = qs;
    /* shrink the options array to its size; keep the larger one on failure */
    char **o = realloc(p->cur.options, p->cur.n_options * sizeof *o);
    if (o)
        p->cur.options = o;
    qs[p->q->n_questions++] = p->cur;
    memset(&p->cur, 0, sizeof p->cur);
    p->cap_options = 0;
    p->n_right = 0;
    return 0;
}

/* Recognise an option line. Returns 1 and sets *right and *body for
 * "- [ ] text" / "- [x] text", 0 when the line is no option at all, -1 after
 * reporting a malformed option marker. */
static int option_line(parser *p, line l, int *right, line *body)
{
    if (!starts_with(l, "- [") && !starts_with(l, "-[") && !starts_with(l, "* [") &&
        !starts_with(l, "+ ["))
        return 0;
    char ex[64];
    excerpt(l, ex, sizeof ex);
    if (!starts_with(l, "- [")) {
        fail(p, QUIZ_ESYNTAX, l.no, "an option starts with `- [ ] ` or `- [x] `, found `%s`", ex);
        return -1;
    }
    if (l.n >= 5 && l.s[4] == ']' && (l.s[3] == ' ' || l.s[3] == 'x')) {
        *right = l.s[3] == 'x';
        *body = drop(l, 5);
        if (body->n > 0 && !is_blank_char(body->s[0])) {
            fail(p, QUIZ_ESYNTAX, l.no, "put a space after `- [%c]`, found `%s`", l.s[3], ex);
            return -1;
        }
        return 1;
    }
    if (l.n >= 5 && l.s[4] == ']' && l.s[3] == 'X') {
        fail(p, QUIZ_ESYNTAX, l.no, "mark the right option with a lower-case `- [x]`, found `%s`", ex);
        return -1;
    }
    fail(p, QUIZ_ESYNTAX, l.no, "an option starts with `- [ ] ` or `- [x] `, found `%s`", ex);
    return -1;
}

enum state { BETWEEN, IN_QUESTION, AFTER_EXPLANATION };

quiz_status quiz_parse(const char *text, size_t len, quiz **out, quiz_error *err)
{
    if (err) {
        err->line = 0;
        err->message[0] = '\0';
    }
    if (out == NULL || (text == NULL && len > 0)) {
        if (err)
            snprintf(err->message, sizeof err->message, "%s", quiz_strerror(QUIZ_EINVAL));
        return QUIZ_EINVAL;
    }
    *out = NULL;

    parser p = {0};
    p.err = err;
    p.status = QUIZ_OK;
    p.q = calloc(1, sizeof *p.q);
    if (p.q == NULL) {
        fail(&p, QUIZ_ENOMEM, 0, "out of memory");
        return p.status;
    }

    enum state st = BETWEEN;
    size_t pos = 0, no = 0, last_no = 0;
    while (pos < len && p.status == QUIZ_OK) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        line raw = { text + pos, end - pos, ++no };
        pos = nl ? end + 1 : len;
        last_no = no;
        if (raw.n > 0 && raw.s[raw.n - 1] == '\r')
            raw.n--;
        if (memchr(raw.s, '\0', raw.n)) {
            fail(&p, QUIZ_ESYNTAX, raw.no, "NUL byte in the text");
            break;
        }
        size_t badcol = utf8_check((const unsigned char *)raw.s, raw.n);
        if (badcol) {
            fail(&p, QUIZ_ESYNTAX, raw.no, "invalid UTF-8 (byte 0x%02X at byte %zu of the line)",
                 (unsigned)(unsigned char)raw.s[badcol - 1], badcol);
            break;
        }
        line l = trim(raw);
        char ex[64];
        excerpt(l, ex, sizeof ex);
        int is_q = starts_with(l, "Q:"), is_e = starts_with(l, "E:");
        if (starts_with(l, "Q" FULLWIDTH_COLON) || starts_with(l, "E" FULLWIDTH_COLON)) {
            fail(&p, QUIZ_ESYNTAX, l.no, "write `%c:` with an ASCII colon, found a full-width `：`",
                 l.s[0]);
            break;
        }
        int right = 0;
        line body = l;
        int opt = option_line(&p, l, &right, &body);
        if (opt < 0)
            break;

        switch (st) {
        case BETWEEN:
            if (l.n == 0)
                break;
            if (is_q) {
                if (begin_question(&p, l, drop(l, 2)) == 0)
                    st = IN_QUESTION;
            } else if (opt) {
                fail(&p, QUIZ_ESYNTAX, l.no, "an option before any `Q:` line");
            } else if (is_e) {
                fail(&p, QUIZ_ESYNTAX, l.no, "an `E:` explanation before any `Q:` line");
            } else {
                fail(&p, QUIZ_ESYNTAX, l.no, "a question starts with `Q: `, found `%s`", ex);
            }
            break;
        case IN_QUESTION:
            if (l.n == 0) {
                fail(&p, QUIZ_ESYNTAX, l.no,
                     "blank line inside the question of line %zu, which has no `E:` line yet",
                     p.cur.line);
            } else if (opt) {
                add_option(&p, l, right, body);
            } else if (is_e) {
                if (end_question(&p, l, drop(l, 2)) == 0)
                    st = AFTER_EXPLANATION;
            } else if (is_q) {
                fail(&p, QUIZ_ESYNTAX, l.no,
                     "a new `Q:` before the `E:` line of the question of line %zu", p.cur.line);
            } else if (p.cur.n_options == 0) {
                fail(&p, QUIZ_ESYNTAX, l.no,
                     "expected an option `- [ ] ` or `- [x] `, found `%s` (a question fits on one line)",
                     ex);
            } else {
                fail(&p, QUIZ_ESYNTAX, l.no,
                     "expected an option `- [ ] `, `- [x] ` or `E: `, found `%s` (an option fits on one line)",
                     ex);
            }
            break;
        case AFTER_EXPLANATION:
            if (l.n == 0) {
                st = BETWEEN;
            } else if (is_q) {
                fail(&p, QUIZ_ESYNTAX, l.no, "separate questions with a blank line");
            } else {
                fail(&p, QUIZ_ESYNTAX, l.no,
                     "expected a blank line after the `E:` line, found `%s` (an explanation fits on one line)",
                     ex);
            }
            break;
        }
    }

    if (p.status == QUIZ_OK) {
        if (st == IN_QUESTION)
            fail(&p, QUIZ_ESYNTAX, p.cur.line,
                 "the question ends without an `E:` explanation line (block ends at line %zu)",
                 last_no);
        else if (p.q->n_questions == 0)
            fail(&p, QUIZ_ESYNTAX, 1, "the quiz has no questions");
    }
    if (p.status != QUIZ_OK) {
        question_clear(&p.cur);
        quiz_free(p.q);
        return p.status;
    }
    *out = p.q;
    return QUIZ_OK;
}
