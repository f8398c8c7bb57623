/* `mmaplab playground [--scenario NAME] [FILE]`: the page-cache playground
 * on its own, on a terminal or headless (--keys/--size, for tests). */
#include "app.h"
#include "cli.h"
#include "i18n.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: mmaplab playground [--scenario NAME] [FILE]\n");
    return 2;
}

int cmd_playground(const struct cli *c, int argc, char **argv, const char *keys, const char *size)
{
    const char *scenario = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--scenario") && i + 1 < argc) scenario = argv[++i];
        else if (!strncmp(argv[i], "--scenario=", 11)) scenario = argv[i] + 11;
        else if (!strcmp(argv[i], "--")) { if (i + 1 < argc && !file) file = argv[++i]; else return usage(); }
        else if (argv[i][0] == '-' && argv[i][1]) return usage();
        else if (!file) file = argv[i];
        else return usage();
    }
    if (!keys && (!isatty(0) || !isatty(1))) {
        fprintf(stderr, "mmaplab playground: %s\n", tr(c->lang, "the playground needs a terminal (or --keys for a scripted run)"));
        return 2;
    }
    int w = 80, h = 24;
    if (keys && size && (sscanf(size, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000)) {
        fprintf(stderr, "mmaplab: --size takes WIDTHxHEIGHT, such as 80x24\n");
        return 2;
    }
    struct app a;
    char err[600];
    if (app_init(&a, c->lang, c->ascii, err, sizeof err) != MM_OK) {
        fprintf(stderr, "mmaplab: %s\n", err);
        return 1;
    }
    /* Open the file (or make the scratch file) before the screen takes over,
     * so a missing file is a plain error message. */
    a.start_st = playground_view_open(&a, file, scenario, err, sizeof err);
    if (!a.start_st) {
        fprintf(stderr, "mmaplab playground: %s\n", err);
        app_free(&a);
        return 1;
    }
    a.start_ops = &playground_ops;
    a.status[0] = 0;
    int rc;
    if (keys) {
        char kerr[160] = "";
        struct backend *be = headless_backend_open(keys, w, h, kerr, sizeof kerr);
        if (!be) {
            fprintf(stderr, "mmaplab: %s\n", kerr[0] ? kerr : "out of memory");
            playground_ops.close(a.start_st);
            app_free(&a);
            return 2;
        }
        rc = app_run(&a, be);
        headless_backend_close(be);
    } else {
        struct backend *be = curses_backend_open(c->colour);
        if (!be) {
            fprintf(stderr, "mmaplab playground: this terminal (TERM=%s) cannot show the playground\n",
                    getenv("TERM") ? getenv("TERM") : "");
            playground_ops.close(a.start_st);
            app_free(&a);
            return 1;
        }
        rc = app_run(&a, be);
        curses_backend_close(be);
    }
    app_free(&a);
    return rc;
}
