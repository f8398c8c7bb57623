/* ASCII stand-ins for terminals without a UTF-8 locale. */
#ifndef MMAPLAB_FOLD_H
#define MMAPLAB_FOLD_H

/* A new string where every non-ASCII code point is replaced: common
 * punctuation and box drawing by look-alikes, anything else (Chinese, for
 * instance) by '?' for each column it would have taken. */
char *ascii_fold(const char *s);

#endif
