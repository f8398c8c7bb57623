#include "theme.h"

#include <stdio.h>
#include <string.h>

static const struct role_look looks[ROLE_COUNT] = {
    [ROLE_TEXT] = { TC_DEFAULT, 0, 0 },
    [ROLE_HEADING] = { TC_CYAN, THEME_BOLD, THEME_BOLD | THEME_UNDERLINE },
    [ROLE_SUBHEADING] = { TC_CYAN, THEME_BOLD, THEME_BOLD },
    [ROLE_EMPH] = { TC_DEFAULT, THEME_ITALIC, THEME_UNDERLINE },
    [ROLE_STRONG] = { TC_DEFAULT, THEME_BOLD, THEME_BOLD },
    [ROLE_CODE] = { TC_YELLOW, 0, THEME_BOLD },
    [ROLE_CODEBLOCK] = { TC_DEFAULT, 0, 0 },
    [ROLE_KEYWORD] = { TC_BLUE, THEME_BOLD, THEME_BOLD },
    [ROLE_STRING] = { TC_GREEN, 0, 0 },
    [ROLE_COMMENT] = { TC_DEFAULT, THEME_DIM, THEME_DIM },
    [ROLE_NUMBER] = { TC_MAGENTA, 0, 0 },
    [ROLE_PREPROC] = { TC_MAGENTA, THEME_BOLD, THEME_BOLD },
    [ROLE_LINK] = { TC_BLUE, THEME_UNDERLINE, THEME_UNDERLINE },
    [ROLE_QUOTE] = { TC_DEFAULT, THEME_DIM, 0 },
    [ROLE_MYTH] = { TC_RED, THEME_BOLD, THEME_BOLD },
    [ROLE_FACT] = { TC_GREEN, THEME_BOLD, THEME_BOLD },
    [ROLE_NOTE] = { TC_CYAN, 0, THEME_BOLD },
    [ROLE_WARN] = { TC_YELLOW, THEME_BOLD, THEME_BOLD },
    [ROLE_BORDER] = { TC_DEFAULT, THEME_DIM, 0 },
    [ROLE_QUIZ] = { TC_MAGENTA, THEME_BOLD, THEME_BOLD },
    [ROLE_OK] = { TC_GREEN, THEME_BOLD, THEME_BOLD },
    [ROLE_FAIL] = { TC_RED, THEME_BOLD, THEME_BOLD | THEME_REVERSE },
    [ROLE_DIM] = { TC_DEFAULT, THEME_DIM, THEME_DIM },
    [ROLE_SELECTED] = { TC_DEFAULT, THEME_REVERSE, THEME_REVERSE },
    [ROLE_HIT] = { TC_YELLOW, THEME_REVERSE, THEME_REVERSE },
    [ROLE_STATUS] = { TC_DEFAULT, THEME_REVERSE, THEME_REVERSE },
};

const struct role_look *theme_look(enum role r)
{
    return &looks[(unsigned)r < ROLE_COUNT ? r : ROLE_TEXT];
}

const char *theme_sgr(enum role r, int colour, char *buf, size_t size)
{
    const struct role_look *l = theme_look(r);
    int attrs = colour ? l->colour_attrs : l->mono_attrs;
    size_t o = 0;
    buf[0] = 0;
    if (!attrs && (!colour || l->fg == TC_DEFAULT)) return buf;
    o += (size_t)snprintf(buf + o, size - o, "\033[0");
    if (attrs & THEME_BOLD) o += (size_t)snprintf(buf + o, size - o, ";1");
    if (attrs & THEME_DIM) o += (size_t)snprintf(buf + o, size - o, ";2");
    if (attrs & THEME_ITALIC) o += (size_t)snprintf(buf + o, size - o, ";3");
    if (attrs & THEME_UNDERLINE) o += (size_t)snprintf(buf + o, size - o, ";4");
    if (attrs & THEME_REVERSE) o += (size_t)snprintf(buf + o, size - o, ";7");
    if (colour && l->fg != TC_DEFAULT) o += (size_t)snprintf(buf + o, size - o, ";%d", 30 + l->fg);
    if (o < size) snprintf(buf + o, size - o, "m");
    return buf;
}
