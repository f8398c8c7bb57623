/* The list of chapters: lessons/<lang>/NN-slug.md, in file-name order, with
 * each chapter's title taken from its first "# " heading. */
#ifndef MMAPLAB_LESSONS_H
#define MMAPLAB_LESSONS_H

#include <stddef.h>
#include "errors.h"

struct lesson {
    char *file;   /* "04-reading.md" */
    char *path;   /* full path, in the requested language or the English fallback */
    char *title;
    int fallback; /* 1 when the requested language lacks it and English is used */
};

struct lesson_list {
    struct lesson *items;
    size_t n;
};

mm_status lessons_load(const char *data_dir, const char *lang, struct lesson_list *out);
void lessons_free(struct lesson_list *l);

#endif
