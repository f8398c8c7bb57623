#include "cli.h"
#include "course.h"
#include "lessons.h"
#include "manifest.h"
#include "paths.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_list(const struct cli *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "mmaplab list: takes no arguments\n");
        return 2;
    }
    struct paths p;
    struct manifest m;
    if (!course_open(&p, &m, NULL)) return 1;
    struct lesson_list ll;
    mm_status st = lessons_load(p.data, c->lang, &ll);
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab: %s\n", mm_strerror(st));
        manifest_free(&m);
        paths_free(&p);
        return 1;
    }
    printf("Lessons (lessons/%s):\n", c->lang);
    if (ll.n == 0) printf("  (none yet)\n");
    for (size_t i = 0; i < ll.n; i++)
        printf("  %.2s  %s%s\n", ll.items[i].file, ll.items[i].title,
               ll.items[i].fallback ? "  [English]" : "");
    printf("\nLabs (mmaplab check ID):\n");
    for (size_t i = 0; i < m.n; i++)
        printf("  %s  %-20s %3d pts  %s  (lesson %s)\n", m.labs[i].id, m.labs[i].slug,
               m.labs[i].points, m.labs[i].title, m.labs[i].lesson);
    lessons_free(&ll);
    manifest_free(&m);
    paths_free(&p);
    return 0;
}
