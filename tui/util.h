/* Small helpers shared by the modules: checked allocation and whole-file
 * reads. */
#ifndef MMAPLAB_UTIL_H
#define MMAPLAB_UTIL_H

#include <stddef.h>
#include "errors.h"

char *xstrndup(const char *s, size_t n);
/* Read a whole file into a NUL-terminated heap buffer. */
mm_status read_file(const char *path, char **out, size_t *len);
/* "a" + "/" + "b" into a new heap string. */
char *path_join(const char *a, const char *b);
int file_exists(const char *path);
/* CPUs this process may run on (its affinity mask, as nproc counts), at least 1. */
int usable_cpus(void);
/* S as a count: 1 to MAX_DIGITS decimal digits, nothing else (no sign, no
 * blanks), at most INT_MAX. 1 and *out set, or 0. */
int parse_count(const char *s, size_t max_digits, int *out);
/* Text growing by appends. On allocation failure the text is freed, s is
 * NULL and failed is set; later appends do nothing. */
struct strbuf {
    char *s;
    size_t len, cap;
    int failed;
};
void sb_add(struct strbuf *b, const char *s, size_t n);
void sb_adds(struct strbuf *b, const char *s);

/* Replace a file so that a crash leaves the old content or the new one,
 * never a mix: a temporary file in the same folder, fsync, rename over
 * the target, fsync of the folder. */
mm_status write_file_atomic(const char *path, const char *data, size_t len);

#endif
