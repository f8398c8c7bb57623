/* Writing a layout to a stream: plain text, or with ANSI colours/attributes
 * from the theme. Used by `mmaplab show`. */
#ifndef MMAPLAB_RENDER_TEXT_H
#define MMAPLAB_RENDER_TEXT_H

#include <stdio.h>
#include "doc.h"

/* style: 0 plain, 1 monochrome attributes, 2 colours. */
void render_layout(FILE *f, const struct layout *l, int style);

#endif
