/* The course a command works on: where its files are and its list of labs.
 * Every command and the browser start here, so a missing data folder or a
 * broken manifest is reported the same way everywhere. */
#ifndef MMAPLAB_COURSE_H
#define MMAPLAB_COURSE_H

#include <stddef.h>
#include "manifest.h"
#include "paths.h"

/* Find the folders and read labs/manifest. On failure nothing is left to
 * free and err holds the reason. */
mm_status course_load(struct paths *p, struct manifest *m, char *err, size_t errlen);

/* The same for a command: prints "mmaplab CMD: reason" and returns 0 on
 * failure. */
int course_open(struct paths *p, struct manifest *m, const char *cmd);

void course_close(struct paths *p, struct manifest *m);

#endif
