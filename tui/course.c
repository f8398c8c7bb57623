#include "course.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

mm_status course_load(struct paths *p, struct manifest *m, char *err, size_t errlen)
{
    err[0] = 0;
    mm_status st = paths_find(p);
    if (st != MM_OK) {
        snprintf(err, errlen, "%s", mm_strerror(st));
        return st;
    }
    char *mp = path_join(p->data, "labs/manifest");
    st = mp ? manifest_load(mp, m, err, errlen) : MM_ERR_NOMEM;
    free(mp);
    if (st != MM_OK) {
        if (!err[0]) snprintf(err, errlen, "%s", mm_strerror(st));
        paths_free(p);
    }
    return st;
}

int course_open(struct paths *p, struct manifest *m, const char *cmd)
{
    char err[300];
    if (course_load(p, m, err, sizeof err) == MM_OK) return 1;
    fprintf(stderr, "mmaplab%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", err);
    return 0;
}

void course_close(struct paths *p, struct manifest *m)
{
    manifest_free(m);
    paths_free(p);
}
