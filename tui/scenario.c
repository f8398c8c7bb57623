/* Playground scenarios and actions as text: see scenario.h. */
#include "scenario.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum arg_kind { ARG_NONE, ARG_PAGE, ARG_RANGE, ARG_OPT_RANGE, ARG_SIZE };

static const struct {
    enum pg_op op;
    const char *verb, *word;   /* word: the second word, or NULL */
    enum arg_kind args;
} ops[] = {
    { PG_READ, "read", NULL, ARG_PAGE },
    { PG_WRITE, "write", NULL, ARG_PAGE },
    { PG_TOUCH, "touch", NULL, ARG_RANGE },
    { PG_MSYNC_SYNC, "msync", "sync", ARG_OPT_RANGE },
    { PG_MSYNC_ASYNC, "msync", "async", ARG_OPT_RANGE },
    { PG_MADV_DONTNEED, "madvise", "dontneed", ARG_OPT_RANGE },
    { PG_MADV_WILLNEED, "madvise", "willneed", ARG_OPT_RANGE },
    { PG_MADV_SEQUENTIAL, "madvise", "sequential", ARG_OPT_RANGE },
    { PG_MADV_RANDOM, "madvise", "random", ARG_OPT_RANGE },
    { PG_MADV_PAGEOUT, "madvise", "pageout", ARG_OPT_RANGE },
    { PG_FADV_DONTNEED, "fadvise", "dontneed", ARG_OPT_RANGE },
    { PG_TRUNCATE, "truncate", NULL, ARG_SIZE },
    { PG_PROTECT_RO, "protect", "ro", ARG_NONE },
    { PG_PROTECT_RW, "protect", "rw", ARG_NONE },
    { PG_MAP_SHARED, "map", "shared", ARG_NONE },
    { PG_MAP_PRIVATE, "map", "private", ARG_NONE },
    { PG_FORK_WRITE, "fork-write", NULL, ARG_PAGE },
};

enum { MAX_WORDS = 6, MAX_NUMBER = 1000000 };

struct words {
    const char *w[MAX_WORDS];
    size_t n[MAX_WORDS];
    int count;
};

/* Split on blanks; -1 when there are too many words. */
static int split(const char *s, size_t len, struct words *out)
{
    out->count = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i == len) break;
        size_t start = i;
        while (i < len && s[i] != ' ' && s[i] != '\t') i++;
        if (out->count == MAX_WORDS) return -1;
        out->w[out->count] = s + start;
        out->n[out->count] = i - start;
        out->count++;
    }
    return 0;
}

static int word_is(const struct words *w, int i, const char *text)
{
    return i < w->count && w->n[i] == strlen(text) && !memcmp(w->w[i], text, w->n[i]);
}

static int number(const struct words *w, int i, long *out)
{
    if (i >= w->count || w->n[i] == 0 || w->n[i] > 7) return -1;
    long v = 0;
    for (size_t k = 0; k < w->n[i]; k++) {
        char c = w->w[i][k];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    if (v > MAX_NUMBER) return -1;
    *out = v;
    return 0;
}

int pg_request_parse(const char *text, size_t len, struct pg_request *out, char *why, size_t whylen)
{
    struct words w;
    if (split(text, len, &w) != 0 || w.count == 0) {
        snprintf(why, whylen, w.count ? "too many words in the action" : "an empty action");
        return -1;
    }
    size_t k;
    int verb_known = 0;
    for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        if (!word_is(&w, 0, ops[k].verb)) continue;
        verb_known = 1;
        if (!ops[k].word || word_is(&w, 1, ops[k].word)) break;
    }
    if (k == sizeof ops / sizeof ops[0]) {
        if (verb_known)
            snprintf(why, whylen, "`%.*s` needs one of its words (see lessons/FORMAT.md)", (int)w.n[0], w.w[0]);
        else
            snprintf(why, whylen, "unknown action `%.*s`", (int)w.n[0], w.w[0]);
        return -1;
    }
    int at = ops[k].word ? 2 : 1;
    int nargs = w.count - at;
    struct pg_request r = { ops[k].op, 0, -1 };
    switch (ops[k].args) {
    case ARG_NONE:
        if (nargs != 0) goto bad_args;
        break;
    case ARG_PAGE:
        if (nargs != 1 || number(&w, at, &r.first) != 0) goto bad_args;
        r.count = 1;
        break;
    case ARG_SIZE:
        if (nargs != 1 || number(&w, at, &r.first) != 0) goto bad_args;
        r.count = 0;
        break;
    case ARG_RANGE:
    case ARG_OPT_RANGE:
        if (nargs == 0 && ops[k].args == ARG_OPT_RANGE) break;
        if (nargs != 2 || number(&w, at, &r.first) != 0 || number(&w, at + 1, &r.count) != 0 || r.count == 0)
            goto bad_args;
        break;
    }
    *out = r;
    return 0;
bad_args:;
    static const char *const want[] = {
        [ARG_NONE] = "no numbers", [ARG_PAGE] = "one page number",
        [ARG_RANGE] = "a first page and a page count",
        [ARG_OPT_RANGE] = "nothing (the whole mapping) or a first page and a page count",
        [ARG_SIZE] = "the new size in pages",
    };
    snprintf(why, whylen, "`%s%s%s` takes %s", ops[k].verb, ops[k].word ? " " : "", ops[k].word ? ops[k].word : "",
             want[ops[k].args]);
    return -1;
}

char *pg_request_format(const struct pg_request *r, char *buf, size_t size)
{
    if (size == 0) return buf;
    buf[0] = 0;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        if (ops[k].op != r->op) continue;
        int n = snprintf(buf, size, "%s%s%s", ops[k].verb, ops[k].word ? " " : "", ops[k].word ? ops[k].word : "");
        if (n < 0 || (size_t)n >= size) return buf;
        switch (ops[k].args) {
        case ARG_NONE: break;
        case ARG_PAGE:
        case ARG_SIZE: snprintf(buf + n, size - (size_t)n, " %ld", r->first); break;
        case ARG_RANGE:
        case ARG_OPT_RANGE:
            if (r->count >= 0) snprintf(buf + n, size - (size_t)n, " %ld %ld", r->first, r->count);
            break;
        }
        return buf;
    }
    snprintf(buf, size, "?");
    return buf;
}

char *scn_expect_format(const struct scn_expect *e, char *buf, size_t size)
{
    static const char *const fault[] = { "none", "SIGBUS", "SIGSEGV" };
    switch (e->kind) {
    case EXP_FAULT: snprintf(buf, size, "fault %s", fault[e->value >= 0 && e->value <= 2 ? e->value : 0]); break;
    case EXP_CACHED: snprintf(buf, size, "%s %ld %ld", e->value ? "cached" : "uncached", e->first, e->count); break;
    case EXP_MAPPED: snprintf(buf, size, "%s %ld %ld", e->value ? "mapped" : "unmapped", e->first, e->count); break;
    case EXP_PARENT_SEES: snprintf(buf, size, "parent-sees %s", e->value ? "yes" : "no"); break;
    case EXP_FILE_SEES: snprintf(buf, size, "file-sees %s", e->value ? "yes" : "no"); break;
    case EXP_RSS_FALLS: snprintf(buf, size, "%s", e->value ? "rss-falls" : "rss-stays"); break;
    }
    return buf;
}

static int parse_expect(const char *s, size_t len, struct scn_expect *e, char *why, size_t whylen)
{
    struct words w;
    if (split(s, len, &w) != 0 || w.count == 0) goto bad;
    memset(e, 0, sizeof *e);
    if (word_is(&w, 0, "fault") && w.count == 2) {
        e->kind = EXP_FAULT;
        if (word_is(&w, 1, "none")) e->value = 0;
        else if (word_is(&w, 1, "SIGBUS")) e->value = 1;
        else if (word_is(&w, 1, "SIGSEGV")) e->value = 2;
        else goto bad;
        return 0;
    }
    static const struct { const char *word; enum scn_expect_kind kind; int value; } ranged[] = {
        { "cached", EXP_CACHED, 1 }, { "uncached", EXP_CACHED, 0 },
        { "mapped", EXP_MAPPED, 1 }, { "unmapped", EXP_MAPPED, 0 },
    };
    for (size_t k = 0; k < sizeof ranged / sizeof ranged[0]; k++) {
        if (!word_is(&w, 0, ranged[k].word)) continue;
        if (w.count != 3 || number(&w, 1, &e->first) != 0 || number(&w, 2, &e->count) != 0 || e->count == 0) goto bad;
        e->kind = ranged[k].kind;
        e->value = ranged[k].value;
        return 0;
    }
    if ((word_is(&w, 0, "parent-sees") || word_is(&w, 0, "file-sees")) && w.count == 2 &&
        (word_is(&w, 1, "yes") || word_is(&w, 1, "no"))) {
        e->kind = word_is(&w, 0, "parent-sees") ? EXP_PARENT_SEES : EXP_FILE_SEES;
        e->value = word_is(&w, 1, "yes");
        return 0;
    }
    if ((word_is(&w, 0, "rss-falls") || word_is(&w, 0, "rss-stays")) && w.count == 1) {
        e->kind = EXP_RSS_FALLS;
        e->value = word_is(&w, 0, "rss-falls");
        return 0;
    }
bad:
    snprintf(why, whylen, "unknown expectation `%.*s` (fault none|SIGBUS|SIGSEGV, cached/uncached/mapped/unmapped P N, "
                          "parent-sees yes|no, file-sees yes|no, rss-falls, rss-stays)", (int)(len > 60 ? 60 : len), s);
    return -1;
}

static char *dup_trim(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void scenario_free(struct scenario *s)
{
    if (!s) return;
    free(s->title);
    free(s->intro);
    for (size_t i = 0; i < s->n_steps; i++) {
        struct scn_step *st = &s->steps[i];
        free(st->question);
        free(st->explanation);
        for (size_t o = 0; o < st->n_options; o++) free(st->options[o]);
    }
    free(s->steps);
    memset(s, 0, sizeof *s);
}

static int fail(struct scn_error *err, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct scn_error *err, size_t line, const char *fmt, ...)
{
    if (err) {
        err->line = line;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The value after "key:" when line starts with it, else NULL. */
static const char *field(const char *line, size_t n, const char *key, size_t *vlen)
{
    size_t k = strlen(key);
    if (n < k || memcmp(line, key, k)) return NULL;
    *vlen = n - k;
    return line + k;
}

/* The checks that need a whole step: options, the answer, the text. */
static int step_done(const struct scn_step *st, struct scn_error *err, size_t nright)
{
    if (!st->question) return fail(err, st->line, "the step has no `Q:` line (every step asks for a prediction)");
    if (st->n_options < 2) return fail(err, st->line, "the step's question needs 2 to %d options", SCN_MAX_OPTIONS);
    if (nright != 1) return fail(err, st->line, "the step's question needs exactly one [x] option, found %zu", nright);
    if (!st->explanation) return fail(err, st->line, "the step has no `E:` line (the explanation)");
    return 0;
}

int scenario_parse(const char *text, size_t len, struct scenario *out, struct scn_error *err)
{
    struct scenario s;
    memset(&s, 0, sizeof s);
    memset(out, 0, sizeof *out);
    if (err) { err->line = 0; err->message[0] = 0; }
    if (!text && len) return fail(err, 0, "no text");
    size_t lineno = 0, pos = 0, nright = 0, cap = 0;
    struct scn_step *cur = NULL;
    char why[SCN_ERR_SIZE];
    int rc = 0;
    while (pos < len && rc == 0) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        lineno++;
        if (memchr(line, 0, n)) { rc = fail(err, lineno, "a NUL byte"); break; }
        /* CRLF files. (cppcheck takes n > 0 for always true; a blank line
         * has n == 0.) */
        // cppcheck-suppress knownConditionTrueFalse
        if (n > 0 && line[n - 1] == '\r') n--;
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t')) lead++;
        if (lead == n || line[lead] == '#') continue;
        if (lead) { rc = fail(err, lineno, "lines do not start with blanks"); break; }
        const char *v;
        size_t vl;
        char **slot = NULL;
        if ((v = field(line, n, "step:", &vl))) {
            if (cur && (rc = step_done(cur, err, nright)) != 0) break;
            if (!s.title) { rc = fail(err, lineno, "the scenario needs a `title:` line before its steps"); break; }
            if (s.n_steps == cap) {
                size_t nc = cap ? cap * 2 : 4;
                struct scn_step *ns = realloc(s.steps, nc * sizeof *ns);
                if (!ns) { rc = fail(err, lineno, "out of memory"); break; }
                s.steps = ns;
                cap = nc;
            }
            cur = &s.steps[s.n_steps++];
            memset(cur, 0, sizeof *cur);
            cur->line = lineno;
            nright = 0;
            if (pg_request_parse(v, vl, &cur->req, why, sizeof why) != 0) rc = fail(err, lineno, "%s", why);
            continue;
        }
        if (!cur) {
            if ((v = field(line, n, "title:", &vl))) slot = &s.title;
            else if ((v = field(line, n, "intro:", &vl))) slot = &s.intro;
            else if ((v = field(line, n, "map:", &vl))) {
                char *m = dup_trim(v, vl);
                if (!m) { rc = fail(err, lineno, "out of memory"); break; }
                if (!strcmp(m, "shared")) s.map_private = 0;
                else if (!strcmp(m, "private")) s.map_private = 1;
                else rc = fail(err, lineno, "`map:` is shared or private, not `%s`", m);
                free(m);
                continue;
            } else if ((v = field(line, n, "setup:", &vl))) {
                if (s.n_setup == SCN_MAX_SETUP) { rc = fail(err, lineno, "more than %d setup lines", SCN_MAX_SETUP); break; }
                if (pg_request_parse(v, vl, &s.setup[s.n_setup], why, sizeof why) != 0) rc = fail(err, lineno, "%s", why);
                else s.n_setup++;
                continue;
            } else {
                rc = fail(err, lineno, "before the first `step:` only title:, intro:, map: and setup: lines may come");
                break;
            }
        } else if ((v = field(line, n, "Q:", &vl))) {
            if (cur->question) { rc = fail(err, lineno, "a second `Q:` in one step"); break; }
            slot = &cur->question;
        } else if ((v = field(line, n, "E:", &vl))) {
            if (cur->explanation) { rc = fail(err, lineno, "a second `E:` in one step"); break; }
            slot = &cur->explanation;
        } else if ((v = field(line, n, "- [ ]", &vl)) || (v = field(line, n, "- [x]", &vl))) {
            if (!cur->question) { rc = fail(err, lineno, "an option before the step's `Q:` line"); break; }
            if (cur->explanation) { rc = fail(err, lineno, "an option after the step's `E:` line"); break; }
            if (cur->n_options == SCN_MAX_OPTIONS) { rc = fail(err, lineno, "more than %d options", SCN_MAX_OPTIONS); break; }
            if (line[3] == 'x') { cur->right = cur->n_options; nright++; }
            slot = &cur->options[cur->n_options];
        } else if ((v = field(line, n, "expect:", &vl))) {
            if (cur->n_expects == SCN_MAX_EXPECTS) { rc = fail(err, lineno, "more than %d expect: lines", SCN_MAX_EXPECTS); break; }
            if (parse_expect(v, vl, &cur->expects[cur->n_expects], why, sizeof why) != 0) rc = fail(err, lineno, "%s", why);
            else cur->n_expects++;
            continue;
        } else if (n >= 3 && !memcmp(line, "Q\xEF\xBC\x9A", 4 <= n ? 4 : n)) {
            rc = fail(err, lineno, "write `Q:` with an ASCII colon");
            break;
        } else {
            rc = fail(err, lineno, "a step holds Q:, options (- [ ] / - [x]), E: and expect: lines; not `%.40s`", line);
            break;
        }
        char *val = dup_trim(v, vl);
        if (!val) { rc = fail(err, lineno, "out of memory"); break; }
        if (!val[0]) { free(val); rc = fail(err, lineno, "an empty value"); break; }
        if (*slot) { free(val); rc = fail(err, lineno, "a second line of the same kind"); break; }
        *slot = val;
        if (cur && slot == &cur->options[cur->n_options]) cur->n_options++;
    }
    if (rc == 0 && cur) rc = step_done(cur, err, nright);
    if (rc == 0 && !s.title) rc = fail(err, 0, "the scenario has no `title:` line");
    if (rc == 0 && s.n_steps == 0) rc = fail(err, 0, "the scenario has no steps");
    if (rc != 0) {
        scenario_free(&s);
        return -1;
    }
    *out = s;
    return 0;
}
