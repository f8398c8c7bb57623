/* Search across the chapters of the current language: every laid-out line
 * holding the query (ASCII letters compared without case), in course order.
 * Hits are found at the screen width, so they point at the lines a reader
 * sees. */
#ifndef MMAPLAB_SEARCH_H
#define MMAPLAB_SEARCH_H

#include <stddef.h>
#include "canvas.h"
#include "errors.h"
#include "lessons.h"

struct hit {
    size_t lesson;
    int line;
};

struct search {
    char query[128];
    struct hit *hits;
    size_t n;
    size_t at;        /* the current hit */
};

mm_status search_run(struct search *s, const struct lesson_list *ll, const char *query, int width, int ascii);
void search_clear(struct search *s);

/* Mark every occurrence of the query in canvas row y with ROLE_HIT. */
void canvas_highlight(struct canvas *c, int y, const char *query);

#endif
