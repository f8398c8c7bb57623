/* `mmaplab` with no command: the full-screen browser on a terminal, the
 * course list when standard output is not one, and a headless run for
 * tests (--keys SCRIPT --size WxH). */
#include "app.h"
#include "cli.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_browse(const struct cli *c, const char *keys, const char *size)
{
    if (!keys && (!isatty(0) || !isatty(1))) {
        /* Not a terminal: show the course instead of drawing. */
        char *argv[] = { "list", NULL };
        return cmd_list(c, 1, argv);
    }
    struct app a;
    char err[300];
    if (app_init(&a, c->lang, c->ascii, err, sizeof err) != MM_OK) {
        fprintf(stderr, "mmaplab: %s\n", err);
        return 1;
    }
    int rc;
    if (keys) {
        int w = 80, h = 24;
        if (size && (sscanf(size, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000)) {
            fprintf(stderr, "mmaplab: --size takes WIDTHxHEIGHT, such as 80x24\n");
            app_free(&a);
            return 2;
        }
        char err[160] = "";
        struct backend *be = headless_backend_open(keys, w, h, err, sizeof err);
        if (!be) {
            fprintf(stderr, "mmaplab: %s\n", err[0] ? err : "out of memory");
            app_free(&a);
            return 2;
        }
        rc = app_run(&a, be);
        headless_backend_close(be);
    } else {
        struct backend *be = curses_backend_open(c->colour);
        if (!be) {
            fprintf(stderr, "mmaplab: this terminal (TERM=%s) cannot show the browser; "
                            "showing the course list instead\n", getenv("TERM") ? getenv("TERM") : "");
            app_free(&a);
            char *argv[] = { "list", NULL };
            return cmd_list(c, 1, argv);
        }
        rc = app_run(&a, be);
        curses_backend_close(be);
    }
    app_free(&a);
    return rc;
}
