/* `mmaplab` with no command: the full-screen browser on a terminal, the
 * course list when standard output is not one, and a headless run for
 * tests (--keys SCRIPT --size WxH). */
#include "app.h"
#include "app_launch.h"
#include "cli.h"

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
    int w = 80, h = 24;
    if (keys && launch_size(size, &w, &h) != 0) {
        app_free(&a);
        return 2;
    }
    int rc = launch_app(&a, c, keys, w, h);
    if (rc == LAUNCH_BAD_KEYS) rc = 2;
    if (rc == LAUNCH_NO_TERMINAL) {
        fprintf(stderr, "mmaplab: this terminal (TERM=%s) cannot show the browser; "
                        "showing the course list instead\n", getenv("TERM") ? getenv("TERM") : "");
        app_free(&a);
        char *argv[] = { "list", NULL };
        return cmd_list(c, 1, argv);
    }
    app_free(&a);
    return rc;
}
