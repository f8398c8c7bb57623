/* C syntax colouring of code-block lines. */
#ifndef MMAPLAB_HIGHLIGHT_H
#define MMAPLAB_HIGHLIGHT_H

#include "doc.h"

/* Split one line of C into spans (caller frees each text and the array).
 * *in_comment carries an open block comment from one line to the next. */
mm_status highlight_c_line(const char *line, size_t len, int *in_comment, struct span **out,
                           size_t *n);

#endif
