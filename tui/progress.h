/* A learner's progress, kept in the workspace as .mmaplab/state.
 *
 * The file is text, one fact per line, so it can be read and mended by
 * hand:
 *
 *   mmaplab-progress 1
 *   last 07-sigbus.md 120          chapter and line to resume at
 *   read 04-reading.md             a chapter read to the end
 *   hints 03 2                     hints of lab 03 revealed so far
 *   lab 03 17 20                   last check of lab 03: score, max
 *   quiz 07-sigbus.md 4 5          last attempt at that chapter's quiz: 4 of 5 right
 *   predict 03-fadvise-evicts.2 1 0  playground scenario 03, step 2: chose option 1, wrong (1: right)
 *   played 03-fadvise-evicts 3 4   that scenario finished: 3 of 4 predictions right
 *
 * New kinds are added under the same header: a file stays readable by
 * this version; the header's number changes only when the meaning of an
 * existing line changes.
 *
 * Writes are atomic: a temporary file in the same folder, fsync, rename
 * over the state, fsync of the folder. A file that does not parse is set
 * aside (renamed to state.corrupt-<time>) with a warning, and progress
 * starts afresh; nothing crashes and nothing is silently lost. The most
 * recently updated fact is written last, so the last "last" line names the
 * chapter to resume. */
#ifndef MMAPLAB_PROGRESS_H
#define MMAPLAB_PROGRESS_H

#include <stddef.h>
#include "errors.h"

struct progress_entry {
    char kind[8];       /* "last", "read", "hints", "lab", "quiz", "predict", "played" */
    char key[96];       /* chapter file or lab id */
    int a, b;           /* numbers, meaning by kind */
};

struct progress {
    struct progress_entry *e;
    size_t n, cap;
    char *path;         /* .../.mmaplab/state */
    char warning[512];  /* set when a corrupt file was set aside */
};

/* Load the state of a workspace (a missing file is an empty progress). */
mm_status progress_load(struct progress *p, const char *workspace);
/* Parse state text; returns MM_ERR_IO with the line in err when bad. */
mm_status progress_parse(struct progress *p, const char *text, char *err, size_t errlen);
mm_status progress_save(const struct progress *p);
void progress_free(struct progress *p);

/* The entry of a kind and key, or NULL. */
struct progress_entry *progress_get(struct progress *p, const char *kind, const char *key);
/* Set (add or replace) an entry. */
mm_status progress_set(struct progress *p, const char *kind, const char *key, int a, int b);

#endif
