#include "lessons.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lessons_free(struct lesson_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].file);
        free(l->items[i].path);
        free(l->items[i].title);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int is_chapter(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' &&
           name[2] == '-' && !strcmp(name + n - 3, ".md");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct lesson *)a)->file, ((const struct lesson *)b)->file);
}

static char *first_heading(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char line[1024];
    char *title = NULL;
    while (!title && fgets(line, sizeof line, f)) {
        if (line[0] == '#' && line[1] == ' ') {
            line[strcspn(line, "\r\n")] = 0;
            title = strdup(line + 2);
        }
    }
    fclose(f);
    return title;
}

/* Chapters are listed from English, the complete set; each is then looked
 * up in the requested language. */
mm_status lessons_load(const char *data_dir, const char *lang, struct lesson_list *out)
{
    memset(out, 0, sizeof *out);
    char *en = path_join(data_dir, "lessons/en");
    char *tr = NULL;
    if (!en) return MM_ERR_NOMEM;
    char sub[64];
    snprintf(sub, sizeof sub, "lessons/%s", lang);
    tr = path_join(data_dir, sub);
    DIR *d = opendir(en);
    if (!d || !tr) {
        free(en);
        free(tr);
        if (d) closedir(d);
        return d ? MM_ERR_NOMEM : MM_OK; /* no lessons yet is not an error */
    }
    mm_status st = MM_OK;
    size_t cap = 0;
    struct dirent *e;
    while (st == MM_OK && (e = readdir(d))) {
        if (!is_chapter(e->d_name)) continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            struct lesson *ni = realloc(out->items, cap * sizeof *ni);
            if (!ni) { st = MM_ERR_NOMEM; break; }
            out->items = ni;
        }
        struct lesson *l = &out->items[out->n];
        memset(l, 0, sizeof *l);
        l->file = strdup(e->d_name);
        char *want = path_join(tr, e->d_name);
        if (want && file_exists(want)) {
            l->path = want;
        } else {
            free(want);
            l->path = path_join(en, e->d_name);
            l->fallback = strcmp(lang, "en") != 0;
        }
        out->n++;
        if (!l->file || !l->path) { st = MM_ERR_NOMEM; break; }
        l->title = first_heading(l->path);
        if (!l->title) l->title = strdup(l->file);
        if (!l->title) st = MM_ERR_NOMEM;
    }
    closedir(d);
    free(en);
    free(tr);
    if (st != MM_OK) { lessons_free(out); return st; }
    if (out->n) qsort(out->items, out->n, sizeof *out->items, by_name);
    return MM_OK;
}
