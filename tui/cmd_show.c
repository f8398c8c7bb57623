#include "cli.h"
#include "doc.h"
#include "lessons.h"
#include "paths.h"
#include "render_text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: mmaplab show [--width N] [--ascii] LESSON\n"
                    "  LESSON is a chapter number (7), a file name (07-sigbus.md) or a slug (sigbus).\n");
    return 2;
}

/* Does a chapter file name match what the user typed? */
static int matches(const char *file, const char *key)
{
    size_t fl = strlen(file), kl = strlen(key);
    if (!strcmp(file, key)) return 1;
    if (kl + 3 == fl && !strncmp(file, key, kl) && !strcmp(file + kl, ".md")) return 1;
    char *end;
    long n = strtol(key, &end, 10);
    if (*key && !*end && n == strtol(file, NULL, 10)) return 1;
    /* slug: after "NN-" and before ".md" */
    if (fl > 6 && kl + 6 == fl && !strncmp(file + 3, key, kl)) return 1;
    return 0;
}

int cmd_show(const struct cli *c, int argc, char **argv)
{
    int width = 0, ascii = c->ascii;
    const char *key = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--width") && i + 1 < argc) {
            char *end;
            long w = strtol(argv[++i], &end, 10);
            if (*end || w < 1 || w > 10000) {
                fprintf(stderr, "mmaplab show: --width takes a number of columns from 1 to 10000\n");
                return 2;
            }
            width = (int)w;
        } else if (!strcmp(argv[i], "--ascii")) {
            ascii = 1;
        } else if (argv[i][0] == '-' || key) {
            return usage();
        } else {
            key = argv[i];
        }
    }
    if (!key) return usage();
    if (!width) {
        struct winsize ws;
        width = isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    }
    struct paths p;
    mm_status st = paths_find(&p);
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab: %s\n", mm_strerror(st));
        return 1;
    }
    struct lesson_list ll;
    st = lessons_load(p.data, c->lang, &ll);
    paths_free(&p);
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab: %s\n", mm_strerror(st));
        return 1;
    }
    const struct lesson *found = NULL;
    for (size_t i = 0; i < ll.n && !found; i++)
        if (matches(ll.items[i].file, key)) found = &ll.items[i];
    if (!found) {
        fprintf(stderr, "mmaplab show: no chapter '%s'; `mmaplab list` shows the chapters\n", key);
        lessons_free(&ll);
        return 2;
    }
    if (found->fallback)
        fprintf(stderr, "mmaplab: %s is not translated yet; showing the English chapter\n", found->file);
    if (ascii && !strcmp(c->lang, "zh"))
        fprintf(stderr, "mmaplab: Chinese text needs a UTF-8 locale (for example LANG=C.UTF-8); "
                        "it is shown as '?' here\n");
    char *text;
    size_t len;
    st = read_file(found->path, &text, &len);
    int rc = 1;
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab show: cannot read %s\n", found->path);
    } else {
        struct doc d;
        struct layout l;
        if ((st = doc_parse(text, len, &d)) == MM_OK) {
            if ((st = doc_layout(&d, width, ascii, &l)) == MM_OK) {
                render_layout(stdout, &l, c->colour ? 2 : 0);
                layout_free(&l);
                rc = 0;
            }
            doc_free(&d);
        }
        if (st != MM_OK) fprintf(stderr, "mmaplab show: %s: %s\n", found->file, mm_strerror(st));
        free(text);
    }
    lessons_free(&ll);
    return rc;
}
