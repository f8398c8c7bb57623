/* `mmaplab playground [--scenario NAME] [FILE]`: the page-cache playground
 * on its own, on a terminal or headless (--keys/--size, for tests). */
#include "app.h"
#include "app_launch.h"
#include "cli.h"
#include "i18n.h"

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
        const char *arg = argv[i], *name = NULL;
        if (!strcmp(arg, "--scenario") && i + 1 < argc) { scenario = argv[++i]; continue; }
        if (!strncmp(arg, "--scenario=", 11)) { scenario = arg + 11; continue; }
        if (!strcmp(arg, "--")) name = i + 1 < argc ? argv[++i] : NULL;
        else if (arg[0] != '-' || !arg[1]) name = arg;
        /* One FILE at most, and no other option. */
        if (!name || file) return usage();
        file = name;
    }
    if (!keys && (!isatty(0) || !isatty(1))) {
        fprintf(stderr, "mmaplab playground: %s\n", tr(c->lang, "the playground needs a terminal (or --keys for a scripted run)"));
        return 2;
    }
    int w = 80, h = 24;
    if (keys && launch_size(size, &w, &h) != 0) return 2;
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
    int rc = launch_app(&a, c, keys, w, h);
    /* The screen never started, so the playground is still ours to close. */
    if (rc == LAUNCH_BAD_KEYS || rc == LAUNCH_NO_TERMINAL) playground_ops.close(a.start_st);
    if (rc == LAUNCH_BAD_KEYS) rc = 2;
    if (rc == LAUNCH_NO_TERMINAL) {
        fprintf(stderr, "mmaplab playground: this terminal (TERM=%s) cannot show the playground\n",
                getenv("TERM") ? getenv("TERM") : "");
        rc = 1;
    }
    app_free(&a);
    return rc;
}
