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

/* "WIDTHxHEIGHT", each from 1 to 1000: 0 when it is one. */
static int parse_size(const char *s, int *w, int *h)
{
    char *end;
    long cols = strtol(s, &end, 10);
    if (end == s || *end != 'x') return -1;
    const char *t = end + 1;
    long rows = strtol(t, &end, 10);
    if (end == t || *end || cols < 1 || rows < 1 || cols > 1000 || rows > 1000) return -1;
    *w = (int)cols;
    *h = (int)rows;
    return 0;
}

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
        if (size && parse_size(size, &w, &h) != 0) {
            fprintf(stderr, "mmaplab: --size takes WIDTHxHEIGHT, such as 80x24\n");
            app_free(&a);
            return 2;
        }
        char kerr[160] = "";
        struct backend *be = headless_backend_open(keys, w, h, kerr, sizeof kerr);
        if (!be) {
            fprintf(stderr, "mmaplab: %s\n", kerr[0] ? kerr : "out of memory");
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
