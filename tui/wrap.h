/* Breaking styled text into lines of a given width, with Unicode line
 * breaking (UAX #14, libunibreak) and display widths per code point. */
#ifndef MMAPLAB_WRAP_H
#define MMAPLAB_WRAP_H

#include "doc.h"

/* Lines produced by wrap_spans: each an array of spans (owned). */
struct wrapped {
    struct span **lines;
    size_t *counts;
    int *widths;
    size_t n;
};

/* Wrap spans to `first` columns on the first line and `rest` on the
 * others (both at least 1). A "\n" in the text is a hard break. Break
 * opportunities come from UAX #14, so Chinese breaks between characters but
 * closing punctuation never starts a line; a run with no opportunity that
 * is wider than the line is cut between characters, never inside a wide
 * character. Spaces at a break are dropped. */
mm_status wrap_spans(const struct span *spans, size_t n, int first, int rest, struct wrapped *out);
void wrapped_free(struct wrapped *w);

#endif
