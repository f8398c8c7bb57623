#include "progress.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char header[] = "mmaplab-progress 1";

void progress_free(struct progress *p)
{
    free(p->e);
    free(p->path);
    memset(p, 0, sizeof *p);
}

struct progress_entry *progress_get(struct progress *p, const char *kind, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->e[i].kind, kind) && !strcmp(p->e[i].key, key)) return &p->e[i];
    return NULL;
}

mm_status progress_set(struct progress *p, const char *kind, const char *key, int a, int b)
{
    if (strlen(kind) >= sizeof p->e[0].kind || strlen(key) >= sizeof p->e[0].key) return MM_ERR_USAGE;
    struct progress_entry *e = progress_get(p, kind, key);
    if (e) {
        /* The most recently set fact goes last, so "last" lines keep the
         * order in which chapters were visited. */
        struct progress_entry keep = *e;
        size_t at = (size_t)(e - p->e);
        memmove(&p->e[at], &p->e[at + 1], (p->n - at - 1) * sizeof *e);
        p->e[p->n - 1] = keep;
        e = &p->e[p->n - 1];
    } else {
        if (p->n == p->cap) {
            size_t nc = p->cap ? p->cap * 2 : 32;
            struct progress_entry *ne = realloc(p->e, nc * sizeof *ne);
            if (!ne) return MM_ERR_NOMEM;
            p->e = ne;
            p->cap = nc;
        }
        e = &p->e[p->n++];
        memset(e, 0, sizeof *e);
        snprintf(e->kind, sizeof e->kind, "%s", kind);
        snprintf(e->key, sizeof e->key, "%s", key);
    }
    e->a = a;
    e->b = b;
    return MM_OK;
}

static int known_kind(const char *k, int *numbers)
{
    static const struct { const char *kind; int numbers; } kinds[] = {
        { "last", 1 }, { "read", 0 }, { "hints", 1 }, { "lab", 2 }, { "quiz", 2 },
        { "predict", 2 }, { "played", 2 },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].kind, k)) { *numbers = kinds[i].numbers; return 1; }
    return 0;
}

static int plain_key(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == '.')) return 0;
    return 1;
}

/* Splits LINE (changed in place) at blanks into at most MAX words; returns
 * how many, or MAX + 1 when there are more. */
static int split_words(char *line, char *w[], int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == max) return max + 1;
        w[n++] = t;
    }
    return n;
}

mm_status progress_parse(struct progress *p, const char *text, char *err, size_t errlen)
{
    int lineno = 0;
    const char *s = text;
    int seen_header = 0;
    while (*s) {
        const char *e = strchr(s, '\n');
        if (!e) {
            /* Every line ends with a newline: a missing one means a cut file. */
            snprintf(err, errlen, "line %d is cut short", lineno + 1);
            return MM_ERR_IO;
        }
        lineno++;
        char line[256];
        size_t n = (size_t)(e - s);
        if (n >= sizeof line) {
            snprintf(err, errlen, "line %d is too long", lineno);
            return MM_ERR_IO;
        }
        memcpy(line, s, n);
        line[n] = 0;
        s = e + 1;
        if (memchr(line, 0, n)) {
            snprintf(err, errlen, "line %d holds a NUL byte", lineno);
            return MM_ERR_IO;
        }
        if (!seen_header) {
            if (strcmp(line, header)) {
                snprintf(err, errlen, "the first line is not \"%s\"", header);
                return MM_ERR_IO;
            }
            seen_header = 1;
            continue;
        }
        if (!line[0] || line[0] == '#') continue;
        char words[sizeof line];
        memcpy(words, line, n + 1);
        char *w[4];
        int nw = split_words(words, w, 4);
        int a = 0, b = 0, numbers = 0;
        if (nw < 2 || !known_kind(w[0], &numbers) || nw != 2 + numbers || !plain_key(w[1]) ||
            strlen(w[1]) >= sizeof p->e[0].key || (numbers > 0 && !parse_count(w[2], 10, &a)) ||
            (numbers > 1 && !parse_count(w[3], 10, &b))) {
            snprintf(err, errlen, "line %d is not a progress fact: %.60s", lineno, line);
            return MM_ERR_IO;
        }
        mm_status st = progress_set(p, w[0], w[1], a, b);
        if (st != MM_OK) return st;
    }
    if (!seen_header) {
        snprintf(err, errlen, "the file is empty");
        return MM_ERR_IO;
    }
    return MM_OK;
}

mm_status progress_load(struct progress *p, const char *workspace)
{
    memset(p, 0, sizeof *p);
    p->path = path_join(workspace, ".mmaplab/state");
    if (!p->path) return MM_ERR_NOMEM;
    char *text;
    mm_status st = read_file(p->path, &text, NULL);
    if (st == MM_ERR_IO) {
        if (errno != ENOENT)
            snprintf(p->warning, sizeof p->warning, "cannot read progress file %.300s (%s); starting afresh",
                     p->path, strerror(errno));
        return MM_OK;
    }
    if (st != MM_OK) return st;
    char err[200];
    st = progress_parse(p, text, err, sizeof err);
    free(text);
    if (st == MM_ERR_NOMEM) return st;
    if (st != MM_OK) {
        /* Keep the bad file for the learner to look at; start afresh. */
        char aside[4096];
        snprintf(aside, sizeof aside, "%s.corrupt-%ld", p->path, (long)time(NULL));
        int moved = rename(p->path, aside) == 0;
        snprintf(p->warning, sizeof p->warning, "damaged progress file (%.120s); %s%.200s; starting afresh",
                 err, moved ? "kept it as " : "could not move it aside", moved ? aside : "");
        p->n = 0;
    }
    return MM_OK;
}

mm_status progress_save(const struct progress *p)
{
    if (!p->path) return MM_ERR_USAGE;
    /* The folder .mmaplab next to the state. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", p->path);
    char *slash = strrchr(dir, '/');
    if (!slash) return MM_ERR_IO;
    *slash = 0;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return MM_ERR_IO;

    size_t cap = 64 + p->n * 160, len = 0;
    char *buf = malloc(cap);
    if (!buf) return MM_ERR_NOMEM;
    len += (size_t)snprintf(buf + len, cap - len, "%s\n", header);
    for (size_t i = 0; i < p->n; i++) {
        const struct progress_entry *e = &p->e[i];
        int numbers = 0;
        known_kind(e->kind, &numbers);
        if (numbers == 0) len += (size_t)snprintf(buf + len, cap - len, "%s %s\n", e->kind, e->key);
        else if (numbers == 1) len += (size_t)snprintf(buf + len, cap - len, "%s %s %d\n", e->kind, e->key, e->a);
        else len += (size_t)snprintf(buf + len, cap - len, "%s %s %d %d\n", e->kind, e->key, e->a, e->b);
    }
    mm_status st = write_file_atomic(p->path, buf, len);
    free(buf);
    return st;
}
