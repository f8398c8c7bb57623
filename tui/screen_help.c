/* The help screen, generated from the action table. */
#include "app.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct help {
    int top;
    int rows;
};

static void draw(void *st, struct app *a, struct canvas *c, int top, int rows)
{
    struct help *s = st;
    int n;
    const struct action_info *t = action_table(&n);
    s->rows = rows;
    if (s->top > n + 2 - rows) s->top = n + 2 - rows;
    if (s->top < 0) s->top = 0;
    for (int r = 0; r < rows; r++) {
        int i = s->top + r - 1;
        int y = top + r;
        if (i == -1) {
            canvas_put(c, 1, y, tr(a->lang, "Keys"), ROLE_HEADING, -1);
            continue;
        }
        if (i < 0 || i >= n) continue;
        char keys[64] = "", kn[16];
        for (int k = 0; k < 3; k++) {
            if (!t[i].keys[k]) continue;
            if (keys[0]) strncat(keys, ", ", sizeof keys - strlen(keys) - 1);
            strncat(keys, key_label(t[i].keys[k], kn, sizeof kn), sizeof keys - strlen(keys) - 1);
        }
        int x = canvas_put(c, 2, y, keys, ROLE_STRONG, -1);
        if (x < 26) x = 26;
        else x++;
        canvas_put(c, x, y, tr(a->lang, t[i].help), ROLE_TEXT, -1);
    }
}

static int key(void *st, struct app *a, enum action act)
{
    (void)a;
    struct help *s = st;
    switch (act) {
    case ACT_DOWN: s->top++; return 1;
    case ACT_UP: if (s->top > 0) s->top--; return 1;
    case ACT_HELP: return 1;
    default: return 0;
    }
}

static void title(void *st, struct app *a, char *buf, int size)
{
    (void)st;
    snprintf(buf, (size_t)size, "%s", tr(a->lang, "Help (q to go back)"));
}

static void close_(void *st)
{
    free(st);
}

const struct screen_ops help_ops = { "help", draw, key, title, NULL, close_, NULL };

void *help_open(struct app *a)
{
    struct help *s = calloc(1, sizeof *s);
    if (!s) app_status(a, "%s", tr(a->lang, "out of memory"));
    return s;
}
