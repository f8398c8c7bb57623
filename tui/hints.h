/* HINTS.md of a lab: "## Hint 1", "## Hint 2", ... sections, shown one at
 * a time by the browser and by `mmaplab hint`. */
#ifndef MMAPLAB_HINTS_H
#define MMAPLAB_HINTS_H

int hints_count(const char *text);
/* Start of hint k (from 0) and, in *end, where it stops; NULL if none. */
const char *hints_section(const char *text, int k, const char **end);

#endif
