/* labs/manifest: the ordered list of labs. This is the program's only reader
 * of it (tests/lib/manifest.bash is the shell scripts' reader). */
#ifndef MMAPLAB_MANIFEST_H
#define MMAPLAB_MANIFEST_H

#include <stddef.h>
#include "errors.h"

struct lab {
    char *id;        /* "01" */
    char *slug;      /* "mapped-wc" */
    char *dir;       /* "01-mapped-wc" */
    char *lesson;    /* "04-reading" */
    int points;      /* the sum of the points of its tests */
    char **files;    /* student files, NULL-terminated */
    size_t nfiles;
    char *title;
};

struct manifest {
    struct lab *labs;
    size_t n;
};

/* Parse manifest text. On MM_ERR_MANIFEST, err (if given) receives a
 * message naming the line and the problem. */
mm_status manifest_parse(const char *text, struct manifest *out, char *err, size_t errlen);
mm_status manifest_load(const char *path, struct manifest *out, char *err, size_t errlen);
void manifest_free(struct manifest *m);

/* Find a lab by id ("1", "01"), by slug or by "NN-slug". */
const struct lab *manifest_find(const struct manifest *m, const char *key);

#endif
