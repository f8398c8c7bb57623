/* What a screen paints: a grid of cells, each one character and a colour
 * role. Screens draw into a canvas; the terminal backend (curses) or the
 * headless backend (screen dumps for tests) shows it. Widths are display
 * columns: a wide character fills its cell and marks the next one as its
 * continuation, and is never cut in half. */
#ifndef MMAPLAB_CANVAS_H
#define MMAPLAB_CANVAS_H

#include <stdio.h>
#include "doc.h"

struct cell {
    char ch[8];       /* one UTF-8 character, "" for the right half of a wide one */
    enum role role;
};

struct canvas {
    int w, h;
    int ascii;        /* no UTF-8 locale: anything not ASCII becomes '?' */
    struct cell *cells;
};

struct canvas *canvas_new(int w, int h);
void canvas_free(struct canvas *c);
void canvas_clear(struct canvas *c);

/* Write text at (x, y) clipped to max_x (exclusive; -1 for the canvas
 * width). Returns the column after the last character written. Control
 * characters are shown as U+FFFD; combining marks join the previous cell
 * when they fit. */
int canvas_put(struct canvas *c, int x, int y, const char *text, enum role role, int max_x);

/* Fill a row from x to the end with spaces of a role. */
void canvas_fill(struct canvas *c, int x, int y, enum role role);

/* Plain-text dump, one line per row, trailing blanks removed. */
void canvas_dump(const struct canvas *c, FILE *f);

#endif
