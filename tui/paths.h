/* Where mmaplab's files are: the data (lessons, pristine labs, tests), the
 * test tools (sandbox, call tracer) and the student's workspace. */
#ifndef MMAPLAB_PATHS_H
#define MMAPLAB_PATHS_H

#include "errors.h"

struct paths {
    char *data;      /* holds labs/manifest, lessons/, tests/ */
    char *tools;     /* holds sandbox and calltrace.so; NULL: tests build them */
    char *workspace; /* holds the student's labs/ */
};

/* Environment overrides: MMAPLAB_DATA, MMAPLAB_TOOLS, MMAPLAB_WORKSPACE.
 * Otherwise the data is found next to the executable (a source tree's
 * build/ folder, or PREFIX/bin with PREFIX/share/mmaplab), and the
 * workspace is the nearest folder, from the current one up, that holds
 * labs/manifest, else the data folder. */
mm_status paths_find(struct paths *p);
void paths_free(struct paths *p);

#endif
