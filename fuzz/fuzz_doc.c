/* libFuzzer target: Markdown to a doc (tui/doc_parse.c, md4c), then the
 * doc laid out (tui/layout.c, wrap.c) the way the browser and `mmaplab
 * show` do, at a wide and a narrow width. The input is a whole lesson file,
 * bytes as they are (NULs, invalid UTF-8 and all). */
#include "doc.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lay_out(const struct doc *d, int width, int ascii)
{
    struct layout l;
    if (doc_layout(d, width, ascii, &l) != MM_OK) return;
    /* Walk every span, so a dangling pointer or a missing terminator in a
     * laid-out line shows up here and not in a screen. */
    size_t total = 0;
    for (size_t i = 0; i < l.n; i++)
        for (size_t k = 0; k < l.lines[i].n; k++) total += strlen(l.lines[i].spans[k].text);
    (void)total;
    for (size_t b = 0; b < d->n && b < 64; b++) (void)layout_line_of_block(&l, (int)b);
    layout_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct doc d;
    if (doc_parse((const char *)data, size, &d) != MM_OK) return 0;
    for (size_t i = 0; i < d.n; i++) {
        const struct block *b = &d.blocks[i];
        for (size_t k = 0; k < b->n_spans; k++) (void)strlen(b->spans[k].text);
        if (b->quiz_error) (void)strlen(b->quiz_error);
    }
    for (size_t i = 0; i < d.n_links; i++) (void)strlen(d.links[i]);
    /* The width is taken from the size, not from the bytes, so a seed lesson
     * is parsed exactly as the program parses it. */
    lay_out(&d, 80, 0);
    lay_out(&d, 1 + (int)(size % 37), (int)(size & 1));
    doc_free(&d);
    return 0;
}
