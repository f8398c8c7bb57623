#include "check.h"
#include "cli.h"
#include "course.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: mmaplab check [--root DIR] [LAB...]\n"
                    "  LAB is an id (01), a slug (mapped-wc) or both (01-mapped-wc);\n"
                    "  without LAB every lab is checked. --root DIR checks the NN-slug/\n"
                    "  folders in DIR (for example solutions/) instead of your labs/.\n");
    return 2;
}

int cmd_check(const struct cli *c, int argc, char **argv)
{
    const char *root = NULL;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "--root") && first + 1 < argc) root = argv[++first];
        else if (!strcmp(argv[first], "--")) { first++; break; }
        else return usage();
    }
    struct paths p;
    struct manifest m;
    if (!course_open(&p, &m, NULL)) return 1;
    mm_status st;
    if (root && !file_exists(root)) {
        fprintf(stderr, "mmaplab check: --root %s: no such folder\n", root);
        manifest_free(&m);
        paths_free(&p);
        return 2;
    }

    /* Resolve every name first so a typo fails before minutes of testing. */
    size_t want_n = first < argc ? (size_t)(argc - first) : m.n;
    const struct lab **want = calloc(want_n ? want_n : 1, sizeof *want); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
    int rc = want ? 0 : 1;
    for (size_t i = 0; rc == 0 && i < want_n; i++) {
        want[i] = first < argc ? manifest_find(&m, argv[first + (int)i]) : &m.labs[i];
        if (!want[i]) {
            fprintf(stderr, "mmaplab check: no lab '%s'; `mmaplab list` shows the labs\n",
                    argv[first + (int)i]);
            rc = 2;
        }
    }
    int total = 0, max = 0;
    for (size_t i = 0; rc != 2 && want && i < want_n; i++) {
        struct lab_result r;
        st = lab_check(&p, want[i], root, &r);
        if (st != MM_OK) {
            fprintf(stderr, "mmaplab check %s: %s\n", want[i]->id, mm_strerror(st));
            lab_result_free(&r);
            rc = 1;
            break;
        }
        if (i) putchar('\n');
        lab_result_print(stdout, want[i], &r, c->colour);
        total += r.score;
        max += r.max;
        if (r.failed || !r.complete || r.score < r.max) rc = 1;
        lab_result_free(&r);
    }
    if (rc != 2 && want_n > 1) printf("\nTotal: %d/%d\n", total, max);
    free(want);
    manifest_free(&m);
    paths_free(&p);
    return rc;
}
