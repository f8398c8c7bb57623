/* How each colour role looks: one table, with a colour form and a
 * monochrome form (bold / underline / reverse / dim), like htop's colour
 * schemes. Used by the ANSI renderer of `mmaplab show` and by the curses
 * screens. */
#ifndef MMAPLAB_THEME_H
#define MMAPLAB_THEME_H

#include "doc.h"

enum { THEME_BOLD = 1, THEME_UNDERLINE = 2, THEME_REVERSE = 4, THEME_DIM = 8, THEME_ITALIC = 16 };

enum theme_colour { TC_DEFAULT = -1, TC_BLACK, TC_RED, TC_GREEN, TC_YELLOW, TC_BLUE, TC_MAGENTA, TC_CYAN, TC_WHITE };

struct role_look {
    enum theme_colour fg;
    int colour_attrs;    /* attributes used together with the colour */
    int mono_attrs;      /* attributes alone, for monochrome terminals */
};

const struct role_look *theme_look(enum role r);

/* The ANSI SGR sequence that starts a role ("" for plain text). colour: 1
 * for colours, 0 for the monochrome form. Written into buf. */
const char *theme_sgr(enum role r, int colour, char *buf, size_t size);

#endif
