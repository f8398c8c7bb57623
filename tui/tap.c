#include "tap.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void tap_free(struct tap_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->tests[i].name);
        free(r->tests[i].reason);
        free(r->tests[i].diag);
    }
    free(r->tests);
    free(r->bail_out);
    free(r->preamble);
    memset(r, 0, sizeof *r);
}

/* Append a line to a '\n'-joined heap string. */
static mm_status append(char **dst, const char *s, size_t n)
{
    size_t old = *dst ? strlen(*dst) : 0;
    char *p = realloc(*dst, old + n + 2);
    if (!p) return MM_ERR_NOMEM;
    if (old) p[old++] = '\n';
    memcpy(p + old, s, n);
    p[old + n] = 0;
    *dst = p;
    return MM_OK;
}

static int starts(const char *s, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - s) >= n && !memcmp(s, prefix, n);
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int d = tolower((unsigned char)a[i]) - tolower((unsigned char)b[i]);
        if (d) return d;
    }
    return 0;
}

/* [s, end) starts with the 4-letter word w, in any case. */
static int starts_word(const char *s, const char *end, const char *w)
{
    return end - s >= 4 && !strncasecmp_ascii(s, w, 4);
}

/* Find an unescaped " # " directive separator in a description. */
static const char *directive(const char *s, const char *end)
{
    for (const char *p = s; p + 1 < end; p++) {
        if (*p == '\\') { p++; continue; }
        if (*p == '#' && (p == s || p[-1] == ' ')) return p;
    }
    return NULL;
}

static mm_status parse_result(const char *s, const char *end, bool ok, struct tap_test *t)
{
    const char *p = s + (ok ? 2 : 6);
    while (p < end && *p == ' ') p++;
    t->number = 0;
    while (p < end && isdigit((unsigned char)*p)) {
        /* A test number too big for an int is kept as INT_MAX. */
        int digit = *p++ - '0';
        t->number = t->number > (INT_MAX - digit) / 10 ? INT_MAX : t->number * 10 + digit;
    }
    while (p < end && (*p == ' ' || *p == '-')) {
        if (*p == '-' && p + 1 < end && p[1] != ' ') break;
        p++;
    }
    const char *d = directive(p, end);
    const char *name_end = d ? d : end;
    while (name_end > p && name_end[-1] == ' ') name_end--;
    t->outcome = ok ? TAP_PASS : TAP_FAIL;
    if (d) {
        const char *q = d + 1;
        while (q < end && *q == ' ') q++;
        if (starts_word(q, end, "skip")) {
            t->outcome = TAP_SKIP;
            q += 4;
        } else if (starts_word(q, end, "todo")) {
            t->outcome = ok ? TAP_PASS : TAP_TODO_FAIL;
            q += 4;
        }
        while (q < end && *q == ' ') q++;
        t->reason = xstrndup(q, (size_t)(end - q));
        if (!t->reason) return MM_ERR_NOMEM;
    }
    t->points = -1;
    if (p < name_end && *p == '[') {
        const char *q = p + 1;
        int v = 0, digits = 0;
        while (q < name_end && isdigit((unsigned char)*q) && digits < 6) { v = v * 10 + (*q++ - '0'); digits++; }
        if (digits && q < name_end && *q == ']') {
            t->points = v;
            p = q + 1;
            while (p < name_end && *p == ' ') p++;
        }
    }
    t->name = xstrndup(p, (size_t)(name_end - p));
    return t->name ? MM_OK : MM_ERR_NOMEM;
}

mm_status tap_parse(const char *text, struct tap_run *out)
{
    struct tap_run r = { .planned = -1 };
    size_t cap = 0;
    mm_status st = MM_OK;
    for (const char *s = text; *s && st == MM_OK;) {
        const char *end = strchr(s, '\n');
        if (!end) end = s + strlen(s);
        const char *e = end;
        if (e > s && e[-1] == '\r') e--;
        bool ok = starts(s, e, "ok ") || (e - s == 2 && starts(s, e, "ok"));
        bool notok = starts(s, e, "not ok");
        if (ok || notok) {
            if (r.n == cap) {
                cap = cap ? cap * 2 : 32;
                struct tap_test *nt = realloc(r.tests, cap * sizeof *nt);
                if (!nt) { st = MM_ERR_NOMEM; break; }
                r.tests = nt;
            }
            struct tap_test *t = &r.tests[r.n++];
            memset(t, 0, sizeof *t);
            st = parse_result(s, e, ok, t);
        } else if (starts(s, e, "1..")) {
            long planned = strtol(s + 3, NULL, 10);
            r.planned = planned < 0 ? -1 : planned > INT_MAX ? INT_MAX : (int)planned;
        } else if (starts(s, e, "Bail out!")) {
            const char *q = s + 9;
            while (q < e && *q == ' ') q++;
            free(r.bail_out);
            r.bail_out = xstrndup(q, (size_t)(e - q));
            if (!r.bail_out) st = MM_ERR_NOMEM;
        } else if (starts(s, e, "#")) {
            const char *q = s + 1;
            if (q < e && *q == ' ') q++;
            char **dst = r.n ? &r.tests[r.n - 1].diag : &r.preamble;
            st = append(dst, q, (size_t)(e - q));
        }
        s = *end ? end + 1 : end;
    }
    if (st != MM_OK) { tap_free(&r); return st; }
    *out = r;
    return MM_OK;
}

bool tap_complete(const struct tap_run *r)
{
    return r->planned >= 0 && (size_t)r->planned == r->n && !r->bail_out;
}
