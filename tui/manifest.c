#include "manifest.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void lab_free(struct lab *l)
{
    free(l->id);
    free(l->slug);
    free(l->dir);
    free(l->lesson);
    free(l->title);
    for (size_t i = 0; i < l->nfiles; i++) free(l->files[i]);
    free(l->files);
}

void manifest_free(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++) lab_free(&m->labs[i]);
    free(m->labs);
    m->labs = NULL;
    m->n = 0;
}

/* Next blank-separated field of [*p, end); NULL when none. */
static char *field(const char **p, const char *end)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    const char *e = s;
    while (e < end && *e != ' ' && *e != '\t') e++;
    *p = e;
    return e > s ? xstrndup(s, (size_t)(e - s)) : NULL;
}

static int all_digits(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

static int safe_name(const char *s)
{
    /* Student file names are copied into build trees: keep them plain. */
    if (!*s || !strcmp(s, ".") || !strcmp(s, "..")) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.')) return 0;
    return 1;
}

static mm_status split_files(const char *list, struct lab *l)
{
    size_t cap = 1;
    for (const char *c = list; *c; c++) cap += *c == ',';
    l->files = calloc(cap + 1, sizeof *l->files);
    if (!l->files) return MM_ERR_NOMEM;
    const char *s = list;
    for (;;) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char *f = xstrndup(s, n);
        if (!f) return MM_ERR_NOMEM;
        l->files[l->nfiles++] = f;
        if (!safe_name(f)) return MM_ERR_MANIFEST;
        if (!e) break;
        s = e + 1;
    }
    return MM_OK;
}

static mm_status parse_line(const char *s, const char *end, struct lab *l, const char **why)
{
    const char *p = s;
    char *points = NULL, *files = NULL;
    mm_status st = MM_ERR_MANIFEST;
    l->id = field(&p, end);
    l->slug = field(&p, end);
    l->lesson = field(&p, end);
    points = field(&p, end);
    files = field(&p, end);
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    const char *te = end;
    while (te > p && (te[-1] == ' ' || te[-1] == '\t' || te[-1] == '\r')) te--;
    if (!l->id || !l->slug || !l->lesson || !points || !files || te == p) {
        *why = "expected: id slug lesson points files title";
        goto out;
    }
    if (!all_digits(l->id)) { *why = "the id must be digits"; goto out; }
    if (!parse_count(points, 6, &l->points)) { *why = "points must be a whole number"; goto out; }
    if (!safe_name(l->slug)) { *why = "the slug may hold only letters, digits, '-', '_' and '.'"; goto out; }
    l->title = xstrndup(p, (size_t)(te - p));
    size_t dl = strlen(l->id) + strlen(l->slug) + 2;
    l->dir = malloc(dl);
    if (!l->title || !l->dir) { st = MM_ERR_NOMEM; goto out; }
    snprintf(l->dir, dl, "%s-%s", l->id, l->slug);
    st = split_files(files, l);
    if (st == MM_ERR_MANIFEST) *why = "a student file name is not a plain file name";
out:
    free(points);
    free(files);
    return st;
}

mm_status manifest_parse(const char *text, struct manifest *out, char *err, size_t errlen)
{
    struct manifest m = {0};
    size_t cap = 0;
    int lineno = 0;
    const char *s = text;
    while (*s) {
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        lineno++;
        const char *t = s;
        while (t < e && (*t == ' ' || *t == '\t' || *t == '\r')) t++;
        if (t < e && *t != '#') {
            if (m.n == cap) {
                cap = cap ? cap * 2 : 16;
                struct lab *nl = realloc(m.labs, cap * sizeof *nl);
                if (!nl) { manifest_free(&m); return MM_ERR_NOMEM; }
                m.labs = nl;
            }
            struct lab *l = &m.labs[m.n];
            memset(l, 0, sizeof *l);
            const char *why = "";
            mm_status st = parse_line(t, e, l, &why);
            m.n++;
            if (st == MM_OK) {
                for (size_t i = 0; i + 1 < m.n; i++)
                    if (!strcmp(m.labs[i].id, l->id)) {
                        st = MM_ERR_MANIFEST;
                        why = "this lab id appears twice";
                    }
            }
            if (st != MM_OK) {
                if (err && st == MM_ERR_MANIFEST) snprintf(err, errlen, "labs/manifest line %d: %s", lineno, why);
                manifest_free(&m);
                return st;
            }
        }
        s = *e ? e + 1 : e;
    }
    if (m.n == 0) {
        if (err) snprintf(err, errlen, "labs/manifest lists no labs");
        return MM_ERR_MANIFEST;
    }
    *out = m;
    return MM_OK;
}

mm_status manifest_load(const char *path, struct manifest *out, char *err, size_t errlen)
{
    char *text;
    mm_status st = read_file(path, &text, NULL);
    if (st != MM_OK) {
        if (err) snprintf(err, errlen, "cannot read %s", path);
        return st == MM_ERR_IO ? MM_ERR_NO_DATA : st;
    }
    st = manifest_parse(text, out, err, errlen);
    free(text);
    return st;
}

const struct lab *manifest_find(const struct manifest *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct lab *l = &m->labs[i];
        if (!strcmp(key, l->id) || !strcmp(key, l->slug) || !strcmp(key, l->dir))
            return l;
        if (all_digits(key) && strlen(key) <= 6 && strtol(key, NULL, 10) == strtol(l->id, NULL, 10))
            return l;
    }
    return NULL;
}
