#include "app_launch.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>

int launch_size(const char *size, int *w, int *h)
{
    if (!size) return 0;
    char *end;
    long cols = strtol(size, &end, 10);
    if (end != size && *end == 'x') {
        const char *t = end + 1;
        long rows = strtol(t, &end, 10);
        if (end != t && !*end && cols >= 1 && rows >= 1 && cols <= 1000 && rows <= 1000) {
            *w = (int)cols;
            *h = (int)rows;
            return 0;
        }
    }
    fprintf(stderr, "mmaplab: --size takes WIDTHxHEIGHT, such as 80x24\n");
    return -1;
}

int launch_app(struct app *a, const struct cli *c, const char *keys, int w, int h)
{
    int rc;
    if (keys) {
        char err[160] = "";
        struct backend *be = headless_backend_open(keys, w, h, err, sizeof err);
        if (!be) {
            fprintf(stderr, "mmaplab: %s\n", err[0] ? err : "out of memory");
            return LAUNCH_BAD_KEYS;
        }
        rc = app_run(a, be);
        headless_backend_close(be);
    } else {
        struct backend *be = curses_backend_open(c->colour);
        if (!be) return LAUNCH_NO_TERMINAL;
        rc = app_run(a, be);
        curses_backend_close(be);
    }
    return rc;
}
